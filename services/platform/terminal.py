"""One terminal shared by ``tocsin run``'s status line and every process's log lines.

Why: the status line is redrawn in place (``\\r``), while the children wrote their log lines
straight to the same terminal, so a log line began in the middle of the status text and the
next redraw overwrote half of it. Now every line bound for the terminal — the supervisor's
own logs and each child's, which the supervisor reads from a pipe — goes through
:class:`Terminal`, which clears the status line, writes the log line, and draws the status
line again below it.
"""

from __future__ import annotations

import io
import os
import threading
from typing import TextIO

CLEAR_LINE = "\r\033[2K"


class Terminal:
    """Log lines scroll; the status line stays at the bottom."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self._status = ""
        self._lock = threading.Lock()  # logging may write from other threads

    def log_lines(self, text: str) -> None:
        """Writes whole lines above the status line."""
        if not text:
            return
        with self._lock:
            self.out.write(CLEAR_LINE + text + ("" if text.endswith("\n") else "\n") + self._status)
            self.out.flush()

    def status(self, line: str) -> None:
        with self._lock:
            self._status = line
            self.out.write(CLEAR_LINE + line)
            self.out.flush()

    def end_status(self) -> None:
        """Leaves the terminal as a plain scrolling one (the status line removed)."""
        with self._lock:
            if self._status:
                self.out.write(CLEAR_LINE)
                self.out.flush()
            self._status = ""

    def stream(self) -> LineStream:
        return LineStream(self)


class LineStream(io.TextIOBase):
    """A text stream (for ``sys.stderr``) that hands complete lines to a :class:`Terminal`."""

    def __init__(self, terminal: Terminal) -> None:
        self.terminal = terminal
        self._partial = ""

    def write(self, text: str) -> int:
        self._partial += text
        if "\n" in self._partial:
            complete, _, self._partial = self._partial.rpartition("\n")
            self.terminal.log_lines(complete + "\n")
        return len(text)

    def flush(self) -> None:
        if self._partial:
            self.terminal.log_lines(self._partial)
            self._partial = ""

    def isatty(self) -> bool:
        return self.terminal.out.isatty()

    def fileno(self) -> int:
        return self.terminal.out.fileno()


class PipeForwarder:
    """Reads a child's output pipe without blocking and forwards each complete line."""

    def __init__(self, fd: int, terminal: Terminal) -> None:
        self.fd = fd
        self.terminal = terminal
        self._buffer = b""
        os.set_blocking(fd, False)

    def on_readable(self) -> bool:
        """Forwards what arrived; False once the pipe is closed (the child ended)."""
        try:
            chunk = os.read(self.fd, 65536)
        except BlockingIOError:
            return True
        except OSError:
            chunk = b""
        if not chunk:
            if self._buffer:
                self.terminal.log_lines(self._buffer.decode(errors="replace"))
                self._buffer = b""
            return False
        self._buffer += chunk
        if b"\n" in self._buffer:
            complete, _, self._buffer = self._buffer.rpartition(b"\n")
            self.terminal.log_lines(complete.decode(errors="replace") + "\n")
        return True
