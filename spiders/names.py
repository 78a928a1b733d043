"""Each host name looked up once per run, and a name that does not resolve not asked again link by link.

Scrapy caches the names that resolved, not the ones that failed: on a machine whose resolver does not
answer (an intranet, an offline laptop), every link to an outside host waited for its own lookup to time
out, retries included, and a home page with hundreds of external links took minutes. Here the first
request to a host looks its name up (others to the same host wait for that one answer); when it fails,
every request to the host fails at once with the same error, so all its links get the same verdict.
"""

from __future__ import annotations

import ipaddress
import socket

from scrapy.crawler import Crawler
from scrapy.exceptions import CannotResolveHostError
from scrapy.http import Request
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet import defer, threads


def addresses(host: str) -> list[str]:
    """The addresses `host` resolves to; [] when it does not resolve. Blocks: call it in a thread."""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    # An IP socket address starts with its host as a string (the (int, bytes) form is for other families).
    return [info[4][0] for info in infos if isinstance(info[4][0], str)]


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class NameCache:
    """Downloader middleware, first in the chain (before robots.txt, which would ask the host too)."""

    def __init__(self, timeout: float, skip: frozenset[str] = frozenset()):
        self.timeout = timeout
        self.skip = skip
        """Hosts never looked up here: aliased to another server (spiders/aliases.py)."""
        self.resolved: dict[str, bool] = {}
        self.waiting: dict[str, list[defer.Deferred[None]]] = {}
        self.lookups = 0
        """Names looked up this run (for tests and the log)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NameCache:
        settings = crawler.settings
        return cls(settings.getfloat("DNS_TIMEOUT"), frozenset(settings.getdict("GAPCHECK_ALIASES")))

    async def process_request(self, request: Request) -> None:
        host = (urlparse_cached(request).hostname or "").lower()
        if not host or host in self.skip or _is_address(host):
            return None
        if host not in self.resolved:
            await self._look_up(host)
        if not self.resolved[host]:
            raise CannotResolveHostError(f"{host}: the name did not resolve (looked up once this run)")
        return None

    async def _look_up(self, host: str) -> None:
        waiting = self.waiting.get(host)
        if waiting is not None:  # another request is looking it up: share its answer
            answer: defer.Deferred[None] = defer.Deferred()
            waiting.append(answer)
            await maybe_deferred_to_future(answer)
            return
        self.waiting[host] = []
        self.lookups += 1
        from twisted.internet import reactor  # the running one

        lookup = threads.deferToThread(addresses, host)
        lookup.addTimeout(self.timeout, reactor)
        try:
            found = await maybe_deferred_to_future(lookup)
        except defer.TimeoutError:
            found = []
        self.resolved[host] = bool(found)
        for answer in self.waiting.pop(host):
            answer.callback(None)
