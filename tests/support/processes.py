"""Run ``tocsin`` subcommands as real processes in tests, with their output kept for failures."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from services.platform.config import KafkaSettings


def kafka_env(kafka: KafkaSettings) -> dict[str, str]:
    """Environment variables that point a ``tocsin`` process at ``kafka``'s broker and topics."""
    return {
        "TOCSIN_KAFKA_BOOTSTRAP": kafka.bootstrap or "",
        "TOCSIN_KAFKA_TOPIC_PREFIX": kafka.topic_prefix,
        "TOCSIN_KAFKA_CONSUMER_GROUP_PREFIX": kafka.consumer_group_prefix,
        "TOCSIN_KAFKA_PARTITIONS": str(kafka.partitions),
    }


class TocsinProcess:
    """``tocsin ARGS`` in ``workdir`` with stdout/stderr captured to files."""

    def __init__(self, args: list[str], workdir: Path, env: dict[str, str] | None = None) -> None:
        self.args = args
        self.workdir = workdir
        self.env = {**os.environ, "TOCSIN_LOG_FORMAT": "json", **(env or {})}
        name = "-".join(args[:1])
        self.stdout_path = workdir / f"{name}.stdout"
        self.stderr_path = workdir / f"{name}.stderr"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> "TocsinProcess":
        self.process = subprocess.Popen(
            [sys.executable, "-m", "services.cli.main", *self.args],
            cwd=self.workdir,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self.stdout_path.open("wb"),
            stderr=self.stderr_path.open("wb"),
        )
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def stdout(self) -> str:
        return self.stdout_path.read_text(errors="replace") if self.stdout_path.exists() else ""

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace") if self.stderr_path.exists() else ""

    def wait_for_output(self, needle: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.stdout() or needle in self.stderr():
                return True
            if self.process is not None and self.process.poll() is not None:
                return needle in self.stdout() or needle in self.stderr()
            time.sleep(0.1)
        return False

    def describe(self) -> str:
        """The tail of the process's output, for assertion messages."""
        return f"--- stdout ---\n{self.stdout()[-4000:]}\n--- stderr ---\n{self.stderr()[-8000:]}"

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20.0) -> int | None:
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def __enter__(self) -> "TocsinProcess":
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is not alive for our purposes
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children, their children, ...), read from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue  # gone between the listing and the read
    found, frontier = [], [pid]
    while frontier:
        current = frontier.pop()
        children = [child for child, parent in parents.items() if parent == current]
        found.extend(children)
        frontier.extend(children)
    return found
