"""What ``tocsin run`` checks before it starts anything: the data folder is its own, the port is free.

Why before: a second ``tocsin run`` in the same folder used to start a broker and children
and wipe the running instance's metrics folder before failing; a busy port used to fail
deep inside uvicorn after the broker and every child had started. Both are now one line
and exit status 2, and nothing of the running instance is touched.
"""

from __future__ import annotations

import errno
import fcntl
import os
import socket
from pathlib import Path

LOCK_NAME = "tocsin.lock"


class RunRefused(Exception):
    """``tocsin run`` cannot start here; the message is the one line to print."""


class DataFolderLock:
    """An exclusive ``flock`` on ``<folder>/tocsin.lock``, held for the life of the process.

    The file is opened without truncation and written only once the lock is ours, so a
    refused second instance leaves the first one's pid in place. The kernel releases the
    lock when the process dies, however it dies: no stale lock to clean up by hand.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> DataFolderLock:
        self.folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = os.read(fd, 32).decode(errors="replace").strip() or "?"
            os.close(fd)
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                raise RunRefused(
                    f"another tocsin run (pid {holder}) is using the data folder {self.folder}/; "
                    "stop it first, or start this one from another folder"
                ) from None
            raise
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the flock; the file stays for the next run
            self._fd = None


def check_port_free(host: str, port: int) -> None:
    """Raises :class:`RunRefused` naming the port and the setting when ``host:port`` is taken.

    Binds the way uvicorn will (``SO_REUSEADDR``), so a port in TIME_WAIT is not refused.
    Port 0 (any free port) always passes.
    """
    if port == 0:
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise RunRefused(
                    f"port {port} on {host} is in use; set http.port in the config file "
                    f"or TOCSIN_HTTP_PORT (e.g. TOCSIN_HTTP_PORT={port + 1})"
                ) from None
            raise RunRefused(f"cannot listen on {host}:{port} (http.host, http.port): {exc.strerror}") from None
