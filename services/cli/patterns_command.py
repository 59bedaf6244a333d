"""``tocsin patterns``: check pattern files before the detector loads them.

``tocsin patterns validate DIR`` exits 1 and prints ``file: field: expected`` for every problem.
``tocsin patterns list`` prints the patterns the detector would load with the current config.
``tocsin patterns backtest [FILE] --since 2d`` replays archived documents through a draft
pattern file (and/or ``--threshold``) and prints what would fire beside what fires today.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from services.cli.common import settings_or_exit
from services.cli.main import add_config_argument
from services.platform.config import Settings

if TYPE_CHECKING:
    from models import Document
    from models.backtest import BacktestReport
    from services.detector.engine import DetectionEngine

EXIT_INVALID = 1


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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

    backtest = actions.add_parser(
        "backtest",
        help="replay archived documents through a draft pattern or threshold",
        description="Replay documents archived in the window through a draft pattern file and/or a "
        "threshold, and print which documents it would fire on beside what fires today.",
    )
    add_config_argument(backtest)
    backtest.add_argument("file", type=Path, nargs="?", metavar="FILE", help="the draft pattern file")
    backtest.add_argument("--since", default="2d", help="replay documents archived this long ago or later (default 2d)")
    backtest.add_argument("--threshold", type=float, help="the draft keeps detections scoring at least this (0-1)")
    backtest.add_argument(
        "--pattern", action="append", default=[], metavar="ID", help="compare only this pattern (repeatable)"
    )
    backtest.add_argument("--limit", type=int, default=500, help="replay at most this many documents, newest first")
    backtest.add_argument("--show", type=int, default=20, help="list at most this many changed detections")
    backtest.add_argument("--json", action="store_true", help="print the report as JSON (the API's shape)")
    backtest.set_defaults(handler=_backtest)


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


def _backtest(args: argparse.Namespace) -> int:
    import asyncio
    from datetime import datetime, timedelta, timezone

    from pydantic import ValidationError

    from models.backtest import BacktestRequest
    from services.detector.backtest import archived_documents, engine_factory, pattern_directories, run_backtest
    from services.detector.schema import PatternFileError
    from services.platform.storage import open_database

    settings = settings_or_exit(args)
    if args.file is None and args.threshold is None:
        print("tocsin patterns backtest: give a draft pattern FILE, --threshold, or both", file=sys.stderr)
        return EXIT_INVALID
    try:
        draft = args.file.read_text(encoding="utf-8") if args.file is not None else None
        request = BacktestRequest(
            pattern=draft,
            threshold=args.threshold,
            patterns=args.pattern,
            since=args.since,
            limit=args.limit,
            show=args.show,
        )
    except (OSError, UnicodeDecodeError) as exc:
        print(f"tocsin patterns backtest: cannot read {args.file}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except ValidationError as exc:
        for error in exc.errors():
            print(f"tocsin patterns backtest: {'.'.join(map(str, error['loc']))}: {error['msg']}", file=sys.stderr)
        return EXIT_INVALID
    start = datetime.now(timezone.utc) - timedelta(seconds=request.since)

    async def load() -> tuple[list[Document], bool]:
        database = open_database(settings.database.url)
        try:
            await database.create_schema()
            return await archived_documents(database, start, request.limit)
        finally:
            await database.close()

    documents, limited = asyncio.run(load())
    today = _engine(settings)
    try:
        report = run_backtest(
            documents,
            today,
            engine_factory(today),
            pattern_directories(settings.detector.patterns_dir),
            draft_text=request.pattern,
            threshold=request.threshold,
            patterns=request.patterns,
            since=start,
            limited=limited,
            show=request.show,
        )
    except PatternFileError as exc:
        for problem in exc.problems:
            print(f"{args.file}: {problem}", file=sys.stderr)
        return EXIT_INVALID
    if args.json:
        print(report.model_dump_json(indent=2))
    else:
        print(render_report(report))
    return 0


def _engine(settings: Settings) -> DetectionEngine:
    """Today's engine as configured; spaCy loads slowly, so only once the documents are read."""
    from services.detector.engine import DetectionEngine

    return DetectionEngine.from_settings(settings)


def render_report(report: BacktestReport) -> str:
    """The report as a terminal table: tallies per pattern, then the changes, ``+`` new, ``-`` gone."""
    what = []
    if report.draft:
        what.append(f"draft pattern {report.draft}")
    if report.threshold is not None:
        what.append(f"threshold {report.threshold:g}")
    more = " (the newest; more were archived: raise --limit)" if report.limited else ""
    lines = [
        f"Backtest of {' and '.join(what)} on {report.documents} documents archived since "
        f"{report.since:%Y-%m-%d %H:%M} UTC{more}",
        "",
        f"{'pattern':<24}{'fires today':>12}{'would fire':>12}{'new':>6}{'gone':>6}",
    ]
    for tally in report.patterns:
        lines.append(f"{tally.pattern:<24}{tally.fires_today:>12}{tally.would_fire:>12}{tally.new:>6}{tally.gone:>6}")
    if report.skipped:
        lines += ["", f"{report.skipped} documents left out: the detector failed on them (see the log)."]
    if not report.documents:
        lines += ["", "No archived documents in the window (the archive keeps archive.retention, default 7d)."]
    elif not report.changes_total:
        lines += ["", "No difference: the draft fires exactly where today's patterns fire."]
    else:
        lines += ["", f"Changes ({len(report.changes)} of {report.changes_total}; + would fire, - fires today only):"]
        for change in report.changes:
            mark = "+" if change.change == "new" else "-"
            lines.append(
                f"  {mark} {change.pattern:<20} {change.score:.2f}  {change.title[:70]}  [{change.document_id}]"
            )
            lines.append(f"      {change.sentence[:160]}")
    return "\n".join(lines)
