"""Distributed crawls over scrapy-redis: `gapcheck worker` processes, and the coordinator that owns the store.

The coordinator (`gapcheck check URL --redis R`, `gapcheck batch SITES --redis R`) queues each site's
start page in Redis, then stores what the workers send back, puts lost work back on the queue, asks
the undecided targets a second time once the first pass is done, and declares the crawl over when
nothing is queued, held or waiting to be stored. Checks and reports then run here, once, over the
store: the SQLite file never leaves the coordinator's machine. Workers join and leave at any time.

Redis keys and the lease protocol: spiders/frontier.py.
"""

from __future__ import annotations

import os
import secrets
import socket
import sys
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pydantic import TypeAdapter
from typing_extensions import TypedDict

from core.errors import ConfigError
from core.model import CertificateNote, CrawlStats, LinkCheck, Page, TrapNote
from core.redaction import redact
from core.urls import scope_key
from spiders.certificate import inspect as inspect_certificate
from spiders.frontier import fingerprint, requeue_orphans
from spiders.redis_keys import HEARTBEAT, JOBS, WORKER_TTL, JobKeys, worker_key
from spiders.wire import Note, Rejected, decode_item, decode_note, rejected_total, rejected_words, validate

from .cli_words import ERROR, WORKER
from .crawl_request import CrawlRequest
from .crawl_setup import host_notes, scrapy_settings
from .interrupts import interrupts
from .profile import CrawlOptions
from .store import Store

if TYPE_CHECKING:
    from redis import Redis
    from twisted.python.failure import Failure

    from .workers import Counted

DRAIN = 500
"""Items taken from Redis and written to the store in one transaction."""
POLL = 0.2
"""Seconds between the coordinator's looks at Redis while no whole batch of items waits."""
NO_WORKER_NOTICE = 15.0
"""Seconds without any worker before the coordinator says how to start one."""
COORDINATOR_TTL = 30
"""Seconds after the coordinator's last sign of life that workers give its crawls up (it was killed)."""
WORKER_HOLDS_PER_LEASE = 2
WORKER_HOLDS_MIN = 8
"""Requests a worker holds at once (its CONCURRENT_REQUESTS): twice a host's concurrency, at least 8 (the
external links it checks go to other hosts)."""
NOTES_WAIT = 10.0
"""Seconds the coordinator waits for the workers' crawl notes once a crawl is over."""
NOTES_POLL = 0.1
"""Seconds between the coordinator's looks while crawls' notes are awaited."""


def connect(url: str, option: str = "--redis") -> Redis:
    """A Redis client for `url`, or a ConfigError that says what to fix."""
    import redis

    try:
        server = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30, health_check_interval=30)
        server.ping()
    except ValueError as exc:
        raise ConfigError(ERROR["redis_url"].format(option=option, url=redact(url), reason=exc)) from None
    except redis.AuthenticationError:
        raise ConfigError(ERROR["redis_password"].format(option=option, url=redact(url))) from None
    except redis.RedisError as exc:
        raise ConfigError(ERROR["redis_unreachable"].format(option=option, url=redact(url), reason=exc)) from None
    return server


class _Config(TypedDict):
    """J:config: what a worker needs to join a crawl (not the whole CrawlRequest: its progress board and
    resume hint belong to the coordinator's terminal)."""

    url: str
    crawl: CrawlOptions
    run_id: int
    known: dict[str, LinkCheck]


_CONFIG = TypeAdapter(_Config)


def worker_settings(job: str, redis_url: str) -> dict[str, object]:
    keys = JobKeys(job)
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "SCHEDULER_QUEUE_CLASS": "spiders.frontier.LeasedQueue",
        "SCHEDULER_QUEUE_KEY": keys.requests,
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter,
        "SCHEDULER_SERIALIZER": "spiders.wire",  # scrapy-redis's default loads Python objects
        "SCHEDULER_PERSIST": True,  # a worker that leaves must not clear the queue the others work on
        "REDIS_URL": redis_url,
        "GAPCHECK_REDIS_URL": redis_url,
        "GAPCHECK_JOB": job,  # its circuit breakers are kept for all workers (spiders/politeness.py)
    }


# -- the coordinator -----------------------------------------------------------------------------


