"""The portal spider as one of several workers sharing a Redis frontier (spiders/frontier.py).

It crawls exactly like PortalSpider; what changes is where things go. The start page is queued by the
coordinator, not by the worker. What a callback gives (pages and link checks, new requests, targets for
the second pass) is not written to the store and handed to Scrapy's scheduler but recorded in Redis
in one script with the end of the request's lease, so a worker can be killed at any moment. The
coordinator (gapcheck/distributed.py) stores the items, runs the second pass and decides when the
crawl is over; until then an idle worker keeps asking the queue for work.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any, cast

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Request
from scrapy_redis.connection import get_redis_from_settings
from twisted.internet.base import DelayedCall

from core.model import Link, LinkCheck

from . import wire
from .frontier import LEASE, LINK, LeasedQueue, Settler
from .portal import PortalSpider, _undecided
from .redis_keys import JobKeys
from .roles import Role
from .traps import SELF_REDIRECTS, Ask, Trap, TrapGuard

FLUSH_AFTER = 0.02
"""Seconds an answer's settle script waits for others to share a round trip with."""
IDLE_POLL = 0.2
"""Seconds between an idle worker's looks at the shared queue (Scrapy's own heartbeat is 5 s)."""


class WorkerSpider(PortalSpider):
    name = "portal"
    server: Any
    """The Redis client (set in from_crawler, from the crawler's settings)."""
    settler: Settler

    def __init__(self, start_url: str, *, job: str, worker: str, say: Callable[[str], None] | None = None, **kwargs):
        super().__init__(start_url, **kwargs)
        self.say = say or (lambda text: print(text, file=sys.stderr))
        """How the worker tells its operator (Scrapy's log is quiet)."""
        self.prepared = False
        """`prepare` is over: the shared queue may be read (spiders/frontier.py)."""
        self.rejected = 0
        """Queued payloads that were not requests, dropped (spiders/frontier.py)."""
        self.job = job
        self.worker = worker
        self.keys = JobKeys(job)
        self._retry: list[Request] = []
        self._flushing: DelayedCall | None = None

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.server = get_redis_from_settings(crawler.settings)
        spider.settler = Settler(
            spider.server, spider.keys, LeasedQueue(spider.server, spider, spider.keys.requests), spider.max_pages
        )
        spider.traps = SharedTrapGuard(spider.server, spider.keys, spider.traps.max_variants)
        crawler.signals.connect(spider.closing, signal=signals.spider_closed)
        return spider

    async def start(self) -> AsyncIterator[Request]:
        await self.prepare(certificate=False)  # the coordinator inspects the certificate, once
        self.prepared = True
        self._wake()
        return
        yield  # an async generator that yields nothing: the start page is in the shared queue

    # -- one answer in, one Redis script out --------------------------------------------------

    def parse(self, response):
        return self._deliver(response.request, self._answer_page(response))

    def checked(self, response):
        return self._deliver(response.request, self._answer_check(response))

    def failed(self, failure):
        return self._deliver(failure.request, self._answer_failure(failure))

    def _deliver(self, request: Request, outputs: Iterable) -> tuple:
        items: list = []
        requests: list[Request] = []
        self._retry = []
        try:
            for out in outputs:
                (requests if isinstance(out, Request) else items).append(out)
        finally:
            # Also after an exception in the callback: like a single-process crawl, the request is done.
            full = self.settler.settle(request.meta.get(LEASE, ""), items, requests, self._retry)
        if full:
            self.flush()
        elif self._flushing is None or not self._flushing.active():
            self._flushing = _later(FLUSH_AFTER, self.flush)
        return ()

    def flush(self) -> None:
        if self._flushing is not None and self._flushing.active():
            self._flushing.cancel()
        self._flushing = None
        if self.settler.flush():
            self.page_limit_reached = True
        self._wake()

    def follow(self, page_url: str, depth: int, links: tuple[Link, ...]) -> Iterable[Request | LinkCheck]:
        for out in super().follow(page_url, depth, links):
            if isinstance(out, Request):
                out.meta[LINK] = "page" if out.meta["gapcheck"] == Role.PAGE else "check"
            yield out

    def page_slot(self) -> bool:
        return True  # counted across workers when the request is queued (frontier._SETTLE)

    def _settle(self, request: Request, url: str, check: LinkCheck) -> LinkCheck:
        if not _undecided(request, check):
            return super()._settle(request, url, check)  # counts the second pass's tries that were made
        self._retry.append(
            self._second_try(
                url,
                request.meta["gapcheck"],
                request.meta["gapcheck_depth"],
                request.meta.get("gapcheck_referrer", ""),
                check.status is not None,
            )
        )
        return check

    # -- staying alive while the crawl goes on elsewhere --------------------------------------

    def idle(self) -> None:
        self.flush()
        if self.server.get(self.keys.state) != b"crawling":
            return  # the coordinator says the crawl is over (or gave it up): close
        _later(IDLE_POLL, self._wake)
        raise DontCloseSpider

    def _wake(self) -> None:
        # New requests went to Redis, not through the engine, which otherwise looks at its scheduler only
        # when a download ends or every 5 s.
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None and slot.closing is None:
            slot.nextcall.schedule()

    def closing(self, spider, reason: str) -> None:
        self.flush()
        stats = self.crawler.stats.get_stats()
        note: wire.Note = {
            "worker": self.worker,
            "reason": reason,
            "pages": self.pages_done,
            "errors": self.errors,
            "reused": self.reused,
            "page_limit_reached": self.page_limit_reached,
            "internal_errors": stats.get("spider_exceptions/count", 0),
            "politeness": {k: v for k, v in stats.items() if k.startswith("politeness/")},
            "traps": list(self.traps.notes()),
            "scope": sorted(self.scope),
            "not_found": self.not_found,
            "second_pass": self.second_pass_asked,
        }
        self.server.rpush(self.keys.notes, wire.encode_note(note))


