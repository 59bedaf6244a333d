"""Entry point of the ``tocsin`` command.

Each subcommand lives in its own module under ``services.cli`` and exposes
``register(subparsers)``, which adds its parser and sets ``handler`` to a function taking
the parsed arguments and returning an exit code.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

# One BLAS thread per process unless the operator says otherwise. The detector multiplies its
# matrices with numpy's OpenBLAS, whose default is a spinning thread per core; Tocsin already
# runs its services as processes and detection in a pool, so extra BLAS threads would only
# compete with the broker, ingest and alerter for the same cores. Set before numpy loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

COMMAND_MODULES = (
    "services.cli.run_command",
    "services.cli.analyze_command",
    "services.cli.patterns_command",
    "services.cli.fetch_command",
    "services.cli.sources_command",
    "services.cli.check_command",
    "services.cli.token_command",
    "services.cli.db_command",
    "services.cli.train_command",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tocsin",
        description="Event-driven monitoring and alerting for news and social media.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # a command not built yet in this checkout
            raise
        module.register(subparsers)
    return parser


def add_config_argument(parser: argparse.ArgumentParser) -> None:
    """Every subcommand accepts ``--config FILE``."""
    parser.add_argument(
        "--config",
        metavar="FILE",
        default=None,
        help="YAML config file (default: ./tocsin.yaml when present)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