@dataclass
class _Job:
    index: int
    job: str
    request: CrawlRequest
    run_id: int
    certificate: Future[CertificateNote | None]
    keys: JobKeys = field(init=False)
    first_pass_over: bool = False
    """The targets the first pass could not decide are queued again (the workers count what they ask)."""
    rejected: Counter[str] = field(default_factory=Counter)
    """Payloads read from each key that were not data (said once per key)."""
    stored: int = 0
    """Pages stored so far."""
    joined: set[str] = field(default_factory=set)
    """Once the crawl is over: the workers that joined it, whose notes are awaited."""
    notes: list[Note] = field(default_factory=list)
    notes_until: float = 0.0
    """When the notes stop being waited for (a worker that died sends none)."""

    def __post_init__(self) -> None:
        self.keys = JobKeys(self.job)


def enqueue(server: Redis, request: CrawlRequest, run_id: int, known: dict[str, LinkCheck]) -> str:
    """Publishes one crawl for the workers: its options and its start page. Returns the job id."""
    from spiders.frontier import LeasedQueue
    from spiders.roles import Role
    from spiders.worker import WorkerSpider

    job = secrets.token_hex(6)
    keys = JobKeys(job)
    # A spider object only to build the start request as the workers' spiders would, and encode it.
    spider = WorkerSpider(request.url, job=job, worker="coordinator")
    start = spider._request(request.url, Role.PAGE, depth=0, referrer="")
    encoded = LeasedQueue(server, spider, keys.requests).encode(start)
    spider.seen.close()
    config: _Config = {"url": request.url, "crawl": request.crawl, "run_id": run_id, "known": known}
    pipe = server.pipeline(transaction=True)
    pipe.set(keys.config, _CONFIG.dump_json(config))
    pipe.set(keys.state, "crawling")
    pipe.set(keys.coordinator, "1", ex=COORDINATOR_TTL)
    pipe.sadd(keys.dupefilter, fingerprint(request.url))
    pipe.set(keys.pages, 1)
    pipe.execute_command("ZADD", keys.requests, 0, encoded)
    pipe.sadd(JOBS, job)
    pipe.execute()
    return job


def crawl_distributed(
    jobs: list[tuple[CrawlRequest, int]],
    store: Store,
    redis_url: str,
    done: Callable[[int, CrawlStats | BaseException], None] | None = None,
    say: Callable[[str], None] | None = None,
    counted: Counted | None = None,
) -> list[CrawlStats | BaseException]:
    """Crawls every job through the workers attached to Redis; stores the items as they arrive.
    `counted(i, stored, known)`: each loop turn, for each running job, its pages stored and those the
    workers queued so far (the batch's estimate of its end)."""
    say = say or (lambda text: print(text, file=sys.stderr))
    server = connect(redis_url)
    outcomes: list[CrawlStats | BaseException] = [RuntimeError("not crawled")] * len(jobs)
    certificates = ThreadPoolExecutor(4, thread_name_prefix="gapcheck-certificate")
    active: list[_Job] = []
    finishing: list[_Job] = []
    """Crawls over whose workers' notes are awaited."""
    for i, (request, run_id) in enumerate(jobs):
        known = store.fresh_external(request.crawl.external_cache_days)
        job_id = enqueue(server, request, run_id, known)
        active.append(_Job(i, job_id, request, run_id, certificates.submit(inspect_certificate, request.url)))
    lonely_since = time.monotonic()
    told = False
    # SIGTERM (systemd, kill) stops the coordinator like Ctrl-C: the workers are told, Redis is cleaned.
    with interrupts() as stop:
        try:
            while active or finishing:
                if stop.asked:
                    raise KeyboardInterrupt  # the signal handler's was lost (gapcheck/interrupts.py)
                busy, over = _turn(server, active, store, say, counted) if active else (False, [])
                for job in over:  # its workers are told, and their notes awaited beside the other crawls
                    active.remove(job)
                    _announce_end(server, job)
                    finishing.append(job)
                for job in _noted(server, finishing, say):
                    finishing.remove(job)
                    outcomes[job.index] = _finish(server, job, store, say)
                    if done is not None:
                        done(job.index, outcomes[job.index])
                if active and not _any_worker(server):
                    if not told and time.monotonic() - lonely_since > NO_WORKER_NOTICE:
                        say(ERROR["no_worker"].format(url=redact(redis_url)))
                        told = True
                else:
                    lonely_since = time.monotonic()
                if not busy:
                    time.sleep(NOTES_POLL if finishing else POLL)
        except BaseException:
            for job in active + finishing:  # stopped: tell the workers, and leave nothing behind in Redis
                server.set(job.keys.state, "stopped")
                _forget(server, job)
                store.interrupt_run(job.run_id)
            raise
        finally:
            certificates.shutdown(wait=False, cancel_futures=True)
    return outcomes


