"""examples/world.yaml: the sources a fresh clone watches, readable and valid as shipped."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from services.detector.catalog import known_pattern_ids
from services.platform.config import load_settings
from tests.conftest import REPO_ROOT

STARTER = REPO_ROOT / "examples" / "world.yaml"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory):
    return load_settings(STARTER)  # the config contract: unknown kinds, options, keys refused


def test_at_least_forty_sources_across_every_social_kind(settings) -> None:
    kinds = Counter(source.kind for source in settings.sources)
    assert len(settings.sources) >= 40
    for kind in ("mastodon", "bluesky", "reddit", "telegram"):
        assert kinds[kind] >= 2, kind
    assert kinds["rss"] + kinds["atom"] >= 25


def test_official_sources_are_there(settings) -> None:
    ids = {source.id for source in settings.sources}
    assert {"un-news", "nato-news", "uk-fcdo", "uk-mod", "us-state-press", "us-dod-releases"} <= ids


def test_one_gdelt_query_per_built_in_pattern(settings) -> None:
    gdelt = {
        source.id.removeprefix("gdelt-").replace("-", "_") for source in settings.sources if source.kind == "gdelt"
    }
    assert gdelt == known_pattern_ids(None)


def test_each_entry_says_what_it_is_and_the_file_says_it_was_not_checked() -> None:
    text = STARTER.read_text(encoding="utf-8")
    lines = text.splitlines()
    entries = [i for i, line in enumerate(lines) if re.match(r"\s+- (\{id:|id:)", line)]
    assert len(entries) >= 40
    for index in entries:
        assert lines[index - 1].strip().startswith("#") and len(lines[index - 1].strip()) > 10, lines[index]
    assert "NOT CHECKED" in text and "without internet access" in text
    assert "tocsin sources check --config examples/world.yaml" in text


def test_make_run_watches_it_when_there_is_no_tocsin_yaml(tmp_path: Path) -> None:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    shutil.copy(REPO_ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "pyproject.toml").write_text("")
    dry = subprocess.run([make, "-n", "run"], cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert "tocsin run --config examples/world.yaml" in dry
    assert "pip install --quiet --disable-pip-version-check -e .\n" in dry, "run installs no test tools"
    assert "installing Tocsin and its runtime dependencies" in dry
    (tmp_path / "tocsin.yaml").write_text("sources: []\n")
    dry = subprocess.run([make, "-n", "run"], cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert "tocsin run --config tocsin.yaml" in dry
