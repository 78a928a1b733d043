"""Serves the county portal on 127.0.0.1 the way a CMS's web server does.

`dir/`, `dir/index.html` and `dir/index.shtml` answer the same page; the query string is ignored (the
home page's `index.html?tab=…` is the home page); a missing path is a real 404. Built on the tests'
route server, so a test can count what was asked.
"""

from __future__ import annotations

from contextlib import AbstractContextManager

from routeserver import Answer, Req, RouteServer, serve

from .pages import ASSETS, Portal

_TYPES = {".css": "text/css", ".js": "application/javascript", ".png": "image/png", ".jpg": "image/jpeg",
          ".doc": "application/msword"}
_NOT_FOUND = '<!DOCTYPE html><html><head><meta charset="utf-8"><title>404 页面不存在</title></head><body><h1>404</h1><p>您访问的页面不存在。</p></body></html>'


def resolve(path: str) -> str:
    """The page a request path names: `/` and folders are their index.html, index.shtml its .html twin."""
    if path.endswith("/"):
        return path + "index.html"
    if path.endswith("/index.shtml"):
        return path[: -len("shtml")] + "html"
    return path


def router(portal: Portal):
    pages = {path: html.encode("utf-8") for path, html in portal.pages.items()}

    def route(req: Req) -> Answer:
        path = resolve(req.path)
        if path in pages:
            return Answer(200, pages[path])
        if path in ASSETS:
            ext = path[path.rfind("."):]
            return Answer(200, b"\x89PNG\r\n\x1a\n" if ext == ".png" else b"/* */", content_type=_TYPES.get(ext, "application/octet-stream"))
        return Answer(404, _NOT_FOUND.encode("utf-8"))

    return route


def serve_portal(filled: bool = False) -> AbstractContextManager[RouteServer]:
    """The portal on a free port of 127.0.0.1: `with serve_portal() as server: server.url`."""
    return serve(router(Portal(filled)))