def _reject(job: _Job, key: str, exc: Rejected, say: Callable[[str], None]) -> None:
    if not job.rejected[key]:
        say(rejected_words(key, str(exc)))
    job.rejected[key] += 1


def _turn(
    server: Redis, active: list[_Job], store: Store, say: Callable[[str], None], counted: Counted | None
) -> tuple[bool, list[_Job]]:
    """One look at every running crawl in one round trip, whatever their number (a night's hundreds): the
    coordinator's sign of life, what waits to be stored, the leases held, whether anything is left. Then
    the items of those that have some are stored, and the leases of workers gone put back. Returns whether
    whole batches of items wait (look again at once), and the crawls over."""
    pipe = server.pipeline(transaction=True)  # one atomic look (an answer is recorded with its lease's end)
    for job in active:
        pipe.set(job.keys.coordinator, "1", ex=COORDINATOR_TTL)
        pipe.get(job.keys.pages)
        pipe.llen(job.keys.items)
        pipe.hkeys(job.keys.inflight)
        pipe.exists(job.keys.requests)
    answers = pipe.execute()
    busy = False
    held: dict[JobKeys, list[bytes]] = {}
    over: list[_Job] = []
    for n, job in enumerate(active):
        _, known, waiting, leases, queued = answers[5 * n : 5 * n + 5]
        if waiting:
            # Busy while whole batches wait: a few items at a time cost a round trip and a store
            # transaction each (the coordinator spent more CPU than a worker).
            busy |= _drain(server, job, store, say) >= DRAIN
        if leases:
            held[job.keys] = leases
        if counted is not None:
            counted(job.index, job.stored, _count(known))
        if not (waiting or leases or queued) and _passes_over(server, job):
            over.append(job)
    busy |= requeue_orphans(server, held) > 0
    return busy, over


def _drain(server: Redis, job: _Job, store: Store, say: Callable[[str], None]) -> int:
    pipe = server.pipeline(transaction=True)
    pipe.lrange(job.keys.items, 0, DRAIN - 1)
    pipe.ltrim(job.keys.items, DRAIN, -1)
    raw, _ = pipe.execute()
    return _store(job, raw, store, say)


def _store(job: _Job, raw: list[bytes], store: Store, say: Callable[[str], None]) -> int:
    """Stores a batch of items read from the job's list; how many there were."""
    if not raw:
        return 0
    items: list[Page | LinkCheck] = []
    for data in raw:
        try:
            items.append(decode_item(data))
        except Rejected as exc:
            _reject(job, job.keys.items, exc, say)
    pages = [item for item in items if isinstance(item, Page)]
    checks = [item for item in items if isinstance(item, LinkCheck)]
    store.add_crawled(job.run_id, pages, checks)  # one transaction: a page is never stored apart from its check
    job.stored += len(pages)
    return len(raw)


def _count(value: bytes | None) -> int:
    """A counter the workers keep in Redis, 0 when it is gone or not a number."""
    try:
        return int(value or 0)
    except ValueError:
        return 0


def _passes_over(server: Redis, job: _Job) -> bool:
    """The crawl has nothing left: over once its second pass is (the targets the first could not decide,
    queued again now)."""
    if job.first_pass_over:
        return True
    pipe = server.pipeline(transaction=True)
    pipe.lrange(job.keys.retry, 0, -1)
    pipe.delete(job.keys.retry)
    retry, _ = pipe.execute()
    job.first_pass_over = True
    if retry:
        server.zadd(job.keys.requests, {data: 0 for data in retry})
        return False
    return True


def _raw(value: bytes | str) -> bytes:
    """A reply of our clients, which never decode responses: redis-py types every reply as bytes or str."""
    assert isinstance(value, bytes), type(value)
    return value


def _any_worker(server: Redis) -> bool:
    return next(iter(server.scan_iter(match=worker_key("*"), count=100)), None) is not None


def _announce_end(server: Redis, job: _Job) -> None:
    """Tells the workers the crawl is over: each sends its crawl notes as it closes."""
    server.set(job.keys.state, "done")
    job.joined = {_raw(w).decode() for w in server.smembers(job.keys.workers)}
    job.notes_until = time.monotonic() + NOTES_WAIT