_TRAPPED = """
-- What the trap guard remembers across workers, asked for one page's links in turn (spiders/traps.py
-- TrapGuard._decide_one, the same checks in the same order).
-- KEYS: variants (set), traps (hash). ARGV: max query variants, self-redirects allowed, then five per URL:
-- its (host path) when redirected from itself or '', '1' when the URL alone shows a trap, its session-free
-- form or '', its (host path) when it has a query or '', the query.
-- Returns per URL: 0 followed, 1 self-redirect, 2 the trap the URL shows, 3 session id, 4 query variants.
local verdicts = {}
local most, redirects = tonumber(ARGV[1]), tonumber(ARGV[2])
for i = 3, #ARGV, 5 do
  local redirect, own, session, path, query = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  local verdict = 0
  if redirect ~= '' and redis.call('HINCRBY', KEYS[2], 'redirects ' .. redirect, 1) > redirects then
    verdict = 1
  elseif own == '1' then
    verdict = 2
  elseif session ~= '' and redis.call('SADD', KEYS[1], 'session ' .. session) == 0 then
    verdict = 3
  elseif path ~= '' then
    local member = path .. '?' .. query
    if redis.call('SISMEMBER', KEYS[1], member) == 0 then
      if tonumber(redis.call('HGET', KEYS[2], 'variants ' .. path) or '0') >= most then
        verdict = 4
      else
        redis.call('SADD', KEYS[1], member)
        redis.call('HINCRBY', KEYS[2], 'variants ' .. path, 1)
      end
    end
  end
  verdicts[#verdicts + 1] = verdict
end
return verdicts
"""


class SharedTrapGuard(TrapGuard):
    """The crawl's trap guard, its memory in Redis: each worker counting alone let N workers follow N times
    max_query_variants of an endless calendar, where one process follows max_query_variants. A page's links
    are asked in one script: a portal whose article links carry a query (show.aspx?id=N) would otherwise
    cost a round trip per link followed."""

    def __init__(self, server, keys: JobKeys, max_variants: int):
        super().__init__(max_variants)
        self.server = server
        self.keys = keys
        self._trapped = server.register_script(_TRAPPED)

    def _decide(self, asks: list[Trap | Ask]) -> list[Trap | None]:
        remote = [ask for ask in asks if isinstance(ask, Ask) and _remembered(ask)]
        if not remote:
            return super()._decide(asks)
        args: list[str | int] = [self.max_variants, SELF_REDIRECTS]
        for asked in remote:
            args += [
                _path_key(asked.redirect),
                "1" if asked.local is not None else "",
                asked.session or "",
                _path_key(asked.variant[0] if asked.variant is not None else None),
                asked.variant[1] if asked.variant is not None else "",
            ]
        verdicts = iter(self._trapped(keys=[self.keys.variants, self.keys.traps], args=args))
        traps: list[Trap | None] = []
        for ask in asks:
            if isinstance(ask, Trap):
                traps.append(ask)
            elif not _remembered(ask):
                traps.append(ask.local)
            else:
                verdict = next(verdicts)
                traps.append(ask.local if verdict == _OWN else _VERDICTS[verdict])
        return traps


_OWN = 2
"""The script's verdict for a URL that shows a trap of its own (Ask.local)."""
_VERDICTS: dict[int, Trap | None] = {0: None, 1: Trap.SELF_REDIRECT, 3: Trap.SESSION_ID, 4: Trap.QUERY_VARIANTS}


def _remembered(ask: Ask) -> bool:
    """Whether deciding the URL asks what the guard remembers (else the URL alone decides)."""
    return ask.redirect is not None or ask.session is not None or ask.variant is not None


def _path_key(path: tuple[str, str] | None) -> str:
    return f"{path[0]} {path[1]}" if path is not None else ""


def _later(seconds: float, call: Callable[[], None]) -> DelayedCall:
    from twisted.internet import reactor  # the installed one, known only once the crawl runs

    return cast(Any, reactor).callLater(seconds, call)
