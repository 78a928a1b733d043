"""The shared frontier of a distributed crawl: scrapy-redis's queue and duplicate filter, with leases.

scrapy-redis pops a request off the shared queue and forgets it: a worker killed while the request
is downloading loses it. Here a pop moves the request into the job's `inflight` hash under a lease
(`worker:n`) in one Redis script, and the worker ends the lease in the same script that records what
the answer gave (items, new requests, the seen-set): either all of it happened or none of it, and a
request whose worker stopped sending heartbeats goes back on the queue (`requeue_orphans`).

The Redis keys it uses are named in spiders/redis_keys.py.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from scrapy import Request
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue

from . import wire
from .redis_keys import JobKeys, worker_key
from .redis_scripts import load, pipelined, run

if TYPE_CHECKING:
    from redis.client import Pipeline

LEASE = "gapcheck_lease"
"""Request meta: the lease under which this worker holds the request."""
LINK = "gapcheck_link"
"""Request meta, never stored: the request is a link target, to be queued only if no worker has seen it."""


_DUPES = RFPDupeFilter(server=None, key="")
"""Only asked for fingerprints, which need no server: the one the workers' scheduler uses (DUPEFILTER_CLASS)."""


class _Get(NamedTuple):
    """What the filter's fingerprint reads of a request: its method, its URL (canonicalized there, so that a
    Request's escaping changes nothing) and its body. A Request would cost the URL checked and escaped once
    more for every link target a worker queues."""

    url: str
    method: str = "GET"
    body: bytes = b""


def fingerprint(url: str) -> str:
    """scrapy-redis RFPDupeFilter's fingerprint of a GET of `url`, so that J:dupefilter is that filter's set
    (a link check's HEAD too: the set holds the URLs queued, whatever they are asked with)."""
    return _DUPES.request_fingerprint(_Get(url))


_POP = """
-- KEYS: requests, inflight; ARGV: lease prefix, first lease number, how many
local r = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[3]) - 1)
if #r == 0 then return r end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, #r - 1)
for i, data in ipairs(r) do redis.call('HSET', KEYS[2], ARGV[1] .. (tonumber(ARGV[2]) + i - 1), data) end
return r
"""
PREFETCH = 4
"""Requests a worker takes from the shared queue at once (each under its own lease): fewer round trips,
while the queue is still shared finely enough that a second worker finds work at the start."""

_SETTLE = """
-- KEYS: requests, dupefilter, inflight, items, retry, pages, state
-- ARGV: lease, max_pages, n_items, items..., n_retry, retry..., n_requests, (fp, score, is_page, data)...
if redis.call('GET', KEYS[7]) ~= 'crawling' then return 0 end  -- over or given up: nothing to add to
local i = 3
local n = tonumber(ARGV[i])
for k = 1, n do redis.call('RPUSH', KEYS[4], ARGV[i + k]) end
i = i + n + 1
n = tonumber(ARGV[i])
for k = 1, n do redis.call('RPUSH', KEYS[5], ARGV[i + k]) end
i = i + n + 1
n = tonumber(ARGV[i])
local limited = 0
for k = 0, n - 1 do
  local fp, score, page, data = ARGV[i + 1 + 4 * k], ARGV[i + 2 + 4 * k], ARGV[i + 3 + 4 * k], ARGV[i + 4 + 4 * k]
  if fp == '' or redis.call('SADD', KEYS[2], fp) == 1 then
    if page == '1' and fp ~= '' and redis.call('INCR', KEYS[6]) > tonumber(ARGV[2]) then
      limited = limited + 1
    else
      redis.call('ZADD', KEYS[1], score, data)
    end
  end
end
if ARGV[1] ~= '' then redis.call('HDEL', KEYS[3], ARGV[1]) end
return limited
"""

_PUSH = """
if redis.call('GET', KEYS[2]) == 'crawling' then redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2]) end
"""

_REQUEUE = """
if redis.call('HDEL', KEYS[1], ARGV[1]) == 1 then redis.call('ZADD', KEYS[2], 0, ARGV[2]) return 1 end
return 0
"""