def _noted(server: Redis, finishing: list[_Job], say: Callable[[str], None]) -> list[_Job]:
    """The crawls whose notes are all in: every worker still alive that joined sent its own (or NOTES_WAIT is
    over). One round trip for all, however many crawls end together (a night's portals end in waves)."""
    if not finishing:
        return []
    workers = sorted(set().union(*(job.joined for job in finishing)))
    pipe = server.pipeline(transaction=True)
    for job in finishing:
        pipe.lrange(job.keys.notes, 0, -1)
        pipe.delete(job.keys.notes)
    for worker in workers:
        pipe.exists(worker_key(worker))
    answers = pipe.execute()
    alive = {worker for worker, up in zip(workers, answers[2 * len(finishing) :], strict=True) if up}
    now, noted = time.monotonic(), []
    for n, job in enumerate(finishing):
        for data in answers[2 * n]:
            try:
                job.notes.append(decode_note(_raw(data)))
            except Rejected as exc:
                _reject(job, job.keys.notes, exc, say)
        if job.joined & alive <= {note["worker"] for note in job.notes} or now > job.notes_until:
            noted.append(job)
    return noted


def _finish(server: Redis, job: _Job, store: Store, say: Callable[[str], None]) -> CrawlStats:
    notes = job.notes
    _drain(server, job, store, say)
    for key, count in job.rejected.items():
        if count > 1:
            say(rejected_total(key, count))
    _forget(server, job)
    opts = job.request.crawl
    scope = set().union(*(note.get("scope", ()) for note in notes))
    from spiders.portal import PortalSpider

    judge = PortalSpider(job.request.url, allowed_domains=opts.allowed_domains)
    judge.scope |= scope
    judge.seen.close()
    store.remember_external(job.run_id, lambda url: not judge.in_scope(url))
    politeness: dict = {}
    for note in notes:
        for key, value in note["politeness"].items():
            if isinstance(value, str):
                politeness.setdefault(key, value)
            elif "/throttled/" in key or "/waited/" in key:
                politeness[key] = politeness.get(key, 0) + value
            else:
                politeness[key] = max(politeness.get(key, 0), value)
    traps: dict[str, TrapNote] = {}
    for note in notes:  # the guard is shared (spiders/worker.py): each worker counted the URLs it left out
        for trap in note["traps"]:
            seen = traps.get(trap.kind)
            traps[trap.kind] = trap if seen is None else TrapNote(trap.kind, seen.count + trap.count, seen.example)
    return CrawlStats(
        pages=store.page_count(job.run_id),
        page_limit=opts.max_pages,
        page_limit_reached=any(note["page_limit_reached"] for note in notes),
        errors=sum(note["errors"] for note in notes),
        internal_errors=sum(note["internal_errors"] for note in notes),
        hosts=host_notes(politeness),
        reused=sum(note["reused"] for note in notes),
        # The tries made, as one process counts them: a target the breaker stopped was not asked again.
        second_pass=sum(note["second_pass"] for note in notes),
        certificate=job.certificate.result() if job.certificate.done() else None,
        traps=tuple(traps.values()),
        # Every worker asked the host for a missing page; one answer per host is enough to compare with.
        not_found=tuple({scope_key(n.url): n for note in notes if (n := note.get("not_found"))}.values()),
    )


def _forget(server: Redis, job: _Job) -> None:
    abandon(server, job.job, state=None)


def abandon(server: Redis, job: str, state: str | None = "stopped") -> None:
    """Removes a crawl's keys from Redis; its state stays a while, for workers still attached to read."""
    keys = JobKeys(job)
    pipe = server.pipeline(transaction=True)
    pipe.srem(JOBS, job)
    pipe.delete(*(key for key in keys.all() if key != keys.state))
    if state is not None:
        pipe.set(keys.state, state)
    pipe.expire(keys.state, 3600)
    pipe.execute()


# -- the worker ----------------------------------------------------------------------------------


