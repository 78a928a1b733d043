"""A fault-injecting HTTP server on 127.0.0.1: every way a link target can fail, one path each.

The home page links to every case in `CASES`. The server counts requests per (method, path) and the
body bytes it managed to write, so tests can tell a retry happened and a huge download was stopped.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections import Counter
from contextlib import AbstractContextManager
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from urllib.parse import urlsplit

from routeserver import QuietHandler, running

HUGE = 50 * 1024 * 1024
"""Bytes a huge attachment claims (and would send, lazily, if the client kept reading)."""
SLOW = 8.0
"""Seconds a slow response takes: longer than the tests' 3 s timeout, and clearly longer than the second
pass's 6 s (at 6 s, a loaded machine sometimes saw the server hang up first: 连接中断, not 超时)."""
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Case:
    path: str
    tag: str  # how the home page links to it: "a" or "img"
    verdict: str  # expected: ok / broken / unverified
    reason: str = ""  # a word the recorded reason must contain


CASES = (
    Case("/gone/404.html", "a", "broken", "页面不存在"),
    Case("/gone/410.html", "a", "broken", "页面已删除"),
    Case("/err/500.html", "a", "broken", "服务器内部错误"),
    Case("/err/500.png", "img", "broken", "服务器内部错误"),
    Case("/flaky/500-once.html", "a", "ok"),
    Case("/limit/429.html", "a", "unverified", "限流"),
    Case("/limit/429.png", "img", "unverified", "限流"),
    Case("/waf/403.html", "a", "unverified", "拒绝访问"),
    Case("/waf/403.pdf", "a", "unverified", "拒绝访问"),
    Case("/auth/401.html", "a", "unverified", "需要登录"),
    Case("/waf/challenge.html", "a", "unverified", "防火墙验证页面"),
    Case("/waf/challenge-503.html", "a", "unverified", "防火墙验证页面"),
    Case("/pages/about-firewalls.html", "a", "ok"),  # an article on 网站防火墙 is not a check page
    Case("/slow/page.html", "a", "unverified", "超时"),
    Case("/slow/image.png", "img", "unverified", "超时"),
    Case("/stall/page.html", "a", "unverified", "超时"),  # headers and a little of the body, then nothing
    Case("/reset/page.html", "a", "unverified", "连接中断"),
    Case("/reset/image.png", "img", "unverified", "连接中断"),
    Case("/hangup/page.html", "a", "unverified", "连接中断"),
    Case("/redirect/chain.html", "a", "ok"),
    Case("/redirect/chain.pdf", "a", "ok"),
    Case("/redirect/loop.html", "a", "broken", "重定向"),
    Case("/redirect/loop.png", "img", "broken", "重定向"),
    Case("/redirect/to-404.html", "a", "broken", "页面不存在"),
    Case("/redirect/to-404.pdf", "a", "broken", "页面不存在"),
    Case("/redirect/to-file.html", "a", "broken", "跳转到非网页地址"),
    Case("/redirect/to-ftp.pdf", "a", "broken", "跳转到非网页地址"),
    Case("/redirect/to-gopher.html", "a", "broken", "跳转到非网页地址"),
    Case("/redirect/to-data.png", "img", "broken", "跳转到非网页地址"),
    Case("/redirect/nowhere.html", "a", "broken", "跳转缺少目标"),
    Case("/redirect/nowhere.png", "img", "broken", "跳转缺少目标"),
    Case("/redirect/bad-port.html", "a", "broken", "跳转目标网址格式错误"),
    Case("/redirect/bad-host.pdf", "a", "broken", "跳转目标网址格式错误"),
    Case("/files/head405.pdf", "a", "ok"),
    Case("/files/head404.png", "img", "ok"),
    Case("/files/huge.zip", "a", "ok"),
    Case("/files/huge-nohead.zip", "a", "ok"),
    Case("/download.html", "a", "ok"),  # a page-like URL that serves a huge attachment
    Case("/soft404/title.html", "a", "broken", "软404"),
    Case("/soft404/body.html", "a", "broken", "软404"),
    Case("/soft404/english.html", "a", "broken", "软404"),
    Case("/pages/mentions-404.html", "a", "ok"),  # says 页面不存在 far down a real page: not a soft 404
    Case("/pages/ok.html", "a", "ok"),
)

