"""The migrations ship inside the package: an installed Tocsin (the Docker image) has them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO_ROOT

STORAGE = Path("services") / "platform" / "storage"
MIGRATIONS = REPO_ROOT / STORAGE / "migrations"


def _source_files(root: Path) -> set[str]:
    return {
        str(path.relative_to(root)) for path in root.rglob("*") if path.is_file() and "__pycache__" not in path.parts
    }


def test_build_copies_every_migration_file(tmp_path):
    """setuptools' ``build_py`` (what a wheel is made of) must copy env.py, the template and every revision."""
    source = tmp_path / "src"
    (source / "services" / "platform").mkdir(parents=True)
    shutil.copy(REPO_ROOT / "pyproject.toml", source)
    shutil.copy(REPO_ROOT / "README.md", source)
    for package in ("services", "services/platform"):
        shutil.copy(REPO_ROOT / package / "__init__.py", source / package)
    shutil.copytree(REPO_ROOT / STORAGE, source / STORAGE, ignore=shutil.ignore_patterns("__pycache__"))
    built = tmp_path / "build"
    result = subprocess.run(
        [sys.executable, "-c", "from setuptools import setup; setup()", "-q", "build_py", "--build-lib", str(built)],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    wanted = _source_files(MIGRATIONS)
    assert {"env.py", "script.py.mako"} <= wanted and any(name.startswith("versions/0001") for name in wanted)
    assert _source_files(built / STORAGE / "migrations") == wanted
