"""Starts several ``tests.platform.storage.replica`` processes and releases them at the same moment."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import REPO_ROOT

START_TIMEOUT = 60.0
RUN_TIMEOUT = 90.0


@dataclass(frozen=True)
class Finished:
    returncode: int
    output: str


async def race(action: str, url: str, count: int, workdir: Path) -> list[Finished]:
    """Runs ``count`` replicas of ``action`` on ``url``; each writes ``out-<n>.json`` in ``workdir``."""
    go = workdir / "go"
    processes = []
    for n in range(count):
        args = [action, url, str(workdir / f"ready-{n}"), str(go)]
        if action == "claim":
            args.append(str(workdir / f"out-{n}.json"))
        processes.append(
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "tests.platform.storage.replica",
                *args,
                cwd=REPO_ROOT,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
            )
        )
    try:
        async with asyncio.timeout(START_TIMEOUT):
            while not all((workdir / f"ready-{n}").exists() for n in range(count)):
                if any(process.returncode is not None for process in processes):
                    break
                await asyncio.sleep(0.02)
        go.touch()
        async with asyncio.timeout(RUN_TIMEOUT):
            outputs = [await process.communicate() for process in processes]
    finally:
        for process in processes:
            if process.returncode is None:
                process.kill()
                await process.wait()
    return [
        Finished(process.returncode or 0, out.decode(errors="replace"))
        for process, (out, _) in zip(processes, outputs, strict=False)
    ]
