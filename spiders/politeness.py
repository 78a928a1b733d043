"""Gentle with small servers: robots.txt Crawl-delay, Retry-After, and a circuit breaker per host; and
never led by a redirect into the checking machine's own networks.

Scrapy reads neither Crawl-delay nor Retry-After, and its retry asks again at once after a 429,
which is what earned the 429. This middleware spaces the requests to each host itself, so what a
server asked for holds whatever AutoThrottle does to Scrapy's own download delay.

What happened is left in the crawl stats (`politeness/<what>/<host>`) for the crawl-health report.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from functools import partial
from time import monotonic
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
    StopDownload,
)
from scrapy.http import Request, Response
from scrapy.robotstxt import RobotParser
from scrapy.spiders import Spider
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet import defer, task, threads
from twisted.internet import error as tx_error
from twisted.internet.base import DelayedCall

from .names import addresses
from .reactor import running_reactor
from .redis_keys import JobKeys, worker_key
from .redis_scripts import load, pipelined, run
from .rendering import scrapy_error
from .roles import Role
from .settings import ROBOTS_TXT_MAX
from .stopping import STOP_ASKING, unasked

if TYPE_CHECKING:  # redis is imported only by a distributed worker
    from redis.client import Pipeline

PRIVATE_REDIRECT = "private-redirect: "
"""Prefix of the IgnoreRequest message for a redirect into a more internal network; the host follows."""
CIRCUIT_OPEN = "circuit-open: "
"""Prefix of the IgnoreRequest message for a request the breaker did not send; its reason (for the log) follows."""
THROTTLED = "gapcheck_throttled"
"""Request meta: seconds the server last asked to wait, set when gapcheck gave up waiting."""
_ROBOTS_READ = "gapcheck_robots_read"
"""Request meta: bytes of robots.txt received so far."""
_RETRY_WAITED = "gapcheck_retry_waited"
"""Request meta: the retry (Scrapy's retry_times) whose wait was waited."""
PASS = "gapcheck_pass"
"""Request meta: 1 for the crawl, 2 for the slower second pass over what could not be decided."""
OWN_PAGE = "gapcheck_own_page"
"""Request meta: a page of the portal itself. In the second pass the breaker never stops one: ten pages
failing in a row must not cut off the rest of the site the check is about, and the slow pace of that pass
is gentle enough for a struggling server."""

LEAST_INTERVAL = 0.1
"""Seconds between requests after a first 429 of a host that had no delay (10 a second), doubled at each later one."""
GIVE_AFTER = 0.01
"""Seconds a given-back lease waits to share a round trip to Redis with others."""
LEASE_POLL = 0.02
"""Seconds a request waiting for a host's lease waits before asking Redis again (leases freed elsewhere)."""
WAITING = 1000
"""Milliseconds after its last refused try that a process no longer counts as waiting for a host's lease
(many LEASE_POLLs: it was served elsewhere, or killed)."""
SHARED_SLOW_SECONDS = 60.0
"""Seconds after a 429 that the interval it taught one worker holds for all workers of a distributed crawl."""
RECOVERY = 0.97
"""Factor the learned interval shrinks by with each answer that is not an error."""

_OVERLOAD_ERRORS = (
    DownloadTimeoutError,
    ResponseDataLossError,
    DownloadFailedError,
    tx_error.TimeoutError,
    tx_error.TCPTimedOutError,
    tx_error.ConnectionLost,
    tx_error.ConnectionDone,
)
"""Failures that say a server is struggling. Refused connections, DNS and TLS errors cost a server
nothing and are definite answers: they never trip the breaker."""


class Reach(IntEnum):
    """Where an address is, from the outside in: a redirect may not lead further in than it started."""

    PUBLIC = 1
    PRIVATE = 2
    LOCAL = 3
    """Loopback and link-local: the checking machine itself and its own segment."""


def reach_of(addresses: list[str]) -> Reach:
    """The most internal of a host's addresses (an unresolvable host is left to fail as it will)."""
    reach = Reach.PUBLIC
    for text in addresses:
        try:
            ip = ipaddress.ip_address(text.split("%")[0])
        except ValueError:
            continue
        if ip.is_loopback or ip.is_link_local or ip.is_unspecified:
            reach = max(reach, Reach.LOCAL)
        elif not ip.is_global:
            reach = max(reach, Reach.PRIVATE)
    return reach


@dataclass
class Host:
    gate: defer.DeferredSemaphore
    """Requests to the host past this middleware at once. Held here rather than in Scrapy's download
    slot, so that a request is judged (breaker, wait) when it is about to be sent, not when it was queued."""
    interval: float = 0.0
    """Least seconds between two request starts: the configured delay, Crawl-delay, or learned from 429s."""
    base: float = 0.0
    """The interval the host asked for in robots.txt (at least the configured delay); learned slowness decays
    back to it."""
    calm_at: float = 0.0
    """Monotonic time until which more 429s belong to the burst already answered."""
    next_start: float = 0.0
    """Monotonic time before which no request to the host starts."""
    last_start: float = float("-inf")
    """Monotonic time the last request to the host really left this middleware."""
    failures: int = 0
    """Consecutive URLs whose first answer suggests overload."""
    open_reason: str = ""
    open_pass: int = 0
    """The pass in which the breaker opened; a later pass tries the host again (half-open)."""


_TAKE = """
-- Leases for one or more of this process's requests to a host, in one round trip.
-- KEYS: the host's leases (sorted set), the host's pace (hash), the processes waiting for a lease (sorted set),
--   the job's breakers (hash: '<host> failures', '<host> open' = reason, '<host> pass' = the pass it opened in);
-- ARGV: limit, lease ttl, heartbeat key prefix, this process's name among the waiting, waiting ttl, host,
--   failures that open the breaker; then for each request, in line order: its lease, interval, pass, and
--   '1' if the breaker lets it by (an own page in a later pass).
-- Returns {leases still free, then for each request: wait ('-1': no lease for it), the breaker's reason if
--   it stopped the request, the pass it opened in, the host's failures in a row}. The requests answered
--   (a lease, or stopped) are the first ones; the others wait in this process's own line. The process
--   stands in Redis's waiting line only when its first request got nothing.
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
local limit = tonumber(ARGV[1])
local asked = (#ARGV - 7) / 4
local out = {0}
local function wait(from)
  if from == 1 then  -- refused: this process polls, so it stands in line (one that got leases asks when it
    -- gives one back, which may be long: in line meanwhile, it would keep others from a free lease)
    redis.call('ZADD', KEYS[3], 'NX', now, ARGV[4])  -- in line since its first refusal
    redis.call('SET', KEYS[3] .. ':' .. ARGV[4], '1', 'PX', ARGV[5])  -- and still asking
    redis.call('EXPIRE', KEYS[3], 86400)
  end
  for _ = from, asked do
    out[#out + 1] = '-1'; out[#out + 1] = ''; out[#out + 1] = 0; out[#out + 1] = 0
  end
  out[1] = limit - redis.call('ZCARD', KEYS[1])
  return out
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= limit then
  -- Full: give up the leases of workers whose heartbeat stopped (killed), not only expired ones. Each
  -- worker's heartbeat is looked at once (once per lease was most of Redis's work in a busy crawl).
  local alive = {}
  for _, held in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
    local worker = string.match(held, '^(.*):[^:]*$')
    if worker then
      if alive[worker] == nil then alive[worker] = redis.call('EXISTS', ARGV[3] .. worker) == 1 end
      if not alive[worker] then redis.call('ZREM', KEYS[1], held) end
    end
  end
  if redis.call('ZCARD', KEYS[1]) >= limit then return wait(1) end
end
-- A free lease goes to the process that has waited longest: the one that just gave a lease back asks
-- first (its own waiting requests are woken at once), and took every lease again while another
-- worker, asking now and then, starved (550 pages against 9). One lease is kept for each process
-- ahead, no more: keeping every free lease for the first in line left them idle until it asked again
-- (4 workers crawled at a third of the rate of 2).
local free = limit - redis.call('ZCARD', KEYS[1])
local ahead = 0
for _, other in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do
  if other == ARGV[4] then break end
  if redis.call('EXISTS', KEYS[3] .. ':' .. other) == 1 then
    ahead = ahead + 1
    if ahead >= free then return wait(1) end
  else
    redis.call('ZREM', KEYS[3], other)  -- it stopped asking: served elsewhere, or killed
  end
end
redis.call('ZREM', KEYS[3], ARGV[4])
local mine = free - ahead
-- The breaker is asked here, when a request would be sent, as one process asks it once through its gate.
local host = ARGV[6]
local failures = tonumber(redis.call('HGET', KEYS[4], host .. ' failures') or '0')
local reason = redis.call('HGET', KEYS[4], host .. ' open')
local opened = reason and tonumber(redis.call('HGET', KEYS[4], host .. ' pass') or '1') or 0
local slow = now < tonumber(redis.call('HGET', KEYS[2], 'slow_until') or '0')
local next_start = tonumber(redis.call('HGET', KEYS[2], 'next') or '0')
local function settle(taken)
  if taken > 0 then
    redis.call('HSET', KEYS[2], 'next', tostring(next_start))
    redis.call('EXPIRE', KEYS[1], 86400)
    redis.call('EXPIRE', KEYS[2], 86400)
  end
end
local taken = 0
for i = 1, asked do
  local at = 7 + (i - 1) * 4
  local gated = reason and ARGV[at + 4] ~= '1'  -- open, and this request is not let by
  if gated and tonumber(ARGV[at + 3]) <= opened then
    out[#out + 1] = '0'; out[#out + 1] = reason; out[#out + 1] = opened; out[#out + 1] = failures
  else
    if taken >= mine then
      settle(taken)
      return wait(i)
    end
    if gated then
      -- Half-open: a later pass tries again; one more failure opens it for good.
      failures = tonumber(ARGV[7]) - 1
      redis.call('HDEL', KEYS[4], host .. ' open')
      redis.call('HSET', KEYS[4], host .. ' failures', failures)
      reason = false
    end
    local interval = tonumber(ARGV[at + 2])
    if slow then interval = math.max(interval, tonumber(redis.call('HGET', KEYS[2], 'interval') or '0')) end
    local start = math.max(now, next_start)
    next_start = start + interval
    redis.call('ZADD', KEYS[1], start + tonumber(ARGV[2]), ARGV[at + 1])
    taken = taken + 1
    out[#out + 1] = tostring(start - now); out[#out + 1] = ''; out[#out + 1] = 0; out[#out + 1] = failures
  end
end
settle(taken)
out[1] = limit - redis.call('ZCARD', KEYS[1])
return out
"""

_HOLD = """
-- KEYS: the host's pace; ARGV: seconds to hold every worker back, the interval learned, how long it holds
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
local nxt = math.max(now + tonumber(ARGV[1]), tonumber(redis.call('HGET', KEYS[1], 'next') or '0'))
redis.call('HSET', KEYS[1], 'next', tostring(nxt))
redis.call('HSET', KEYS[1], 'interval', ARGV[2], 'slow_until', tostring(nxt + tonumber(ARGV[3])))
redis.call('EXPIRE', KEYS[1], 86400)
"""


_FAILED = """
-- KEYS: the job's breakers; ARGV: host, failures that open the breaker, its reason, the request's pass
-- Returns {the host's failures in a row, 1 if this one opened the breaker}.
local n = redis.call('HINCRBY', KEYS[1], ARGV[1] .. ' failures', 1)
if n >= tonumber(ARGV[2]) and redis.call('HSETNX', KEYS[1], ARGV[1] .. ' open', ARGV[3]) == 1 then
  redis.call('HSET', KEYS[1], ARGV[1] .. ' pass', ARGV[4])
  return {n, 1}
end
return {n, 0}
"""


class Turn(NamedTuple):
    """What the shared pace and breaker said to a request about to be sent."""

    wait: float
    """Seconds before it may start."""
    stopped: str
    """The breaker's reason when it stopped the request ("" when it may go)."""
    opened: int
    """The pass in which the breaker opened."""
    failures: int
    """The host's failures in a row as Redis counted them, all workers together."""


class _Ask:
    """A request asking for one of its host's shared leases."""

    __slots__ = ("args", "turn", "woken")

    def __init__(self, args: list[Any]):
        self.args = args
        """Its part of the take script's arguments: lease, interval, pass, let by."""
        self.turn: Turn | None = None
        self.woken: defer.Deferred[None]
        """Called when it is granted a lease by the first in line, or is first itself and should ask."""


class SharedPace:
    """A host's concurrency and spacing kept in Redis, so that they hold for all workers together; and the
    job's circuit breakers, so that the host's failures in a row are counted across workers as one process
    counts them.

    Each request takes one of the host's `limit` leases and the next start time in one script (Redis's
    clock, not the workers'), which also asks the breaker. A lease is named after its worker: once that
    worker's heartbeat stops (killed), its leases are free for the others; any lease expires after `ttl`
    seconds. A 429 seen by one worker holds every worker back.

    What an answer tells (a lease given back, a success after failures) waits for the next round trip:
    this process's next take, or GIVE_AFTER. A failure is sent at once, before the leases it goes with,
    so a worker that gets the freed lease also sees the failure.
    """

    def __init__(self, url: str, limit: int, ttl: float, worker: str, breakers: str, breaker_at: int):
        import redis  # only a distributed worker needs it

        self.server = redis.Redis.from_url(url)
        self.limit = limit
        self.ttl = ttl
        self.prefix = f"{worker}:{id(self):x}"
        self.breakers = breakers
        self.breaker_at = breaker_at
        self._take = self.server.register_script(_TAKE)
        self._failed = self.server.register_script(_FAILED)
        self.scripts = (self._take, self._failed)
        load(self.server, *self.scripts)
        self.given: dict[str, list[str]] = {}
        """Leases given back, not yet removed in Redis: host key → leases."""
        self.told: list[tuple[Callable[[Pipeline], object], Callable[[Any], None]]] = []
        """Breaker updates not yet sent, each with what to do with its answer."""
        self._giving: DelayedCall | None = None
        self.waiting: dict[str, list[_Ask]] = {}
        """Requests waiting for one of a host's leases, in line: the first asks, for as many as may find a lease,
        when this process gives a lease back and at each poll."""
        self.polling: dict[str, DelayedCall] = {}
        self.free: dict[str, int] = {}
        """Each host's leases free after this process's last take, as Redis counted them."""
        """Each host's one timer for asking Redis again while all its leases are taken."""
        self._hold = self.server.register_script(_HOLD)
        # The take script's keys and arguments as bytes, the ones that never change made once: redis-py
        # encodes every argument of every call in Python, and bytes take its shortest way.
        self._keys: dict[str, list[bytes]] = {}
        self._constants = [str(v).encode() for v in (limit, ttl, worker_key(""), self.prefix, WAITING)]
        self._breaker_at = str(breaker_at).encode()

    @staticmethod
    def keys(host: str) -> tuple[str, str, str]:
        return f"gapcheck:host:{host}:leases", f"gapcheck:host:{host}:pace", f"gapcheck:host:{host}:waiting"

    def lease(self, request: Request) -> str:
        return f"{self.prefix}-{id(request)}"

    async def take(self, host: str, interval: float, request: Request, this_pass: int, let_by: bool) -> Turn:
        """When `request` may be sent, once it holds one of the host's leases; or the breaker's reason to stop it."""
        ask = _Ask([self.lease(request).encode(), repr(interval).encode(), b"%d" % this_pass, b"1" if let_by else b"0"])
        line = self.waiting.setdefault(host, [])
        if line:  # behind this process's others: the first in line asks for it too
            await self._in_line(host, ask, first=False)
        while ask.turn is None:
            # As many as may find a lease: those Redis last said were free, and those this process gives back
            # in this round trip. A poll while all are taken asks for one: asking for the whole line each time
            # cost more than the round trips it saved.
            room = self.free.get(host, self.limit) + len(self.given.get(self.keys(host)[0], ()))
            asked = [ask, *line[: max(0, min(room, self.limit) - 1)]]
            answer = self._with_pending(partial(self._ask, host=host, asked=asked))
            free, turns = int(answer[0]), answer[1:]
            self.free[host] = free
            for at, other in enumerate(asked):
                wait = float(turns[4 * at])
                if wait < 0:
                    break
                other.turn = Turn(wait, _text(turns[4 * at + 1]), int(turns[4 * at + 2]), int(turns[4 * at + 3]))
                if other is not ask:
                    line.remove(other)
                    other.woken.callback(None)
            if ask.turn is None:
                await self._in_line(host, ask, first=True)
            elif free and line:
                self._next(host)  # leases left for those in line past the ones asked for
        return ask.turn

    def _ask(self, pipe: Pipeline, *, host: str, asked: list[_Ask]) -> object:
        """Queues the take script for the `asked` requests, in line order (the first leases go to the first)."""
        keys = self._keys.get(host)
        if keys is None:
            keys = self._keys[host] = [k.encode() for k in (*self.keys(host), self.breakers)]
        args = [*self._constants, host.encode(), self._breaker_at]
        for one in asked:
            args += one.args
        return pipelined(pipe, self._take, keys, args)

    async def _in_line(self, host: str, ask: _Ask, first: bool) -> None:
        """Waits until this process gives one of the host's leases back, for the host's next poll, or until the
        first in line took a lease for it too.

        Only the first in line asks Redis again, once per poll, for as many in line as may find a lease: every
        waiting request polling on its own cost 4 round trips per request sent (a worker holds twice its share
        of the leases), and one asking after the other, one round trip each."""
        line = self.waiting.setdefault(host, [])
        ask.woken = defer.Deferred()
        line.insert(0 if first else len(line), ask)
        polling = self.polling.get(host)
        if polling is None or not polling.active():
            self.polling[host] = running_reactor().callLater(LEASE_POLL, self._next, host)
        try:
            await maybe_deferred_to_future(ask.woken)
        except BaseException:  # cancelled: no lease is taken for it, nor is it woken
            if ask in line:
                line.remove(ask)
            raise

    def _next(self, host: str) -> None:
        line = self.waiting.get(host)
        if line:
            line.pop(0).woken.callback(None)

    def breaker(self, host: str) -> tuple[str, int, int]:
        """The host's breaker as Redis has it now: (reason it is open, the pass it opened in, failures in a row)."""
        reason, opened, failures = self._with_pending(
            lambda pipe: pipe.hmget(self.breakers, [f"{host} open", f"{host} pass", f"{host} failures"])
        )
        return _text(reason), int(opened or 0), int(failures or 0)

    def failed(self, host: str, reason: str, this_pass: int, then: Callable[[int, bool], None]) -> None:
        """Counts a failure of `host`; `then(failures, opened)` once Redis has counted it."""

        def send(pipe: Pipeline) -> object:
            return pipelined(pipe, self._failed, [self.breakers], [host, self.breaker_at, reason, this_pass])

        self.told.append((send, lambda answer: then(int(answer[0]), bool(int(answer[1])))))
        # At once, with the lease the failed request gave back (both go in this round trip, the failure
        # first): a worker that took the lease within GIVE_AFTER did not see the failure, and with a
        # dead host answering at once the workers asked it 22 times where one process asks 15.
        self.flush()

    def answered(self, host: str) -> None:
        """A host with failures counted answered: its failures in a row are over."""
        self.told.append((lambda pipe: pipe.hset(self.breakers, f"{host} failures", 0), lambda answer: None))
        self._soon()

    def give(self, host: str, request: Request) -> None:
        self.given.setdefault(self.keys(host)[0], []).append(self.lease(request))
        self._soon()
        self._next(host)

    def _soon(self) -> None:
        # Sent with this process's next take, or within GIVE_AFTER for the other workers' sake.
        if self._giving is None or not self._giving.active():
            self._giving = running_reactor().callLater(GIVE_AFTER, self.flush)

    def flush(self) -> None:
        if self.given or self.told:
            run(self.server, self.scripts, self._pending)

    def _with_pending(self, ask: Callable[[Pipeline], object]) -> Any:
        """The answer to what `ask` queues, sent with what waits to be told in the same round trip."""

        def build(pipe: Pipeline) -> Callable[[list[Any]], Any]:
            sent = self._pending(pipe)
            ask(pipe)

            def answer(answers: list[Any]) -> Any:
                sent(answers[:-1])
                return answers[-1]

            return answer

        return run(self.server, self.scripts, build)

    def _pending(self, pipe: Pipeline) -> Callable[[list[Any]], None]:
        """Queues the breaker updates and leases given back; what to do once they were sent. They are
        forgotten only then: after a NOSCRIPT the same ones go again."""
        told = list(self.told)
        for send, _ in told:
            send(pipe)
        for key, leases in self.given.items():
            pipe.zrem(key, *leases)

        def sent(answers: list[Any]) -> None:
            del self.told[: len(told)]
            self.given = {}
            _hear([then for _, then in told], answers)

        return sent

    def hold(self, host: str, seconds: float, interval: float) -> None:
        # Each worker's learned interval recovers on its own; the shared one just lapses after a calm minute.
        self._hold(keys=[self.keys(host)[1]], args=[seconds, interval, SHARED_SLOW_SECONDS])


def _hear(heard: list[Callable[[Any], None]], answers: list[Any]) -> None:
    for then, answer in zip(heard, answers, strict=False):
        then(answer)


def _text(value: bytes | str | None) -> str:
    return value.decode() if isinstance(value, bytes) else value or ""


def retry_after(value: bytes | None, now: dt.datetime | None = None) -> float | None:
    """Seconds a Retry-After header asks for: delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


class Politeness:
    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.stats = crawler.stats
        self.user_agent = settings.get("USER_AGENT")
        self.delay_max = settings.getfloat("GAPCHECK_CRAWL_DELAY_MAX")
        self.wait_max = settings.getfloat("GAPCHECK_RETRY_AFTER_MAX")
        self.wait_default = settings.getfloat("GAPCHECK_RETRY_AFTER_DEFAULT")
        self.wait_times = settings.getint("GAPCHECK_RETRY_AFTER_TIMES")
        self.breaker_at = settings.getint("GAPCHECK_BREAKER_FAILURES")
        self.slow_delay = settings.getfloat("GAPCHECK_SLOW_PASS_DELAY")
        self.retry_wait = settings.getfloat("GAPCHECK_RETRY_WAIT")
        # A distributed worker leaves Scrapy's delay at 0 (it is kept per process) and holds the configured
        # one here, for all workers together: the floor of every host's interval either way.
        self.floor = settings.getfloat("GAPCHECK_SHARED_DELAY") or settings.getfloat("DOWNLOAD_DELAY")
        self.per_host = settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
        self.private_ok = settings.getbool("GAPCHECK_PRIVATE_REDIRECTS")
        self.reach: dict[str, Reach] = {}
        self.aliases: dict[str, str] = settings.getdict("GAPCHECK_ALIASES")
        """Production host → its alias's base URL: the alias's address is the one connected to."""
        self.hosts: dict[str, Host] = {}
        self.holding: dict[int, tuple[str, Host]] = {}
        """id(request) → its host, for the requests that hold a place at their host's gate."""
        shared = settings.get("GAPCHECK_REDIS_URL")
        self.shared = (
            SharedPace(
                shared,
                self.per_host,
                settings.getfloat("DOWNLOAD_TIMEOUT") * 3 + 60,
                settings.get("GAPCHECK_WORKER"),
                JobKeys(settings.get("GAPCHECK_JOB")).breakers,
                self.breaker_at,
            )
            if shared
            else None
        )
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(self.robots_received, signal=signals.bytes_received)
        crawler.signals.connect(self.stop_asking, signal=STOP_ASKING)
        self.stopped = False
        self.sleeping: set[defer.Deferred[Any]] = set()
        """Requests waiting for their host's gate or their turn: a stopped crawl sends none of them."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Politeness:
        return cls(crawler)

    def host(self, key: str) -> Host:
        state = self.hosts.get(key)
        if state is None:
            # The configured delay is a floor, as a Crawl-delay is: Scrapy's own delay is randomized to 0.5-1.5
            # times it, which let a third of the gaps fall short of what the profile promises the portal.
            state = self.hosts[key] = Host(
                gate=defer.DeferredSemaphore(self.per_host), interval=self.floor, base=self.floor
            )
        return state

    def stop_asking(self) -> None:
        self.stopped = True
        for waiting in list(self.sleeping):
            waiting.cancel()

    async def _until(self, waiting: defer.Deferred[Any], request: Request) -> None:
        """Waits for `waiting`, unless the crawl is stopped first (spiders/stopping.py)."""
        self.sleeping.add(waiting)
        try:
            await maybe_deferred_to_future(waiting)
        except defer.CancelledError:
            raise unasked(request) from None
        finally:
            self.sleeping.discard(waiting)

    async def _sleep(self, seconds: float, request: Request) -> None:
        from twisted.internet import reactor  # the running one: importing it early would install the default

        await self._until(task.deferLater(reactor, seconds, lambda: None), request)

    def _release(self, request: Request) -> None:
        """Gives back the request's place at its host's gate (and its shared lease), once only."""
        held = self.holding.pop(id(request), None)
        if held is not None:
            held[1].gate.release()
            if self.shared is not None:
                self.shared.give(held[0], request)

    # -- robots.txt -------------------------------------------------------------------------

    def robots_received(self, data: bytes, request: Request, spider: Spider | None = None) -> None:
        """Stops reading a robots.txt past ROBOTS_TXT_MAX: what came so far is parsed (fail=False)."""
        if not _robots(request):
            return
        read = request.meta[_ROBOTS_READ] = request.meta.get(_ROBOTS_READ, 0) + len(data)
        if read >= ROBOTS_TXT_MAX:
            raise StopDownload(fail=False)

    def robots_parsed(self, robotparser: RobotParser, request: Request) -> None:
        delay = robotparser.crawl_delay(self.user_agent)
        if not delay:
            return
        key = urlparse_cached(request).netloc.lower()
        state = self.host(key)
        state.base = max(min(float(delay), self.delay_max), self.floor)
        state.interval = max(state.interval, state.base)
        self.stats.set_value(f"politeness/crawl_delay/{key}", float(delay))

    # -- requests ---------------------------------------------------------------------------

    async def process_request(self, request: Request) -> None:
        chain = request.meta.get("redirect_urls")
        if chain and not self.private_ok:
            origin, target = urlsplit(chain[0]).hostname or "", urlparse_cached(request).hostname or ""
            if origin != target and await self._reach(target) > await self._reach(origin):
                raise IgnoreRequest(PRIVATE_REDIRECT + target)  # the spider records the host it led to
        if self.stopped:
            raise unasked(request)
        # Once per retry (RetryMiddleware counts them): its redirects and 429 waits carry the count on.
        tries = request.meta.get("retry_times", 0)
        if tries > request.meta.get(_RETRY_WAITED, 0) and self.retry_wait > 0:
            request.meta[_RETRY_WAITED] = tries
            await self._sleep(self.retry_wait, request)
        key = urlparse_cached(request).netloc.lower()
        state = self.host(key)
        this_pass = request.meta.get(PASS, 1)
        await self._until(state.gate.acquire(), request)
        if self.stopped:  # the gate was free: still, nothing more is sent
            state.gate.release()
            raise unasked(request)
        let_by = this_pass > 1 and bool(request.meta.get(OWN_PAGE))
        if _stops(state, this_pass, let_by):  # in a distributed crawl too: an open breaker stays open in its pass
            state.gate.release()
            raise IgnoreRequest(CIRCUIT_OPEN + state.open_reason)
        interval = max(state.interval, self.slow_delay) if this_pass > 1 else state.interval
        if self.shared is not None:
            self.holding[id(request)] = (key, state)  # from here, the shared lease is held too
            turn = await self.shared.take(key, interval, request, this_pass, let_by)
            state.failures = turn.failures
            if turn.stopped:  # opened by another worker (the script took no lease)
                del self.holding[id(request)]
                state.gate.release()
                state.open_reason, state.open_pass = turn.stopped, turn.opened
                raise IgnoreRequest(CIRCUIT_OPEN + turn.stopped)
            if not let_by:
                state.open_reason = ""  # closed, or half-open for this pass (in Redis, by the script)
            wait = turn.wait
        else:
            if state.open_reason and not let_by:
                # Half-open: the second pass tries again; one more overload answer opens it for good.
                state.open_reason, state.failures = "", self.breaker_at - 1
            now = monotonic()
            start = max(now, state.next_start)
            state.next_start = start + interval
            wait = start - now
            self.holding[id(request)] = (key, state)  # released once its outcome is judged
        if self.shared is None:
            # A timer fires late when the reactor was busy (a store write, other portals' pages): counted from
            # when the last request really left, not from when it was meant to.
            wait = max(wait, state.last_start + interval - monotonic())
        while wait > 0:
            try:
                await self._sleep(wait, request)
            except IgnoreRequest:
                self._release(request)  # never sent: its place at the gate goes back
                raise
            # Judged again when it is sent, not only when its turn was given: the breaker may have opened
            # while it waited (a slow second pass gave every waiting target of a dead host its try).
            if self.shared is not None and state.failures:
                # Only a host with failures is asked again: a healthy one costs no round trip.
                reason, opened, state.failures = self.shared.breaker(key)
                if reason:
                    state.open_reason, state.open_pass = reason, opened
            if _stops(state, this_pass, let_by):
                self._release(request)
                raise IgnoreRequest(CIRCUIT_OPEN + state.open_reason)
            wait = state.last_start + interval - monotonic() if self.shared is None else 0
        state.last_start = monotonic()
        return None

    async def _reach(self, host: str) -> Reach:
        if host not in self.reach:
            target = urlsplit(self.aliases[host]).hostname or host if host in self.aliases else host
            self.reach[host] = reach_of(await maybe_deferred_to_future(threads.deferToThread(addresses, target)))
        return self.reach[host]

    # The place at the gate goes back once the outcome is judged, not when the request leaves the downloader
    # (Scrapy says so before any middleware sees the response): a request woken by the place freed, here or
    # in another worker, must find the failure already counted, or a dead host is asked once more per place.
    # This middleware sits nearest the downloader, so that every outcome comes here first.

    def process_response(self, request: Request, response: Response) -> Request | Response:
        try:
            return self._answered(request, response)
        finally:
            self._release(request)

    def process_exception(self, request: Request, exception: Exception) -> None:
        try:
            if request.meta.get("playwright"):  # a browser's failure, before RenderMiddleware (540) names it
                exception = scrapy_error(exception) or exception
            # A TLS failure also arrives as DownloadFailedError; it is a definite answer, not overload.
            if isinstance(exception, _OVERLOAD_ERRORS) and "SSL" not in repr(exception):
                key = urlparse_cached(request).netloc.lower()
                self._failed(self.host(key), key, request, _short(exception))
        finally:
            self._release(request)

    def _answered(self, request: Request, response: Response) -> Request | Response:
        key = urlparse_cached(request).netloc.lower()
        state = self.host(key)
        status = response.status
        asked = retry_after(response.headers.get(b"Retry-After")) if status in (429, 503) else None
        if status == 429 or asked is not None:
            wait = asked if asked is not None else self.wait_default
            self.stats.inc_value(f"politeness/throttled/{key}")
            waits = request.meta.get("gapcheck_waits", 0)
            if wait <= self.wait_max and waits < self.wait_times:
                now = monotonic()
                state.next_start = max(state.next_start, now + wait)
                if now >= state.calm_at and waits == 0:
                    # Whatever rate the server put up with before was too fast: halve it, once per burst
                    # (the other requests of the same burst answer 429 too and say nothing new, and a
                    # URL that keeps answering 429 after waiting is limited on its own, not the host).
                    state.interval = min(max(state.interval * 2, self.floor, LEAST_INTERVAL), self.delay_max)
                    state.calm_at = now + wait + state.interval
                    self.stats.set_value(
                        f"politeness/interval/{key}",
                        max(state.interval, self.stats.get_value(f"politeness/interval/{key}", 0)),
                    )
                if self.shared is not None:
                    self.shared.hold(key, wait, state.interval)
                waited = f"politeness/waited/{key}"  # seconds: inc_value is for whole counts
                self.stats.set_value(waited, self.stats.get_value(waited, 0) + wait)
                again = request.replace(dont_filter=True)
                again.meta["gapcheck_waits"] = waits + 1
                again.priority = request.priority + 1
                return again
            request.meta[THROTTLED] = wait
            request.meta["dont_retry"] = True  # waited already: Scrapy's retry of a 503 would ask at once
            self._failed(state, key, request, f"HTTP {status}", last=True)
            return response
        if status >= 500:
            self._failed(state, key, request, f"HTTP {status}")
        else:
            # A redirect is the front server's answer, not the page's: behind an http → https redirect a
            # backend answering 504 must still open the breaker.
            if _a_target(request) and not 300 <= status < 400:
                if state.failures and self.shared is not None:
                    self.shared.answered(key)
                state.failures = 0
            # A host that answers again is sped up slowly (the limit found is lost after ~25 answers, not
            # at once), never below its Crawl-delay.
            if state.interval > state.base and status < 400:
                state.interval = max(state.base, state.interval * RECOVERY)
        return response

    def _failed(self, state: Host, key: str, request: Request, what: str, last: bool = False) -> None:
        if not _a_target(request):
            return
        if not last and request.meta.get("retry_times", 0) > 0:
            # Scrapy's retries come after every first attempt: counting them would trip the breaker only
            # once the crawl is over. Counted are different URLs failing in a row.
            return
        this_pass = request.meta.get(PASS, 1)
        if self.shared is not None:
            # Counted in Redis with every worker's failures; this process learns the count with the answer.
            reason = _opening(self.breaker_at, what)

            def counted(failures: int, opened: bool) -> None:
                state.failures = failures
                if opened:
                    self._opened(state, key, reason, this_pass)

            state.failures += 1  # until Redis answers: a success meanwhile must reset the shared count
            self.shared.failed(key, reason, this_pass, counted)
            return
        state.failures += 1
        if state.failures >= self.breaker_at and not state.open_reason:
            self._opened(state, key, _opening(state.failures, what), this_pass)

    def _opened(self, state: Host, key: str, reason: str, this_pass: int) -> None:
        state.open_reason, state.open_pass = reason, this_pass
        self.stats.set_value(f"politeness/circuit_open/{key}", reason)


def _a_target(request: Request) -> bool:
    """One of the site's URLs, which the breaker counts: not a robots.txt, not a probe. In a distributed crawl
    every worker asks a host's robots.txt itself, whenever it first meets the host: its answer ended the run
    of failures the other workers had counted, and a dead host was asked 19 times where one process asks 12."""
    return request.meta.get("gapcheck") != Role.PROBE and not _robots(request)


def _robots(request: Request) -> bool:
    """A host's robots.txt, asked by Scrapy's RobotsTxtMiddleware (no other request carries its mark), or where
    it redirected."""
    if not request.meta.get("dont_obey_robotstxt"):
        return False
    first = (request.meta.get("redirect_urls") or [request.url])[0]
    return urlsplit(first).path == "/robots.txt"


def _stops(state: Host, this_pass: int, let_by: bool) -> bool:
    """The breaker stops a request: open in this pass (a later pass tries the host again)."""
    return bool(state.open_reason) and not let_by and this_pass <= state.open_pass


def _opening(failures: int, what: str) -> str:
    """The breaker's reason, for the crawl-health report."""
    return f"该主机连续 {failures} 次请求失败（最近一次：{what}），已停止向其发送请求"


def _short(exception: Exception) -> str:
    if isinstance(exception, (DownloadTimeoutError, tx_error.TimeoutError, tx_error.TCPTimedOutError)):
        return "超时"
    return "连接中断"
