"""Tie a child process's life to ours, so no broker or worker outlives a crashed parent."""

from __future__ import annotations

import ctypes
import ctypes.util
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """``preexec_fn`` for ``subprocess.Popen``: the kernel sends SIGTERM if the parent dies.

    Linux only (elsewhere it does nothing). The kernel watches the *thread* that forked, so
    children must be started from a long-lived thread, such as the main thread.
    """
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
