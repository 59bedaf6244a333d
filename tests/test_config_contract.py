"""The config contract: one mistake stops every command before anything starts.

Each mistake a newcomer makes in ``tocsin.yaml`` must come back as exit status 2 and one line
on standard error naming the file, the field's path and what was expected, with no traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from services.api.contract import stage_vocabulary
from services.platform.config import ConfigError
from services.platform.config import load_settings as load_plain
from tests.conftest import REPO_ROOT


def load_settings(path):  # type: ignore[no-untyped-def]
    """As every ``tocsin`` command loads a config: with the stages' vocabulary."""
    return load_plain(path, vocabulary=stage_vocabulary())


GOOD = """\
sources:
  - id: bbc-world
    kind: rss
    url: https://feeds.bbci.co.uk/news/world/rss.xml
    interval: 10m
  - id: gdelt-ultimatum
    kind: gdelt
    query: ultimatum
subscriptions:
  - id: desk
    patterns: [ultimatum]
rules:
  - id: buildup-burst
    kind: frequency
    filter: {patterns: [military_buildup]}
"""

# (what the newcomer typed instead, field path, words the message must contain)
MISTAKES = [
    (("kind: rss", "kind: rsss"), "sources.0.kind", ["unknown source kind 'rsss'", "did you mean 'rss'", "gdelt"]),
    (("interval: 10m", "intervall: 10s"), "sources.0.intervall", ["unknown option of kind 'rss'", "interval"]),
    (("    url: https", "    urll: https"), "sources.0.urll", ["unknown option of kind 'rss'", "did you mean 'url'"]),
    (("query: ultimatum", "querry: ultimatum"), "sources.1.querry", ["unknown option of kind 'gdelt'", "query"]),
    (
        ("    patterns: [ultimatum]", "    paterns: [ultimatum]"),
        "subscriptions.0.paterns",
        ["unknown key", "did you mean 'patterns'"],
    ),
    (
        ("patterns: [ultimatum]", "patterns: [ultimatun]"),
        "subscriptions.0.patterns.0",
        ["unknown pattern 'ultimatun'", "ultimatum", "military_buildup", "wire_denial"],
    ),
    (
        ("filter: {patterns: [military_buildup]}", "filter: {patterns: [buildup]}"),
        "rules.0.filter.patterns.0",
        ["unknown pattern 'buildup'", "military_buildup"],
    ),
    (("filter: {patterns", "filter: {paterns"), "rules.0.filter.paterns", ["unknown key"]),
    (("    kind: frequency", "    kind: frequency\n    windw: 1h"), "rules.0.windw", ["unknown key", "window"]),
]


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("TOCSIN_"):
            monkeypatch.delenv(key)


def test_the_good_file_loads(tmp_path: Path, clean_env: None) -> None:
    path = tmp_path / "tocsin.yaml"
    path.write_text(GOOD)
    settings = load_settings(path)
    assert [source.id for source in settings.sources] == ["bbc-world", "gdelt-ultimatum"]


@pytest.mark.parametrize(("edit", "field", "words"), MISTAKES, ids=[m[1] for m in MISTAKES])
def test_each_mistake_is_one_line_naming_file_field_and_expectation(
    tmp_path: Path, clean_env: None, edit: tuple[str, str], field: str, words: list[str]
) -> None:
    assert edit[0] in GOOD
    path = tmp_path / "tocsin.yaml"
    path.write_text(GOOD.replace(*edit, 1))
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: {field}: "), message
    for word in words:
        assert word in message


def test_the_first_mistake_in_the_file_is_reported_and_the_rest_counted(tmp_path: Path, clean_env: None) -> None:
    path = tmp_path / "tocsin.yaml"
    path.write_text(GOOD.replace("kind: rss", "kind: rsss").replace("paterns", "x").replace("[ultimatum]", "[nope]"))
    message = str(pytest.raises(ConfigError, load_settings, path).value)
    assert message.startswith(f"{path}: sources.0.kind: ")
    assert message.endswith("(and 1 more)")


def test_user_patterns_count_as_known(tmp_path: Path, clean_env: None) -> None:
    patterns = tmp_path / "patterns"
    patterns.mkdir()
    (patterns / "mine.yaml").write_text("id: port_closure\n")
    path = tmp_path / "tocsin.yaml"
    path.write_text(GOOD.replace("[ultimatum]", "[port_closure]") + f"detector:\n  patterns_dir: {patterns}\n")
    assert load_settings(path).subscriptions[0].patterns == ["port_closure"]


# Every command that reads a config, with the arguments it needs to get that far.
COMMANDS = [
    ["run"],
    ["ingest"],
    ["detect"],
    ["alert"],
    ["api"],
    ["check"],
    ["sources"],
    ["sources", "check"],
    ["patterns", "list"],
    ["token", "list"],
    ["db", "current"],
    ["analyze", "The minister gave an ultimatum."],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_stops_before_starting_anything(tmp_path: Path, command: list[str]) -> None:
    path = tmp_path / "tocsin.yaml"
    path.write_text(GOOD.replace("interval: 10m", "intervall: 10s"))
    env = {key: value for key, value in os.environ.items() if not key.startswith("TOCSIN_")}
    env["PYTHONPATH"] = str(REPO_ROOT)
    result = subprocess.run(
        [sys.executable, "-m", "services.cli.main", *command, "--config", str(path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines == [lines[0]] and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith(f"tocsin: {path}: sources.0.intervall: unknown option of kind 'rss'")
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tocsin.yaml"], "something started and wrote files"
