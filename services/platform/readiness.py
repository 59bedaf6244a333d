"""How a supervised child tells ``tocsin run`` that it is ready.

The supervisor passes the write end of a pipe in ``TOCSIN_READY_FD``; a child writes its
service name and a newline once it can do useful work. Outside a supervisor this does
nothing, so every service can call it unconditionally.
"""

from __future__ import annotations

import os

import structlog

ENV_READY_FD = "TOCSIN_READY_FD"

log = structlog.get_logger(__name__)


def notify_ready(service: str) -> None:
    log.info("service.ready", service=service)
    fd = os.environ.get(ENV_READY_FD)
    if not fd:
        return
    try:
        os.write(int(fd), f"{service}\n".encode())
    except (OSError, ValueError):
        pass  # the supervisor went away or the fd is not ours; readiness is advisory
