"""The status line never runs into log lines: on a real terminal (a pty) and in the small parts."""

from __future__ import annotations

import io
import os
import pty
import re
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from services.platform.terminal import CLEAR_LINE, PipeForwarder, Terminal
from tests.conftest import REPO_ROOT

ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _screen_lines(raw: str) -> list[str]:
    """What a person reads: each line as left after carriage returns and line clears."""
    lines = []
    for line in raw.replace("\r\n", "\n").split("\n"):
        visible = line.rsplit("\r", 1)[-1]  # a carriage return starts the line over
        lines.append(ESCAPES.sub("", visible))
    return lines


def test_log_lines_go_above_the_status_line() -> None:
    out = io.StringIO()
    terminal = Terminal(out)
    terminal.status("docs/min 3 · documents 10")
    stream = terminal.stream()
    stream.write("ingest.started sources=47")
    stream.write(" instance=a\nalert.started\n")
    terminal.status("docs/min 4 · documents 12")
    terminal.end_status()
    raw = out.getvalue()
    assert raw.endswith(CLEAR_LINE)
    assert _screen_lines(raw) == ["ingest.started sources=47 instance=a", "alert.started", ""]


def test_a_childs_pipe_is_forwarded_line_by_line() -> None:
    out = io.StringIO()
    terminal = Terminal(out)
    terminal.status("STATUS")
    read_end, write_end = os.pipe()
    forwarder = PipeForwarder(read_end, terminal)
    os.write(write_end, b"first line\nsecond ")
    assert forwarder.on_readable()
    os.write(write_end, b"half\n")
    assert forwarder.on_readable()
    os.close(write_end)
    assert not forwarder.on_readable()
    os.close(read_end)
    assert _screen_lines(out.getvalue()) == ["first line", "second half", "STATUS"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _read_until(fd: int, deadline: float, stop: str | None = None) -> str:
    chunks = []
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data.decode(errors="replace"))
            if stop and stop in "".join(chunks):
                break
    return "".join(chunks)


def test_on_a_terminal_the_status_line_and_the_logs_stay_apart(tmp_path: Path) -> None:
    """`tocsin run` on a pty, as a person sees it: start, a few status redraws, Ctrl-C."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("TOCSIN_")}
    env.update(PYTHONPATH=str(REPO_ROOT), TOCSIN_HTTP_PORT=str(_free_port()), TERM="xterm")
    config = tmp_path / "tocsin.yaml"
    # One source that is down: ingest logs while the status line is up.
    config.write_text(
        "security: {allow_private_targets: true}\nsources:\n"
        f"  - {{id: down, kind: rss, url: 'http://127.0.0.1:{_free_port()}/feed.xml', interval: 10s}}\n"
    )
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "services.cli.main", "run", "--config", str(config)],
        cwd=tmp_path,
        env=env,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
    )
    os.close(slave)
    try:
        raw = _read_until(master, time.monotonic() + 240, stop="Ctrl-C stops everything")
        assert "Ctrl-C stops everything" in raw, raw[-3000:]
        raw += _read_until(master, time.monotonic() + 12)  # status redraws, ingest polls and logs
        assert any(line.startswith("docs/min") for line in _screen_lines(raw)), "the status line is on screen"
        pressed = time.monotonic()
        os.killpg(process.pid, signal.SIGINT)
        raw += _read_until(master, time.monotonic() + 60)
        code = process.wait(timeout=60)
        print(f"\nmeasured on a pty: Ctrl-C to exit in {time.monotonic() - pressed:.2f} s")
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        os.close(master)
    lines = _screen_lines(raw)
    assert code == 0
    assert "docs/min" in raw, "the status line was drawn"
    mixed = [line for line in lines if "docs/min" in line and not line.startswith("docs/min")]
    mixed += [line for line in lines if line.startswith("docs/min") and ("[info" in line or "[warn" in line)]
    assert mixed == [], mixed
    assert not any("Traceback" in line or "[error" in line for line in lines), raw[-3000:]
