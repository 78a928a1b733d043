"""Redirects whose target no client can ask: a Location with a port out of range or not a number, or a
broken IPv6 host. Scrapy's RedirectMiddleware raises ValueError building that request, and the link
ended up undecided with no reason a reader could use; here the answer is kept as the 3xx it is, and
the spider records the link as broken (FetchError.BAD_REDIRECT)."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from scrapy.http import Request, Response
from scrapy.spiders import Spider
from w3lib.url import safe_url_string

from core.urls import url_parts

MALFORMED_TARGET = "gapcheck_malformed_target"
"""Request meta: the answer redirected to a URL that cannot be parsed; its Location was dropped."""
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class MalformedTargets:
    """Before Scrapy's RedirectMiddleware (responses pass middlewares from the highest number down)."""

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        location = response.headers.get(b"Location") if response.status in _REDIRECTS else None
        if location and _malformed(request.url, location):
            request.meta[MALFORMED_TARGET] = True
            del response.headers[b"Location"]  # so that RedirectMiddleware hands the 3xx on
        return response


def _malformed(base: str, location: bytes) -> bool:
    """Whether an http(s) Location, read as RedirectMiddleware reads it, names no URL a client can ask."""
    try:
        target = safe_url_string(location)  # raises for a port out of range, as urljoin for a broken IPv6 host
        if target.startswith("//"):
            target = f"{urlsplit(base).scheme}:{target}"
        target = urljoin(base, target)
    except ValueError:
        return True
    return target.startswith(("http://", "https://")) and url_parts(target) is None
