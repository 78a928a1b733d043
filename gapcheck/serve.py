"""`gapcheck serve DIR`: the reports folder over HTTP, read-only, for supervisors on the office network.

Standard library only (http.server): GET and HEAD of files under DIR, index.html at /, nothing outside
DIR (a symlink that leads out is not followed), no hidden files, UTF-8 declared for every text format.
"""

from __future__ import annotations

import html
import io
import os
import posixpath
import socket
import sys
import urllib.parse
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO

from core.errors import ConfigError, GapcheckError

from .cli_words import ERROR
from .interrupts import interrupts
from .report.index import ERROR_JSON, INDEX, REPORT_JSON, TEXT, write_index

INDEX_TITLE = TEXT["title"]
STOP_LOOK = 0.5
"""Seconds between two looks at whether a stop was asked while no request comes."""

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".xlsx": XLSX,
    ".svg": "image/svg+xml",
    ".png": "image/png",
}


class ReportsHandler(SimpleHTTPRequestHandler):
    """Serves one folder read-only; `directory` is bound with functools.partial."""

    server_version = "gapcheck"
    refused = False
    sys_version = ""
    timeout = 15
    """Seconds a connection may sit without sending (StreamRequestHandler sets it on the socket): each open
    connection holds a thread, so idle ones (a browser's spare connections, a slowloris) are closed."""

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        return TYPES.get(posixpath.splitext(path)[1].lower()) or super().guess_type(path)

    def translate_path(self, path: str) -> str:
        # http.server already drops "..", drive letters and empty segments. Also refused: hidden names
        # (.git, .tmp files) and anything that resolves, through a symlink, outside the folder.
        translated = super().translate_path(path)
        root = Path(self.directory).resolve()
        try:
            inside = Path(translated).resolve().relative_to(root)
            asked = Path(translated).relative_to(self.directory)
        except (ValueError, OSError):
            self.refused = True
            return translated
        self.refused = any(part.startswith(".") for part in (*asked.parts, *inside.parts))
        return translated

    def send_head(self) -> io.BytesIO | BinaryIO | None:
        self.translate_path(self.path)
        if self.refused:
            self.send_error(404, "File not found")
            return None
        return super().send_head()

    def list_directory(self, path: str | os.PathLike[str]) -> io.BytesIO | None:
        """A site folder's files (report.xlsx, report.csv…), hidden ones left out; every name escaped."""
        try:
            names = sorted(n for n in os.listdir(path) if not n.startswith("."))
        except OSError:
            self.send_error(404, "No permission to list directory")
            return None
        shown = html.escape(urllib.parse.unquote(self.path.split("?", 1)[0].split("#", 1)[0]), quote=False)
        items = []
        root = Path(self.directory).resolve()
        for name in names:
            full = os.path.join(path, name)
            if not Path(full).resolve().is_relative_to(root):
                continue  # a symlink leading out: never served, so not listed
            label = name + "/" if os.path.isdir(full) else name
            items.append(f'<li><a href="{urllib.parse.quote(label)}">{html.escape(label, quote=False)}</a></li>')
        page = (
            f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{shown}</title></head>'
            f'<body><h1>{shown}</h1><p><a href="/">{INDEX_TITLE}</a></p><ul>{"".join(items)}</ul></body></html>\n'
        )
        data = page.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        return io.BytesIO(data)

    def end_headers(self) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # quiet: supervisors' clicks are not news
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class _Server6(_Server):
    address_family = socket.AF_INET6


def _needs_index(folder: Path) -> bool:
    """True when DIR has site results and index.html is missing or older than one of them."""
    index = folder / INDEX
    latest = None
    for pattern in (f"*/{REPORT_JSON}", f"*/{ERROR_JSON}"):
        for p in folder.glob(pattern):
            latest = max(latest or 0.0, p.stat().st_mtime)
    if latest is None:
        return not index.exists()
    return not index.exists() or index.stat().st_mtime < latest


def make_server(folder: Path, host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    folder = Path(folder)
    if not folder.is_dir():
        raise ConfigError(ERROR["serve_no_dir"].format(dir=folder))
    if _needs_index(folder):
        try:
            write_index(folder)
        except GapcheckError as exc:
            print(f"gapcheck: {ERROR['warning'].format(message=exc)}", file=sys.stderr)
    handler = partial(ReportsHandler, directory=str(folder.resolve()))
    server_class = _Server6 if ":" in host else _Server
    try:
        return server_class((host, port), handler)
    except OSError as exc:
        raise ConfigError(ERROR["serve_listen"].format(host=host, port=port, reason=exc.strerror or exc)) from None


def url_of(server: ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    assert isinstance(host, str)  # as bound (getsockname); bytes are only accepted on the way in
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{port}/"


def serve(folder: Path, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Serves until Ctrl-C or SIGTERM; returns 0."""
    server = make_server(folder, host, port)
    server.timeout = STOP_LOOK
    try:
        with interrupts(even_if_ignored=True) as stop:
            try:
                print(f"报告服务：{url_of(server)}（目录 {Path(folder).resolve()}，只读；按 Ctrl-C 停止）", flush=True)
                if host in ("0.0.0.0", "::"):
                    print("注意：已在所有网络接口上开放，同一网络中的任何人都能查看这些报告。", flush=True)
                while not stop.asked:
                    server.handle_request()
            except KeyboardInterrupt:
                pass
    finally:
        server.server_close()
    print("报告服务已停止。", flush=True)
    return 0
