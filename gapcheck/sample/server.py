"""A tiny static HTTP server for the sample portal, run in a background thread.

It behaves like the plain web servers of real portals in the ways the crawler must cope with:
HTML is sent as ``text/html`` with no charset (the page's ``<meta>`` tells it, or it must be
sniffed), a directory URL serves its ``index.html``, a missing file is a 404 with a small HTML
body. Nothing is logged. Paths that try to climb out of the root are refused.
"""

from __future__ import annotations

import argparse
import threading
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from gapcheck.sample import PORTAL_DIR

__all__ = ["CONTENT_TYPES", "SampleServer", "serve"]

CONTENT_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".shtml": "text/html",
    ".css": "text/css",
    ".js": "application/javascript",
    ".txt": "text/plain",
    ".xml": "application/xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".zip": "application/zip",
}
"""Content-Type by file extension; HTML deliberately without a charset. Others: octet-stream."""

_ERROR_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{code} {phrase}</title></head>
<body><h1>{code} {phrase}</h1><p>{message}</p></body></html>
"""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    bytes_sent = 0
    """Bytes of file bodies sent so far (error pages and redirects not counted)."""


class _Handler(BaseHTTPRequestHandler):
    """Serves files below ``root`` (set on the subclass made by :func:`serve`)."""

    root: Path
    server: _Server
    server_version = "SampleHTTP/1.0"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._respond(body=True)

    def do_HEAD(self) -> None:
        self._respond(body=False)

    def log_message(self, format: str, *args: object) -> None:
        """Silence request and error logging."""

    def _respond(self, body: bool) -> None:
        url_path = urlsplit(self.path).path
        decoded = unquote(url_path)
        parts = decoded.split("/")
        if "\0" in decoded or "\\" in decoded or ".." in parts:
            self._error(HTTPStatus.FORBIDDEN, "Path not allowed.", body)
            return
        target = self.root.joinpath(*[p for p in parts if p not in ("", ".")])
        try:
            resolved = target.resolve()
        except (OSError, RuntimeError):
            self._error(HTTPStatus.NOT_FOUND, "Not found.", body)
            return
        if resolved != self.root and self.root not in resolved.parents:
            self._error(HTTPStatus.FORBIDDEN, "Path not allowed.", body)
            return
        if resolved.is_dir():
            if not url_path.endswith("/"):
                self._redirect(quote(decoded + "/", safe="/"), body)
                return
            resolved = resolved / "index.html"
        if not resolved.is_file():
            self._error(HTTPStatus.NOT_FOUND, "The requested page does not exist.", body)
            return
        data = resolved.read_bytes()
        ctype = CONTENT_TYPES.get(resolved.suffix.lower(), "application/octet-stream")
        # Validators as nginx sends them, so a second crawl can revalidate (304) instead of downloading.
        stat = resolved.stat()
        etag = f'"{int(stat.st_mtime):x}-{stat.st_size:x}"'
        modified = formatdate(stat.st_mtime, usegmt=True)
        if self.headers.get("If-None-Match") == etag or (
            "If-None-Match" not in self.headers and self.headers.get("If-Modified-Since") == modified
        ):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", modified)
        self.end_headers()
        if body:
            self.wfile.write(data)
            self.server.bytes_sent += len(data)

    def _redirect(self, location: str, body: bool) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _error(self, status: HTTPStatus, message: str, body: bool) -> None:
        data = _ERROR_PAGE.format(code=status.value, phrase=status.phrase, message=message).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)


class SampleServer:
    """A running sample-portal server; close it (or use it as a context manager) when done."""

    def __init__(self, httpd: _Server, thread: threading.Thread) -> None:
        self._httpd = httpd
        self._thread = thread
        host, self.port = httpd.server_address[:2]
        assert isinstance(host, str)  # as bound (getsockname); bytes are only accepted on the way in
        self.host = host
        self.url: str = f"http://{self.host}:{self.port}/"

    @property
    def bytes_sent(self) -> int:
        """Bytes of file bodies sent so far (error pages and redirects not counted)."""
        return self._httpd.bytes_sent

    def close(self) -> None:
        """Stop serving and release the port; safe to call twice."""
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        self._httpd.server_close()

    def __enter__(self) -> SampleServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SampleServer({self.url!r})"


def serve(root: Path = PORTAL_DIR, host: str = "127.0.0.1", port: int = 0) -> SampleServer:
    """Serve ``root`` over HTTP from a daemon thread; ``port=0`` picks a free port."""
    handler = type("SampleHandler", (_Handler,), {"root": Path(root).resolve()})
    httpd = _Server((host, port), handler)
    thread = threading.Thread(target=httpd.serve_forever, name=f"sample-portal:{httpd.server_address[1]}", daemon=True)
    thread.start()
    return SampleServer(httpd, thread)


def main(argv: list[str] | None = None) -> int:
    """Serve the sample portal in the foreground: ``python -m gapcheck.sample.server --port 8000``."""
    parser = argparse.ArgumentParser(description="Serve the gapcheck sample portal.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--root", type=Path, default=PORTAL_DIR)
    args = parser.parse_args(argv)
    server = serve(args.root, args.host, args.port)
    print(f"Serving {args.root} at {server.url} (Ctrl-C to stop)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
