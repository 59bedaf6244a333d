"""``make bench``: runs every benchmark in bench/ and writes bench/REPORT.md.

Each benchmark prints its own figures next to a baseline measured in the same run (that is
the rule for every script here); this runner only adds the machine description and date,
and keeps each script's output verbatim, so the report cannot drift from what was measured.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent

# (script, arguments, what it measures) — the soak run is separate (`bench/soak.py`, 10 min).
BENCHMARKS: list[tuple[str, list[str], str]] = [
    (
        "eval_detector.py",
        ["--general", "7600"],
        "Detector accuracy, cross-validated by article (needs `make train`'s var/judge_oof.jsonl), and speed",
    ),
    ("bench_detector.py", [], "Detector speed: articles/s per core against tokenizer-only and full-pipeline runs"),
    ("bench_ingest.py", [], "Ingest: 1,000 sources on loopback, polls/s and CPU per poll against bare httpx"),
    (
        "bench_stream.py",
        ["--documents", "10000"],
        "Stream: detect -> stories throughput and latency against raw aiokafka",
    ),
    ("bench_alerter.py", [], "Alerter: deliveries/s and signal -> webhook latency against bare httpx / Kafka"),
    (
        "bench_broker_memory.py",
        [],
        "Embedded broker: memory kept per document, by batch and compression, against the document's size",
    ),
    ("soak.py", ["--minutes", "10"], "Soak: 200 documents/s for 10 minutes through tocsin run"),
]


def machine() -> str:
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f", {int(line.split()[1]) / 1024 / 1024:.0f} GiB RAM"
    except OSError:
        pass
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu or platform.processor()}){memory}; {platform.platform()}; Python {platform.python_version()}"


def run(script: str, arguments: list[str], timeout: float) -> tuple[str, float, int]:
    started = time.monotonic()
    if not (BENCH / script).exists():
        return f"bench/{script} is not in this checkout", 0.0, 1
    try:
        result = subprocess.run(
            [sys.executable, str(BENCH / script), *arguments],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "TOCSIN_LOG_FORMAT": "json", "TOCSIN_LOG_LEVEL": "WARNING"},
        )
        output, code = result.stdout, result.returncode
        if code != 0:
            output += "\n" + result.stderr[-3000:]
    except subprocess.TimeoutExpired:
        output, code = f"timed out after {timeout:.0f} s", -1
    return output.strip(), time.monotonic() - started, code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", help="run only these scripts (file names)")
    parser.add_argument("--timeout", type=float, default=1200.0, help="seconds allowed per benchmark")
    parser.add_argument("--output", type=Path, default=BENCH / "REPORT.md")
    parser.add_argument("--no-soak", action="store_true", help="skip the 10-minute soak run")
    parser.add_argument("--append", action="store_true", help="add these results to an existing report")
    parser.add_argument(
        "--soak-from", type=Path, help="add a recorded soak run (bench/out/soak.json) instead of running one"
    )
    args = parser.parse_args()
    chosen = [b for b in BENCHMARKS if not args.only or b[0] in args.only]
    if args.no_soak:
        chosen = [b for b in chosen if b[0] != "soak.py"]
    lines = (
        []
        if args.append and args.output.exists()
        else [
            "# Tocsin benchmark report",
            "",
            f"- date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M UTC}",
            f"- machine: {machine()}",
            f"- commit: {_commit()}",
            "- every figure below is printed by the script named, next to a baseline measured in the same run",
            "",
        ]
    )
    failures = 0
    for script, arguments, title in chosen:
        print(f"running {script} {' '.join(arguments)} ...", flush=True)
        output, seconds, code = run(script, arguments, args.timeout)
        failures += code != 0
        command = " ".join(["python", f"bench/{script}", *arguments])
        outcome = f"{seconds:.0f} s" + ("" if code == 0 else f", exit {code}")
        lines += [f"## {title}", "", f"`{command}` — {outcome}", "", "```", output, "```", ""]
        print(output, flush=True)
    if args.soak_from:
        lines += soak_section(args.soak_from)
    previous = args.output.read_text() if args.append and args.output.exists() else ""
    args.output.write_text(previous + "\n".join(lines))
    print(f"wrote {args.output}")
    return 1 if failures else 0


def soak_section(path: Path) -> list[str]:
    """The summary ``bench/soak.py`` recorded in its JSON, as report lines (figures unedited)."""
    import json

    summary = json.loads(path.read_text())["summary"]
    growth = ", ".join(f"{role} {mb:+.1f} MB" for role, mb in summary["rss_mb_growth_by_role"].items())
    rows = [
        (
            "documents produced",
            f"{summary['produced']:,} at {summary['produced_rate']:.1f}/s (target {summary['target_rate']:.0f}/s)",
        ),
        ("detect group committed", f"{summary['detect_committed_rate']:.1f} docs/s"),
        ("alerting documents delivered", f"{summary['alerting_delivered']:,} / {summary['alerting_documents']:,}"),
        ("webhooks received", f"{summary['webhooks_received']:,}"),
        (
            "produce -> webhook p50 / p99 / max",
            f"{summary['latency_p50_s']:.2f} / {summary['latency_p99_s']:.2f} / {summary['latency_max_s']:.2f} s",
        ),
        ("max consumer lag", ", ".join(f"{g} {n}" for g, n in summary["max_lag"].items())),
        ("lag after drain", ", ".join(f"{g} {n}" for g, n in summary["lag_after_drain"].items())),
        (
            "RSS start / middle / end",
            f"{summary['rss_mb_start']:.0f} / {summary['rss_mb_middle']:.0f} / {summary['rss_mb_end']:.0f} MB ({summary['rss_growth_pct']:+.1f} %)",
        ),
        ("RSS growth by process", growth),
    ]
    if "rss_mb_tocsin_start" in summary:  # recorded since the broker baseline was added
        rows += [
            (
                "RSS of Tocsin's processes (all but the broker)",
                f"{summary['rss_mb_tocsin_start']:.0f} -> {summary['rss_mb_tocsin_end']:.0f} MB ({summary['rss_tocsin_growth_pct']:+.1f} %)",
            ),
            (
                "broker growth: soak / same documents alone",
                f"{summary['broker_growth_mb']:+.0f} / {summary['broker_baseline_growth_mb']:+.0f} MB",
            ),
        ]
    return [
        f"## Soak: {summary['target_rate']:.0f} documents/s for {summary['minutes']:.0f} minutes through tocsin run",
        "",
        f"`python bench/soak.py --minutes {summary['minutes']:.0f}` — recorded run of {summary['date']} on "
        f"{summary['machine']} (curves: bench/soak.png)",
        "",
        "| measure | value |",
        "|---|---|",
        *[f"| {name} | {value} |" for name, value in rows],
        "",
    ]


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
