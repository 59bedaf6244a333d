"""What every subcommand does first: load settings, configure logs, report config errors."""

from __future__ import annotations

import argparse
import sys

from services.api.contract import stage_vocabulary
from services.platform.config import ConfigError, Settings, load_settings
from services.platform.log import configure_logging

EXIT_CONFIG_ERROR = 2


def settings_or_exit(args: argparse.Namespace) -> Settings:
    """Settings for ``args.config``; on any config problem prints one message and exits 2."""
    try:
        settings = load_settings(getattr(args, "config", None), vocabulary=stage_vocabulary())
    except ConfigError as exc:
        print(f"tocsin: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_CONFIG_ERROR) from None
    configure_logging(settings.log.format, settings.log.level)
    return settings
