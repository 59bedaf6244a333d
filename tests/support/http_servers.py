"""Real loopback HTTP servers for tests: a static feed server and a webhook receiver."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class ReceivedRequest:
    path: str
    headers: dict[str, str]
    body: bytes
    received_at: float


@dataclass
class Route:
    body: bytes
    content_type: str = "application/octet-stream"
    status: int = 200
    hits: list[float] = field(default_factory=list)


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 with a free port; a context manager.

    GET serves registered routes; POST records the request and answers with the status
    chosen by ``post_status`` (a callable so tests can fail N times, then succeed).
    """

    def __init__(self, post_status: Callable[[ReceivedRequest], int] | None = None) -> None:
        self.routes: dict[str, Route] = {}
        self.received: list[ReceivedRequest] = []
        self.post_status = post_status or (lambda _request: 200)
        self._condition = threading.Condition()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 (stdlib naming)
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                route.hits.append(time.monotonic())
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                request = ReceivedRequest(
                    path=self.path,
                    headers={key.lower(): value for key, value in self.headers.items()},
                    body=self.rfile.read(length),
                    received_at=time.monotonic(),
                )
                status = server.post_status(request)
                with server._condition:
                    server.received.append(request)
                    server._condition.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def serve(self, path: str, body: bytes, content_type: str = "application/rss+xml") -> Route:
        route = Route(body=body, content_type=content_type)
        self.routes[path] = route
        return route

    def wait_for_posts(self, count: int, timeout: float) -> list[ReceivedRequest]:
        """Blocks until ``count`` POSTs arrived or ``timeout`` passed; returns what arrived."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while len(self.received) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._condition.wait(remaining)
            return list(self.received)

    def __enter__(self) -> "LoopbackServer":
        threading.Thread(target=self._httpd.serve_forever, daemon=True, name="loopback-http").start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
