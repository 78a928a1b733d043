"""Stopping a crawl at once (the first Ctrl-C, SIGTERM): the requests not yet sent are dropped, not failed.

Scrapy's own graceful stop lets every request already handed to the downloader go out, each after its
host's delay: under a 1 s Crawl-delay that is one a second for as many as were queued (19 s and more, minutes
under a longer one). Only what is on the wire is left to finish. A dropped request is recorded nowhere, so
`--resume` asks it again from the stored pages' links.
"""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from scrapy.utils.defer import deferred_from_coro
from twisted.python.failure import Failure

STOP_ASKING = object()
"""Signal: send no more requests; waits before sending (spiders/politeness.py) end with `unasked`."""

NOT_SENT = "stopped before it was sent"


def unasked(request: Request) -> IgnoreRequest:
    """The failure of a request dropped unsent. Without an errback the spider never sees it (Scrapy drops an
    IgnoreRequest nobody handles without a log line), so nothing of it is stored."""
    request.errback = None
    return IgnoreRequest(NOT_SENT)


def stop_asking(crawler: Crawler) -> None:
    """Drops every request of this crawl that waits to be sent; those being downloaded finish."""
    crawler.signals.send_catch_log(signal=STOP_ASKING)
    engine = crawler.engine
    if engine is None:
        return
    for slot in engine.downloader.slots.values():
        if slot.latercall is not None:  # the slot's own delay before its next request
            slot.latercall.cancel()
            slot.latercall = None
        while slot.queue:
            request, waiting = slot.queue.popleft()
            waiting.errback(Failure(unasked(request)))


def close_now(crawler: Crawler, reason: str) -> None:
    """Closes the crawl for `reason` (its store or scratch folder cannot be written): what waits to be sent
    is dropped, not sent one host delay apart for nothing, and what is being downloaded finishes."""
    engine = crawler.engine
    assert engine is not None  # called while the crawl runs
    stop_asking(crawler)
    deferred_from_coro(engine.close_spider_async(reason=reason))
