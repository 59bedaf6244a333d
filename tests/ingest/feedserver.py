"""A real loopback HTTP server for ingest tests: routes are data, responses are real bytes."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    """One canned response. ``etag`` turns on conditional GET (304 on a matching If-None-Match)."""

    body: bytes = b""
    status: int = 200
    content_type: str = "application/xml"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    chunks: Callable[[], Iterator[bytes]] | None = None
    hold: threading.Event | None = None


Route = Reply | Callable[[BaseHTTPRequestHandler], Reply]


class FeedServer:
    """Serves ``routes`` on 127.0.0.1 in a background thread; records every request."""

    def __init__(self, routes: dict[str, Route] | None = None) -> None:
        self.routes: dict[str, Route] = dict(routes or {})
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 (stdlib naming)
                server.requests.append((self.path, {k: v for k, v in self.headers.items()}))
                route = server.routes.get(self.path) or server.routes.get(self.path.split("?", 1)[0])
                if route is None:
                    self._send(Reply(b"not found", 404, "text/plain"))
                    return
                reply = route(self) if callable(route) else route
                if reply.hold is not None:
                    while not reply.hold.wait(0.05):
                        if server._release.is_set():
                            return
                if reply.etag and self.headers.get("If-None-Match") == reply.etag:
                    self._send(Reply(b"", 304, reply.content_type, {"ETag": reply.etag}))
                    return
                self._send(reply)

            def _send(self, reply: Reply) -> None:
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.content_type)
                    if reply.etag:
                        self.send_header("ETag", reply.etag)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    if reply.chunks is not None:
                        self.send_header("Connection", "close")
                        self.end_headers()
                        for chunk in reply.chunks():
                            self.wfile.write(chunk)
                        self.close_connection = True
                        return
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    if reply.status != 304:
                        self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="feed-server", daemon=True)

    @property
    def base(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def hits(self, path: str) -> int:
        return sum(1 for requested, _ in self.requests if requested.split("?", 1)[0] == path)

    def __enter__(self) -> "FeedServer":
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._release.set()
        self._httpd.shutdown()
        self._httpd.server_close()


def wait_until(predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()
