"""Supervised child processes for ``tocsin run``.

Why children rather than one process: Faust owns its worker's event loop and signal
handling, and spaCy's CPU work is better isolated from the ingest and delivery loops. Each
child is the same ``tocsin <service>`` command a scaled deployment runs on its own, so the
embedded mode exercises exactly the production code paths. Children receive SIGTERM from
the kernel if the supervisor dies (see :mod:`services.platform.broker.lifetime`).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import structlog

from services.platform.broker.lifetime import die_with_parent
from services.platform.readiness import ENV_READY_FD
from services.platform.terminal import PipeForwarder, Terminal

log = structlog.get_logger(__name__)

RESTART_BACKOFF_CAP = 30.0
EXIT_CONFIG_ERROR = 2  # a child that exits with this refused its configuration: restarting cannot help


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    ready: bool = False
    started_at: float = field(default=0.0)
    failed: str | None = None  # why the child was given up on (its configuration), else None


class Supervisor:
    """Starts, watches, restarts and stops the service processes."""

    def __init__(
        self, services: list[str], config_file: Path | None, env: dict[str, str], terminal: Terminal | None = None
    ) -> None:
        base = [sys.executable, "-m", "services.cli.main"]
        config = ["--config", str(config_file)] if config_file else []
        self.children = {name: Child(name, [*base, name, *config]) for name in services}
        self.env = env
        self._read_fd, self._write_fd = os.pipe()
        os.set_blocking(self._read_fd, False)
        self._buffer = b""
        self._stopping = False
        self.all_ready = asyncio.Event()
        # On a terminal with a status line, children's output is read from a pipe and written
        # above that line (see services.platform.terminal); otherwise it goes straight to our stderr.
        self.terminal = terminal
        self.gave_up = asyncio.Event()  # set when a child is not restarted (see ``failed``)

    def start(self) -> None:
        asyncio.get_running_loop().add_reader(self._read_fd, self._on_ready_message)
        for child in self.children.values():
            self._spawn(child)

    def _spawn(self, child: Child) -> None:
        env = {**os.environ, **self.env, ENV_READY_FD: str(self._write_fd)}
        piped = subprocess.PIPE if self.terminal is not None else None
        child.process = subprocess.Popen(
            child.argv,
            env=env,
            pass_fds=(self._write_fd,),
            preexec_fn=die_with_parent,
            stdin=subprocess.DEVNULL,
            stdout=piped,
            stderr=subprocess.STDOUT if piped else None,
            # Out of the terminal's process group: Ctrl-C reaches the supervisor only, which
            # then stops each child with SIGTERM before the broker goes.
            process_group=0,
        )
        if self.terminal is not None and child.process.stdout is not None:
            self._forward(child.process.stdout, self.terminal)
        child.started_at = time.monotonic()
        child.ready = False
        log.info("supervisor.started", service=child.name, pid=child.process.pid)

    @staticmethod
    def _forward(pipe: "IO[bytes]", terminal: Terminal) -> None:
        loop = asyncio.get_running_loop()
        forwarder = PipeForwarder(pipe.fileno(), terminal)

        def readable() -> None:
            if not forwarder.on_readable():
                loop.remove_reader(forwarder.fd)
                pipe.close()

        loop.add_reader(forwarder.fd, readable)

    def _on_ready_message(self) -> None:
        try:
            self._buffer += os.read(self._read_fd, 4096)
        except BlockingIOError:
            return
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            child = self.children.get(line.decode(errors="replace").strip())
            if child:
                child.ready = True
        if all(child.ready for child in self.children.values()):
            self.all_ready.set()

    async def watch(self) -> None:
        """Restarts children that exit on their own, with capped exponential backoff."""
        while not self._stopping:
            for child in self.children.values():
                process = child.process
                if process is None or process.poll() is None or self._stopping:
                    continue
                code = process.returncode
                child.process = None
                if code == EXIT_CONFIG_ERROR:
                    child.failed = f"tocsin {child.name} refused its configuration (exit {code}); not restarted"
                    log.error("supervisor.child_refused_config", service=child.name, code=code)
                    self.gave_up.set()
                    continue
                delay = min(RESTART_BACKOFF_CAP, 2.0**child.restarts)
                if time.monotonic() - child.started_at > 60:
                    child.restarts, delay = 0, 1.0
                log.error("supervisor.child_exited", service=child.name, code=code, restart_in=delay)
                child.restarts += 1
                asyncio.get_running_loop().call_later(delay, self._respawn, child)
            await asyncio.sleep(0.5)

    def _respawn(self, child: Child) -> None:
        if not self._stopping and child.process is None:
            self._spawn(child)

    def status(self) -> dict[str, dict[str, object]]:
        return {
            name: {
                "pid": child.process.pid if child.process else None,
                "alive": bool(child.process and child.process.poll() is None),
                "ready": child.ready,
                "restarts": child.restarts,
                "failed": child.failed,
            }
            for name, child in self.children.items()
        }

    async def stop(self, timeout: float = 10.0) -> None:
        self._stopping = True
        try:
            asyncio.get_running_loop().remove_reader(self._read_fd)
        except (RuntimeError, ValueError):
            pass
        running = [c.process for c in self.children.values() if c.process and c.process.poll() is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for process in running:
            while process.poll() is None and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            if process.poll() is None:
                process.kill()
                process.wait()
        for fd in (self._read_fd, self._write_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        log.info("supervisor.stopped")
