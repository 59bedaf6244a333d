"""``tocsin patterns``: check pattern files before the detector loads them.

``tocsin patterns validate DIR`` exits 1 and prints ``file: field: expected`` for every problem.
``tocsin patterns list`` prints the patterns the detector would load with the current config.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from services.cli.common import settings_or_exit
from services.cli.main import add_config_argument

EXIT_INVALID = 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("patterns", help="validate or list detector pattern files")
    actions = parser.add_subparsers(dest="patterns_action", metavar="ACTION")
    actions.required = True

    validate = actions.add_parser("validate", help="check every pattern file in DIR")
    add_config_argument(validate)
    validate.add_argument("directory", type=Path, metavar="DIR")
    validate.set_defaults(handler=_validate)

    listing = actions.add_parser("list", help="list built-in and configured patterns")
    add_config_argument(listing)
    listing.set_defaults(handler=_list)


def _validate(args: argparse.Namespace) -> int:
    from services.detector.catalog import pattern_files, validate_directory

    directory: Path = args.directory
    if not directory.is_dir():
        print(f"tocsin patterns: {directory} is not a directory", file=sys.stderr)
        return EXIT_INVALID
    files = pattern_files(directory)
    problems = validate_directory(directory)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} of {len(files)} pattern files are invalid", file=sys.stderr)
        return EXIT_INVALID
    print(f"{len(files)} pattern files are valid")
    return 0


def _list(args: argparse.Namespace) -> int:
    from services.detector.catalog import BUILTIN_PATTERNS_DIR, load_catalog
    from services.detector.schema import PatternFileError

    settings = settings_or_exit(args)
    directories = [BUILTIN_PATTERNS_DIR]
    if settings.detector.patterns_dir is not None:
        directories.append(Path(settings.detector.patterns_dir))
    try:
        catalog = load_catalog(directories)
    except PatternFileError as exc:
        print(exc, file=sys.stderr)
        return EXIT_INVALID
    for pattern in catalog.patterns:
        rules = ", ".join(rule.spec.id for rule in pattern.rules)
        print(f"{pattern.id:<22} cameo={pattern.spec.cameo or '-':<5} {pattern.source}  rules: {rules}")
    return 0