def run_worker(
    redis_url: str, *, idle_exit: float | None = None, verbose: bool = False, say: Callable[[str], None] | None = None
) -> int:
    """Joins every crawl published in Redis until stopped (or idle for `idle_exit` seconds)."""
    say = say or (lambda text: print(text, file=sys.stderr))
    server = connect(redis_url)
    from scrapy.crawler import Crawler, CrawlerProcess
    from scrapy.utils.reactor import install_reactor
    from twisted.internet import task

    from spiders import settings as spider_settings
    from spiders.reactor import running_reactor
    from spiders.worker import WorkerSpider

    level = "INFO" if verbose else spider_settings.DEFAULTS["LOG_LEVEL"]
    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
    process = CrawlerProcess({"LOG_LEVEL": level})
    worker = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(2)}"
    running: dict[str, Crawler] = {}
    last_busy = [time.monotonic()]

    refused: set[str] = set()

    def join(job: str, config: _Config) -> None:
        request = CrawlRequest(config["url"], config["crawl"])
        # Not alone: a worker joins crawls side by side, and its own look at the start page would decide
        # for the other workers too; crawl.render: auto stays off (render: all still renders).
        settings = scrapy_settings(request, config["run_id"], alone=False)
        for key, value in worker_settings(job, redis_url).items():
            settings.set(key, value)
        # Scrapy's download delay (and AutoThrottle's) is kept per process, after the shared pace was
        # taken: it would let two workers' requests bunch up. The shared pace keeps the delay instead.
        settings.set("GAPCHECK_SHARED_DELAY", settings.getfloat("DOWNLOAD_DELAY"))
        settings.set("GAPCHECK_WORKER", worker)  # names its host leases: a killed worker's are freed at once
        # A worker's engine takes requests off the shared queue until CONCURRENT_REQUESTS are in its
        # downloader, most of them waiting for one of the host's few leases: 32 of them emptied the queue of
        # a small portal while the other workers found nothing to do.
        per_host = settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
        settings.set("CONCURRENT_REQUESTS", max(WORKER_HOLDS_PER_LEASE * per_host, WORKER_HOLDS_MIN))
        settings.set("DOWNLOAD_DELAY", 0)
        settings.set("AUTOTHROTTLE_ENABLED", False)
        crawler = Crawler(WorkerSpider, settings)
        opts = request.crawl
        server.sadd(JobKeys(job).workers, worker)
        deferred = process.crawl(
            crawler,
            start_url=request.url,
            job=job,
            worker=worker,
            allowed_domains=opts.allowed_domains,
            include=opts.include,
            exclude=opts.exclude,
            max_pages=opts.max_pages,
            max_depth=opts.max_depth,
            known=config["known"],
            say=say,
            dns_probe=opts.dns_probe,
            max_query_variants=opts.max_query_variants,
            external=opts.external,
        )
        running[job] = crawler
        say(WORKER["crawling"].format(worker=worker, url=redact(request.url), job=job))

        def left(result: Failure | None) -> None:
            running.pop(job, None)
            spider = getattr(crawler, "spider", None)
            rejected = getattr(spider, "rejected", 0)
            say(
                WORKER["left"].format(
                    worker=worker,
                    job=job,
                    requests=getattr(spider, "answered", 0),
                    pages=getattr(spider, "pages_done", 0),
                )
                + (WORKER["rejected"].format(n=rejected) if rejected else "")
            )
            return None

        deferred.addBoth(left)

    def beat() -> None:
        # Two round trips whatever the number of crawls (a night's hundreds, each joined by every worker).
        published = {_raw(raw).decode() for raw in server.smembers(JOBS)}
        watched = [*running, *sorted(published - running.keys())]
        pipe = server.pipeline(transaction=False)
        pipe.set(worker_key(worker), "1", ex=WORKER_TTL)
        for job in watched:
            pipe.exists(JobKeys(job).coordinator)
            pipe.get(JobKeys(job).state)
        looks = pipe.execute()[1:]
        for n, job in enumerate(watched):
            coordinated, crawling = looks[2 * n], looks[2 * n + 1] == b"crawling"
            crawler = running.get(job)
            if crawler is not None:
                if crawling and not coordinated:
                    # Its coordinator was killed without a word: nobody stores what this crawl finds.
                    say(WORKER["orphaned"].format(worker=worker, job=job))
                    abandon(server, job)
                    crawler.stop()
                continue
            if not crawling:
                continue
            if not coordinated:
                abandon(server, job)  # left behind by a coordinator that was killed
                continue
            data = server.get(JobKeys(job).config)
            if data is None or job in refused:
                continue
            try:
                config = validate(_CONFIG, _raw(data))
            except Rejected as exc:
                refused.add(job)  # said once: the heartbeat looks again every second
                say(rejected_words(JobKeys(job).config, str(exc)))
                continue
            join(job, config)
        if running:
            last_busy[0] = time.monotonic()
        elif idle_exit is not None and time.monotonic() - last_busy[0] > idle_exit:
            loop.stop()
            running_reactor().stop()

    loop = task.LoopingCall(beat)
    loop.start(HEARTBEAT)
    say(WORKER["attached"].format(worker=worker, url=redact(redis_url)))
    try:
        process.start(stop_after_crawl=False)
    finally:
        server.delete(worker_key(worker))
    return 0
