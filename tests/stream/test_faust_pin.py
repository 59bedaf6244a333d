"""The Faust patches are quarantined in services/stream and pinned to one faust-streaming release."""

from __future__ import annotations

from importlib import metadata

from services.stream.transport import PATCHED_FAUST_VERSION


def test_installed_faust_is_the_release_the_patches_were_written_for() -> None:
    assert metadata.version("faust-streaming") == PATCHED_FAUST_VERSION


def test_the_pin_in_pyproject_names_the_same_release() -> None:
    from tests.conftest import REPO_ROOT

    assert f'"faust-streaming=={PATCHED_FAUST_VERSION}"' in (REPO_ROOT / "pyproject.toml").read_text()
