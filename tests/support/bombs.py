"""Decompression bombs and huge bodies on a loopback server, and a child process that
reports its peak memory while a Tocsin component reads them.

Memory, not time, is what a bomb attacks, so tests measure the peak resident set of a
fresh child (``VmHWM``: ``ru_maxrss`` carries the forking parent's peak) under an address-space limit (``RLIMIT_AS``): before a fix the
child dies or peaks high, after it the peak stays near the child's own baseline.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MIB = 1024 * 1024


def _gzip_stream(chunks: Iterator[bytes]) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    out = [packer.compress(chunk) for chunk in chunks]
    out.append(packer.flush())
    return b"".join(out)


@lru_cache(maxsize=8)
def gzip_bomb(decoded_mib: int, layers: int) -> bytes:
    """``decoded_mib`` MiB of zeros, gzipped ``layers`` times (1 GiB twice gzipped: about 2 kB)."""
    body = _gzip_stream(bytes(MIB) for _ in range(decoded_mib))
    for _ in range(layers - 1):
        body = _gzip_stream(iter([body]))
    return body


@dataclass
class Canned:
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 200
    stream_zeros: int = 0
    """Bytes of zeros sent after ``body`` in 1 MiB writes, without a Content-Length."""


@contextmanager
def serving(reply: Canned) -> Iterator[str]:
    """A threaded loopback server answering every GET and POST with ``reply``; yields its base URL."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_args: object) -> None:
            pass

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.stream_zeros:
                self.send_header("Connection", "close")
            else:
                self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            try:
                self.wfile.write(reply.body)
                block = bytes(MIB)
                for _ in range(reply.stream_zeros // MIB):
                    self.wfile.write(block)
            except (BrokenPipeError, ConnectionResetError):
                pass
            if reply.stream_zeros:
                self.close_connection = True

        do_GET = _answer
        do_POST = _answer

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


CHILD = """
import asyncio, json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))

def status_kib(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])

{prelude}
baseline = status_kib("VmRSS")
try:
    outcome = asyncio.run(main({url!r}))
except MemoryError:
    outcome = "MemoryError"
except BaseException as exc:
    outcome = type(exc).__name__ + ": " + str(exc)[:200]
peak = status_kib("VmHWM")  # ru_maxrss would start from the parent's peak at fork
print(json.dumps({{"baseline_mib": baseline / 1024, "peak_mib": peak / 1024, "outcome": str(outcome)[:300]}}))
"""


def measure_in_child(prelude: str, url: str, limit_mib: int = 3072, timeout: float = 300) -> dict:
    """Runs ``main(url)`` (defined by ``prelude``) in a fresh interpreter capped at
    ``limit_mib`` of address space; returns its baseline and peak RSS in MiB and the outcome.
    A child killed outright reports ``outcome`` "killed" and the cap as its peak."""
    code = CHILD.format(limit=limit_mib * MIB, prelude=textwrap.dedent(prelude), url=url)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, env=env, check=False, cwd=ROOT
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        return {"baseline_mib": 0.0, "peak_mib": float(limit_mib), "outcome": f"killed: {done.stderr[-300:]}"}
    return json.loads(lines[-1])
