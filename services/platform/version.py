"""Tocsin's version, read from the installed package's metadata: ``pyproject.toml`` is the one
place it is written."""

from __future__ import annotations

from importlib import metadata

try:
    VERSION = metadata.version("tocsin")
except metadata.PackageNotFoundError:  # running from a checkout that was never installed
    VERSION = "0+unknown"
