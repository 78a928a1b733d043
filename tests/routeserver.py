"""A small HTTP server on 127.0.0.1 whose answers a test writes as a function, and which remembers
every request it got (when, method, path, User-Agent), for tests of how gapcheck treats a server.

    def route(req: Req) -> Answer:
        if req.path == "/":
            return html('<a href="/a.html">a</a>')
        return Answer(404)

    with serve(route) as server:
        ...  server.url, server.hits("/a.html"), server.requests
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TypeVar
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Req:
    at: float
    method: str
    path: str
    user_agent: str
    n: int
    """How many times this method and path were asked, this one included."""
    body: bytes = b""
    """What a POST sent."""
    if_none_match: str = ""
    """The ETag a revalidating client sent."""
    host: str = ""
    """The Host header: which name the client asked this server by (127.0.0.1:port or localhost:port)."""


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "text/html; charset=utf-8"
    delay: float = 0.0
    """Seconds to wait before answering (past the client's timeout: a stalled server)."""


def html(body: str, title: str = "测试局", status: int = 200, **kw) -> Answer:
    page = f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>{body}</body></html>'
    return Answer(status, page.encode("utf-8"), **kw)


class Bucket:
    """A token bucket: `rate` requests a second, bursts of `burst`; past it, 429 with Retry-After."""

    def __init__(self, rate: float, burst: int):
        self.rate, self.burst = rate, burst
        self.tokens = float(burst)
        self.at = time.monotonic()
        self.lock = threading.Lock()
        self.refused = 0

    def take(self) -> bool:
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
            self.at = now
            if self.tokens >= 1:
                self.tokens -= 1
                return True
            self.refused += 1
            return False


Route = Callable[[Req], Answer]
S = TypeVar("S", bound=ThreadingHTTPServer)


class QuietHandler(BaseHTTPRequestHandler):
    """HTTP/1.1, no log lines, GET and HEAD both answered by `_answer`."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        """Silent."""

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_POST(self) -> None:
        self._answer(head=False)

    def _answer(self, head: bool) -> None:
        raise NotImplementedError


class _Handler(QuietHandler):
    server: RouteServer

    def _answer(self, head: bool) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)) if self.command == "POST" else b""
        req = self.server.record(
            self.command,
            urlsplit(self.path).path,
            self.headers.get("User-Agent", ""),
            body,
            self.headers.get("If-None-Match", ""),
            self.headers.get("Host", ""),
        )
        answer = self.server.route(req)
        if answer.delay:
            time.sleep(answer.delay)
        try:
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if not head:
                self.wfile.write(answer.body)
        except OSError:  # the client gave up waiting
            self.close_connection = True


class RouteServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, route: Route, host: str = "127.0.0.1") -> None:
        super().__init__((host, 0), _Handler)
        self.route = route
        self.host = host
        self.requests: list[Req] = []
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.server_address[1]}/"

    def record(
        self, method: str, path: str, user_agent: str, body: bytes = b"", if_none_match: str = "", host: str = ""
    ) -> Req:
        with self._lock:
            n = 1 + sum(1 for r in self.requests if r.method == method and r.path == path)
            req = Req(time.monotonic(), method, path, user_agent, n, body, if_none_match, host)
            self.requests.append(req)
            return req

    def hits(self, path: str, method: str | None = None) -> int:
        with self._lock:
            return sum(1 for r in self.requests if r.path == path and (method is None or r.method == method))


def serve(route: Route, host: str = "127.0.0.1") -> AbstractContextManager[RouteServer]:
    return running(RouteServer(route, host))


@contextmanager
def running(server: S) -> Iterator[S]:
    """Serves `server` from a thread for the duration of the block."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
