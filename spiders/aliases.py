"""Checking a staging copy or a saved mirror as the production site (`--alias HOST=URL`, `crawl.aliases`).

A download handler in front of Scrapy's own: everything above it — the spider, scope, robots.txt,
politeness, redirects, the store and the reports — sees the production URLs; only the connection goes to
the alias. The response (and a redirect's Location into the alias) is mapped back to the production
URL, so runs of staging and production compare in history. A downloader middleware cannot do this:
a request's URL cannot be changed in place, and a replaced request goes back through the scheduler and
every middleware under its new URL.

Rendered pages (scrapy-playwright) are not rewritten: the browser gets `--host-resolver-rules` mapping
each production host to its alias's address, so the page and everything its scripts fetch stay on the
alias while the URLs stay production ones.
"""

from __future__ import annotations

from collections.abc import Awaitable
from urllib.parse import urlsplit

from scrapy.core.downloader.handlers import DownloadHandlerProtocol
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from scrapy.spiders import Spider
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.misc import build_from_crawler, load_object
from twisted.internet.defer import Deferred

HANDLER = "spiders.aliases.AliasHandler"


def resolver_rules(aliases: dict[str, str]) -> str:
    """Chromium's --host-resolver-rules sending each production host to its alias's address."""
    rules = []
    for host, base in aliases.items():
        parts = urlsplit(base)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        rules.append(f"MAP {host} {parts.hostname}:{port}")
    return ", ".join(rules)


class AliasHandler:
    """DOWNLOAD_HANDLERS for http and https when aliases are set; wraps the handler that would have been
    (GAPCHECK_ALIAS_INNER: scheme → class path)."""

    lazy = False

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.aliases: dict[str, str] = dict(crawler.settings.getdict("GAPCHECK_ALIASES"))
        self.inner: dict[str, DownloadHandlerProtocol] = {}
        for scheme, path in crawler.settings.getdict("GAPCHECK_ALIAS_INNER").items():
            handler = self.inner.get(path) or build_from_crawler(load_object(path), crawler)
            self.inner[scheme] = self.inner[path] = handler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AliasHandler:
        return cls(crawler)

    async def _inner(self, request: Request) -> Response:
        handler = self.inner[urlsplit(request.url).scheme]
        # Typed by Scrapy as a coroutine; an old-style handler (scrapy-playwright on an older Scrapy) gives a Deferred.
        result: Awaitable[Response] | Deferred[Response] = handler.download_request(request)
        if isinstance(result, Deferred):
            return await maybe_deferred_to_future(result)
        return await result

    async def download_request(self, request: Request, spider: Spider | None = None) -> Response:
        parts = urlsplit(request.url)
        base = self.aliases.get((parts.hostname or "").lower())
        if base is None or request.meta.get("playwright"):
            return await self._inner(request)
        origin = f"{parts.scheme}://{parts.netloc}"
        aliased = request.replace(url=base + request.url[len(origin) :])
        response = await self._inner(aliased)
        headers = response.headers.copy()
        location = headers.get(b"Location")
        if location and location.decode("latin-1").startswith(base):
            headers[b"Location"] = origin + location.decode("latin-1")[len(base) :]
        url = response.url
        url = origin + url[len(base) :] if url.startswith(base) else request.url
        return response.replace(url=url, headers=headers, request=request)

    async def close(self) -> None:
        for handler in {id(h): h for h in self.inner.values()}.values():
            closing = getattr(handler, "close", None)
            if closing is None:
                continue
            result = closing()
            if hasattr(result, "addCallback"):
                await maybe_deferred_to_future(result)
            elif result is not None:
                await result