_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}</title></head>
<body>{body}</body></html>
"""

_ARTICLE = (
    "本局认真贯彻落实党中央、国务院决策部署，持续推进政务公开标准化规范化建设，"
    "及时发布政策文件、解读材料和办事指南，方便企业和群众查询办理。"
) * 6


class _Handler(QuietHandler):
    server: FaultServer
    server_version = "FaultHTTP/1.0"
    sys_version = ""

    # -- answers ----------------------------------------------------------------------------

    def _send(
        self,
        status: int,
        body: bytes = b"",
        *,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
        head: bool = False,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self._write(body)

    def _page(self, title: str, body: str, status: int = 200, head: bool = False, **kw) -> None:
        self._send(status, _PAGE.format(title=title, body=body).encode("utf-8"), head=head, **kw)

    def _redirect(self, status: int, location: str, head: bool) -> None:
        self._send(status, headers={"Location": location}, head=head)

    def _write(self, data: bytes) -> None:
        self.wfile.write(data)
        self.server.count_bytes(urlsplit(self.path).path, len(data))

    def _huge(self, content_type: str, head: bool) -> None:
        # A small send buffer, so what the kernel accepts before the client hangs up stays small.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, _CHUNK)
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(HUGE))
        self.end_headers()
        if head:
            return
        chunk = b"\0" * _CHUNK
        try:
            for _ in range(HUGE // _CHUNK):
                self._write(chunk)
        except OSError:  # the client hung up: what a checker that stops at the headers does
            self.close_connection = True

    def _abort(self, reset: bool) -> None:
        """Close without answering: with RST (SO_LINGER 0) or a plain FIN."""
        if reset:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def _answer(self, head: bool) -> None:
        path = urlsplit(self.path).path
        n = self.server.hit(self.command, path)
        ua = self.headers.get("User-Agent", "")
        if path == "/":
            links = "".join(
                f'<img src="{c.path}" alt="{c.path}">'
                if c.tag == "img"
                else f'<li><a href="{c.path}">{c.path}</a></li>'
                for c in CASES
            )
            return self._page("故障测试局", f"<h1>故障测试局</h1><ul>{links}</ul>", head=head)
        if path.startswith("/gone/"):
            return self._page("Not Found", "gone", status=int(path[6:9]), head=head)
        if path.startswith("/err/500"):
            return self._page("500", "error", status=500, head=head)
        if path == "/flaky/500-once.html":
            return (
                self._page("500", "oops", status=500, head=head) if n == 1 else self._page("正常", _ARTICLE, head=head)
            )
        if path.startswith("/limit/"):
            return self._page("429", "slow down", status=429, headers={"Retry-After": "1"}, head=head)
        if path == "/waf/challenge.html":
            return self._page(
                "安全验证", "<div id=slider>请完成滑动验证后继续访问</div><script>check()</script>", head=head
            )
        if path == "/waf/challenge-503.html":
            return self._page(
                "Just a moment...", "Checking your browser before accessing the site.", status=503, head=head
            )
        if path == "/pages/about-firewalls.html":
            return self._page("网站防火墙建设情况", f"<p>{_ARTICLE}</p>", head=head)
        if path.startswith("/waf/"):
            if "gapcheck" in ua.lower():
                return self._page("403 Forbidden", "blocked", status=403, head=head)
            return self._page("正常", _ARTICLE, head=head)
        if path.startswith("/auth/"):
            return self._page("401", "login", status=401, headers={"WWW-Authenticate": 'Basic realm="x"'}, head=head)
        if path.startswith("/slow/"):
            time.sleep(SLOW)
            try:
                return self._page("慢", _ARTICLE, head=head)
            except OSError:
                return None
        if path.startswith("/stall/"):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                self._write(b"<html><head><title>" + "半".encode() * 30)
                time.sleep(SLOW)
            except OSError:
                pass
            self.close_connection = True
            return None
        if path.startswith("/reset/"):
            return self._abort(reset=True)
        if path.startswith("/hangup/"):
            return self._abort(reset=False)
        if path.startswith("/redirect/chain"):
            suffix = path.rsplit(".", 1)[1]
            return self._redirect(301, f"/redirect/hop.{suffix}", head)
        if path.startswith("/redirect/hop"):
            suffix = path.rsplit(".", 1)[1]
            return self._redirect(302, f"/redirect/final.{suffix}", head)
        if path == "/redirect/final.html":
            return self._page("终点", _ARTICLE, head=head)
        if path == "/redirect/final.pdf":
            return self._send(200, b"%PDF-1.4\n", content_type="application/pdf", head=head)
        if path.startswith("/redirect/loop"):
            other = path.replace("loop", "loop-b") if "loop-b" not in path else path.replace("loop-b", "loop")
            return self._redirect(302, other, head)
        if path.startswith("/redirect/to-404"):
            return self._redirect(302, "/gone/404-target.html", head)
        if path.startswith("/redirect/to-"):
            # Nothing a browser shows as a page; the ftp and gopher targets are on this machine, never asked.
            targets = {
                "file": "file:///etc/passwd",
                "ftp": "ftp://127.0.0.1/a.pdf",
                "gopher": "gopher://127.0.0.1/1",
                "data": "data:image/png;base64,iVBORw0KGgo=",
            }
            return self._redirect(302, targets[path[len("/redirect/to-") :].split(".")[0]], head)
        if path == "/redirect/bad-port.html":
            return self._redirect(302, "http://127.0.0.1:99999/x.html", head)
        if path == "/redirect/bad-host.pdf":
            return self._redirect(301, "http://[::1/x.pdf", head)
        if path.startswith("/redirect/nowhere"):
            return self._send(302, b"", head=head)
        if path == "/files/head405.pdf":
            if head:
                return self._send(405, b"", headers={"Allow": "GET"}, head=True)
            return self._send(200, b"%PDF-1.4\n" + b"x" * 1000, content_type="application/pdf")
        if path == "/files/head404.png":
            if head:
                return self._send(404, b"", head=True)
            return self._send(200, b"\x89PNG\r\n\x1a\n" + b"x" * 100, content_type="image/png")
        if path == "/files/huge.zip":
            return self._huge("application/zip", head)
        if path in ("/files/huge-nohead.zip", "/download.html"):
            if head:
                return self._send(405, b"", head=True)
            return self._huge("application/octet-stream", head)
        if path == "/soft404/title.html":
            return self._page("页面不存在", "<p>请返回首页</p>", head=head)
        if path == "/soft404/body.html":
            return self._page(
                "某某市商务局", '<div>您访问的页面不存在或已被删除，<a href="/">返回首页</a></div>', head=head
            )
        if path == "/soft404/english.html":
            return self._page("Error", "<h1>404 Not Found</h1><hr>nginx", head=head)
        if path == "/pages/mentions-404.html":
            return self._page(
                "常见问题", f"<p>{_ARTICLE}</p><p>问：为什么提示页面不存在？答：链接已调整。</p>", head=head
            )
        if path == "/pages/ok.html":
            return self._page("正常", _ARTICLE, head=head)
        return self._page("Not Found", "no such case", status=404, head=head)


class FaultServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self._lock = threading.Lock()
        self.hits: Counter[tuple[str, str]] = Counter()
        self.bytes_sent: Counter[str] = Counter()
        """Body bytes written per path (what reached the socket, not necessarily the client)."""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def hit(self, method: str, path: str) -> int:
        with self._lock:
            self.hits[method, path] += 1
            return self.hits[method, path]

    def count_bytes(self, path: str, n: int) -> None:
        with self._lock:
            self.bytes_sent[path] += n


def serve() -> AbstractContextManager[FaultServer]:
    return running(FaultServer())
