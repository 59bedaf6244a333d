"""``tocsin run`` as a newcomer meets it: refusals before anything starts, Ctrl-C at any time.

Outcomes only (exit status, what the terminal shows, nothing left running); the stop time is
measured and printed (``-s`` shows it) but never asserted, as the machine's load decides it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from services.cli.run_guard import LOCK_NAME, DataFolderLock
from tests.conftest import REPO_ROOT

BANNER = "Tocsin is running"


def _env(port: int) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TOCSIN_")}
    env.update(PYTHONPATH=str(REPO_ROOT), TOCSIN_HTTP_PORT=str(port))
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(folder: Path, port: int) -> subprocess.Popen[str]:
    """``tocsin run`` in its own session, as a shell starts it: Ctrl-C goes to its group."""
    return subprocess.Popen(
        [sys.executable, "-m", "services.cli.main", "run"],
        cwd=folder,
        env=_env(port),
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _processes_in(folder: Path) -> list[int]:
    """Pids whose working folder is ``folder``: the run, its broker and its children."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if Path(os.readlink(entry / "cwd")) == folder:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


class Output:
    """Collects a process's output lines as they come, so a test can wait for one."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self._process = process
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(text in line for line in self.lines):
                return True
            if self._process.poll() is not None:
                break
            time.sleep(0.1)
        return any(text in line for line in self.lines)

    def text(self) -> str:
        self._thread.join(timeout=5)
        return "\n".join(self.lines)


def _error_lines(text: str) -> list[str]:
    return [
        line
        for line in text.splitlines()
        if '"level": "error"' in line or "Traceback" in line or '"level": "critical"' in line
    ]


def test_a_busy_port_is_one_line_and_nothing_starts(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "services.cli.main", "run"],
            cwd=tmp_path,
            env=_env(port),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        (
            f"tocsin: port {port} on 127.0.0.1 is in use; set http.port in the config file "
            f"or TOCSIN_HTTP_PORT (e.g. TOCSIN_HTTP_PORT={port + 1})"
        )
    ]
    assert not (tmp_path / "var" / "metrics").exists(), "the metrics folder is made only once the run starts"


def test_a_second_run_on_the_same_folder_refuses_and_touches_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "var"
    lock = DataFolderLock(folder).acquire()  # stands in for the running instance
    try:
        (folder / "metrics").mkdir()
        (folder / "metrics" / "counter_1.db").write_bytes(b"running instance's metrics")
        before = {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()}
        result = subprocess.run(
            [sys.executable, "-m", "services.cli.main", "run"],
            cwd=tmp_path,
            env=_env(_free_port()),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        after = {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()}
    finally:
        lock.release()
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        (
            f"tocsin: another tocsin run (pid {os.getpid()}) is using the data folder var/; "
            "stop it first, or start this one from another folder"
        )
    ]
    assert after == before
    assert (folder / LOCK_NAME).read_text() == f"{os.getpid()}\n"


def test_ctrl_c_once_running_stops_everything_cleanly(tmp_path: Path) -> None:
    process = _start(tmp_path, _free_port())
    output = Output(process)
    try:
        assert output.wait_for("Ctrl-C stops everything", timeout=240), output.text()
        time.sleep(2)
        pressed = time.monotonic()
        os.killpg(process.pid, signal.SIGINT)  # what the terminal does on Ctrl-C
        code = process.wait(timeout=60)
        stopped_in = time.monotonic() - pressed
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    text = output.text()
    print(f"\nmeasured: Ctrl-C to exit in {stopped_in:.2f} s")
    assert code == 0, text
    assert _error_lines(text) == [], text
    assert "Tocsin stopped in" in text.splitlines()[-1]
    time.sleep(0.5)
    assert _processes_in(tmp_path) == [], "a broker or service outlived `tocsin run`"


def test_ctrl_c_during_start_up_is_one_line_and_exit_130(tmp_path: Path) -> None:
    process = _start(tmp_path, _free_port())
    output = Output(process)
    try:
        assert output.wait_for("supervisor.started", timeout=120), output.text()
        os.killpg(process.pid, signal.SIGINT)
        code = process.wait(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    text = output.text()
    assert code == 130, text
    assert BANNER not in text
    assert _error_lines(text) == [], text
    assert text.splitlines()[-1] == "tocsin: interrupted during start-up; everything it had started is stopped"
    time.sleep(0.5)
    assert _processes_in(tmp_path) == [], "a broker or service outlived `tocsin run`"