class LeasedQueue(PriorityQueue):
    """scrapy-redis's priority queue whose pop leaves the request leased to this worker until settled."""

    def __init__(self, server, spider, key, serializer=wire):
        super().__init__(server, spider, key, serializer)
        self.keys = JobKeys(self.key.split(":")[2])
        self.worker = spider.worker
        self.taken = 0
        self.fetched: deque = deque()
        """Requests taken (and leased) but not yet handed to Scrapy."""
        self._pop = server.register_script(_POP)
        self._push = server.register_script(_PUSH)

    def push(self, request):
        """A redirect or retry of a request being worked on (new links go through Settler)."""
        self._push(keys=[self.key, self.keys.state], args=[-request.priority, self._encode_request(request)])

    def __len__(self):
        return len(self.fetched) + super().__len__()

    def pop(self, timeout=0):
        if not self.spider.prepared:
            # Its verdicts need what `prepare` learns (whether names resolve here, how the host answers a
            # missing page): a request answered before then is judged unlike the same one in one process.
            return None
        while True:
            if not self.fetched:
                first = self.taken + 1
                taken = self._pop(keys=[self.key, self.keys.inflight], args=[f"{self.worker}:", first, PREFETCH])
                self.taken += len(taken)
                self.fetched.extend((f"{self.worker}:{first + i}", data) for i, data in enumerate(taken))
            if not self.fetched:
                return None
            lease, data = self.fetched.popleft()
            try:
                request = self._decode_request(data)
                break
            except wire.Rejected as exc:
                # Not a request this crawl queued: dropped (its lease too, or it would come back forever).
                self.server.hdel(self.keys.inflight, lease)
                if not self.spider.rejected:
                    self.spider.say(wire.rejected_words(self.key, str(exc)))
                self.spider.rejected += 1
        earlier = request.meta.get(LEASE)
        request.meta[LEASE] = lease
        if earlier:
            # A redirect or retry of a request this or another worker held: the follow-up is what is
            # held now, so the first lease is over.
            self.server.hdel(self.keys.inflight, earlier)
        return request

    def _encode_request(self, request) -> bytes:
        return wire.encode_request(request)

    def _decode_request(self, encoded_request) -> Request:
        return wire.decode_request(encoded_request, self.spider)

    def encode(self, request) -> bytes:
        return self._encode_request(request)


SETTLE_BATCH = 8
"""Answers whose settle scripts go to Redis in one round trip (each still atomic on its own)."""


class Settler:
    """Records, in one Redis script per answer, everything the answer gave and ends its lease.

    Scripts wait here for a batch (or for `flush`, which the worker calls within milliseconds): until
    then the lease is held, so a worker killed in between loses nothing, its answers are asked again.
    """

    def __init__(self, server, keys: JobKeys, queue: LeasedQueue, max_pages: int):
        self.server = server
        self.keys = keys
        self.queue = queue
        self.max_pages = max_pages
        self._settle = server.register_script(_SETTLE)
        load(server, self._settle)
        self.pending: list[list[Any]] = []

    def flush(self) -> int:
        """Sends the waiting scripts; how many pages over max_pages were not queued."""
        if not self.pending:
            return 0
        keys = [
            self.keys.requests,
            self.keys.dupefilter,
            self.keys.inflight,
            self.keys.items,
            self.keys.retry,
            self.keys.pages,
            self.keys.state,
        ]

        def build(pipe: Pipeline) -> Callable[[list[Any]], int]:
            for args in self.pending:
                pipelined(pipe, self._settle, keys, args)
            return lambda answers: sum(int(n) for n in answers)

        limited = run(self.server, (self._settle,), build)
        self.pending = []
        return limited

    def settle(self, lease: str, items: list[Any], requests: list, retry: list) -> bool:
        """Queues the script for one answer; True when a batch is full and should be flushed."""
        # Bytes, not str and int: redis-py would encode each argument in Python, and a page brings dozens.
        args: list[bytes] = [(lease or "").encode(), b"%d" % self.max_pages, b"%d" % len(items)]
        args += [wire.encode_item(item) for item in items]
        args.append(b"%d" % len(retry))
        args += [self.queue.encode(r) for r in retry]
        args.append(b"%d" % len(requests))
        for request in requests:
            link = request.meta.pop(LINK, None)
            args += [
                fingerprint(request.url).encode() if link else b"",
                b"%d" % -request.priority,
                b"1" if link == "page" else b"0",
                self.queue.encode(request),
            ]
        self.pending.append(args)
        return len(self.pending) >= SETTLE_BATCH


def requeue_orphans(server, held: dict[JobKeys, list[bytes]]) -> int:
    """Puts back on their queues the requests held by workers whose heartbeat stopped; how many. `held`: each
    job's lease names (`inflight`'s keys), as the coordinator read them.

    Called several times a second for every running crawl: one round trip asks for all the workers named."""
    workers = sorted({lease.rsplit(b":", 1)[0] for leases in held.values() for lease in leases})
    if not workers:
        return 0
    pipe = server.pipeline(transaction=False)
    for worker in workers:
        pipe.exists(worker_key(worker.decode()))
    dead = {worker for worker, alive in zip(workers, pipe.execute(), strict=True) if not alive}
    requeued = 0
    for keys, leases in held.items():
        orphans = [lease for lease in leases if lease.rsplit(b":", 1)[0] in dead]
        if not orphans:
            continue
        script = server.register_script(_REQUEUE)
        for lease, data in zip(orphans, server.hmget(keys.inflight, orphans), strict=False):
            if data is not None:  # settled meanwhile
                requeued += int(script(keys=[keys.inflight, keys.requests], args=[lease, data]))
    return requeued
