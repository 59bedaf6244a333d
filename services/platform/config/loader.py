"""Reading the config file and turning every mistake into one readable message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from services.platform.config.contract import (
    Vocabulary,
    check_raw,
    check_settings,
    in_file_order,
    one_line,
    validation_problems,
)
from services.platform.config.settings import DEFAULT_CONFIG_FILE, Settings


class ConfigError(Exception):
    """The configuration cannot be used; the message is one line naming the file, the
    field's path and what was expected there (see :mod:`services.platform.config.contract`)."""


def load_settings(path: Path | str | None = None, vocabulary: Vocabulary | None = None) -> Settings:
    """Settings from ``path`` (or ``./tocsin.yaml`` when present), then the environment.

    An explicitly named file must exist; the default file is optional so that a fresh
    clone runs on embedded defaults. With a ``vocabulary`` (the ``tocsin`` command always
    passes the stages'), source kinds, their options and pattern names are checked too.
    """
    explicit = path is not None
    config_path = Path(path) if path is not None else DEFAULT_CONFIG_FILE
    data: dict[str, Any] = {}
    if config_path.exists():
        data = _read_yaml(config_path)
    elif explicit:
        raise ConfigError(f"config file {config_path} does not exist")
    where = str(config_path) if config_path.exists() else "configuration"
    problems = check_raw(data)
    settings: Settings | None = None
    try:
        settings = Settings(**data)
    except ValidationError as exc:
        problems.extend(validation_problems(exc))
    if settings is not None:
        problems.extend(check_settings(settings, vocabulary))
    if problems or settings is None:
        raise ConfigError(one_line(where, in_file_order(problems, data)))
    settings.config_file = config_path.resolve() if config_path.exists() else None
    return settings


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"config file {path} is not valid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path} must hold a mapping at the top level")
    return data
