"""Runs the portal spider in this process and returns what it reports about the crawl."""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import signal
from collections.abc import Callable
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.utils.ossignal import install_shutdown_handlers
from twisted.internet.task import LoopingCall
from twisted.python.failure import Failure

from core.errors import CrawlInterrupted, GapcheckError, ScratchError, StoreError
from core.model import CrawlStats, Page
from core.redaction import redact
from core.urls import origin
from spiders import scratch
from spiders.portal import PortalSpider
from spiders.stopping import stop_asking

from . import admission
from .cli_words import ERROR
from .crawl_request import CrawlRequest, say_stopping, stopping_notice
from .crawl_setup import collect_less, host_notes, scrapy_settings
from .profile import CrawlOptions
from .report.labels import CLI
from .store import Store


class _Process(CrawlerProcess):
    """Scrapy's process with gapcheck's answer to Ctrl-C (and SIGTERM). The first stops every crawl taking new
    requests at once (spiders/stopping.py: Scrapy's own graceful stop sends all that were queued first, one
    Crawl-delay apart) and says so; a second stops now. Either way the store is consistent and resumable."""

    def __init__(self, settings: dict[str, Any], notice: str):
        super().__init__(settings)
        self.notice = notice
        self.stopping = False

    # Called in the signal handler: what they do is handed to the reactor, between two of its events (a store
    # transaction is never cut in half), and printing waits for it too (a stream may be mid-write here).
    def _signal_shutdown(self, signum: int, _: Any) -> None:
        from twisted.internet import reactor

        install_shutdown_handlers(self._signal_kill)
        reactor.callFromThread(self._stop_asking)

    def _signal_kill(self, signum: int, _: Any) -> None:
        from twisted.internet import reactor

        install_shutdown_handlers(signal.SIG_IGN)
        reactor.callFromThread(self._stop_now)

    def _stop_asking(self) -> None:
        self.stopping = True
        if self.notice:
            say_stopping(self.notice)
        for crawler in list(self.crawlers):
            stop_asking(crawler)
        self.stop().addBoth(self._stop_reactor)

    def _stop_now(self) -> None:
        self.stopping = True
        self._stop_reactor()


def crawl(request: CrawlRequest, store: Store, run_id: int) -> CrawlStats:
    """Crawls until done; Twisted's reactor runs once per process, so call this once."""
    outcome = crawl_many([(request, run_id)], store)[0]
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome


def crawl_many(
    jobs: list[tuple[CrawlRequest, int]],
    store: Store,
    parallel: int | None = None,
    done: Callable[[int, CrawlStats | BaseException], None] | None = None,
    batch: bool = False,
    started: Callable[[int, Crawler], None] | None = None,
    order: list[int] | None = None,
    notice: bool = True,
) -> list[CrawlStats | BaseException]:
    """Crawls several portals in this one process, each with its own settings, as many at once as the
    process has CPU and memory for (gapcheck/admission.py) and at most `parallel`.

    Different hosts are crawled side by side, each host politely. One crawl that fails leaves its
    exception in its place in the result and the others go on. `started(i, crawler)` is called as each
    starts, `done(i, outcome)` as each ends (stopped by Ctrl-C too). `order`: the jobs' indices in the order
    to start them (default: as listed). `batch`: part of a batch even when alone here (a worker of
    `batch --workers`): crawled as a batch does. `notice`: say so on Ctrl-C (a worker leaves it to the
    batch that started it, or each would).
    """
    if jobs and jobs[0][0].redis:
        from .distributed import crawl_distributed

        return crawl_distributed(jobs, store, jobs[0][0].redis, done)
    unfinished = RuntimeError("not crawled")
    outcomes: list[CrawlStats | BaseException] = [unfinished] * len(jobs)
    level = scrapy_settings(jobs[0][0], jobs[0][1]).get("LOG_LEVEL") if jobs else "CRITICAL"
    # Only process-wide settings here: Scrapy writes the process's settings over each crawler's own.
    process = _Process({"LOG_LEVEL": level}, stopping_notice(jobs) if notice else "")
    # Scrapy logs every response at DEBUG; with only the root handler filtering, each record is still
    # built. Setting the level on the loggers drops them before that.
    for name in ("scrapy", "twisted", "py.warnings"):
        logging.getLogger(name).setLevel(level)
    # Scrapy replaces its root handler as each crawler starts: redact where records are made instead.
    if not getattr(logging.getLogRecordFactory(), "redacts", False):
        logging.setLogRecordFactory(_redacting(logging.getLogRecordFactory()))
    waiting = list(range(len(jobs))) if order is None else list(order)
    frontiers: dict[int, tuple[str, int]] = {}
    scratch.sweep()  # what SIGKILLed crawls left in the temp folder

    admission.raise_file_limit()
    cap = min(admission.default_cap(len(jobs)), parallel or len(jobs) or 1)
    running: set[int] = set()

    def admit(meter: admission.CpuMeter) -> None:
        if process.stopping:
            return
        share, lag = meter.look()
        for _ in range(admission.to_start(share, len(running), len(waiting), cap, admission.resident(), lag)):
            start_next()

    def start_next() -> None:
        if not waiting or process.stopping:
            return
        first = len(waiting) == len(jobs)
        i = waiting.pop(0)
        running.add(i)
        request, run_id = jobs[i]
        # The first crawler installs the reactor, as CrawlerProcess.create_crawler would have it do.
        settings = scrapy_settings(request, run_id, alone=len(jobs) == 1 and not batch)
        crawler = Crawler(PortalSpider, settings, init_reactor=first)
        opts = request.crawl
        revalidate, unchanged = _incremental(store, request.url) if opts.incremental else ({}, None)
        try:
            # Scrapy keeps the frontier in disk queues under JOBDIR (only the requests of the lowest depth
            # being worked on are in memory); the folder goes when the crawl ends, --resume uses the store.
            frontiers[i] = scratch.frontier_folder()
            crawler.settings.set("JOBDIR", frontiers[i][0])
            deferred = process.crawl(
                crawler,
                start_url=request.url,
                allowed_domains=opts.allowed_domains,
                include=opts.include,
                exclude=opts.exclude,
                max_pages=opts.max_pages,
                max_depth=opts.max_depth,
                sink=store,
                known=store.fresh_external(opts.external_cache_days),
                dns_probe=opts.dns_probe,
                external=opts.external,
                revalidate=revalidate,
                unchanged=unchanged,
                resume=store.reopen_run(run_id) if request.resume else None,
                max_query_variants=opts.max_query_variants,
            )
        except Exception as exc:
            finished(exc, i, crawler, run_id)
            return
        if started is not None:
            started(i, crawler)
        # Added before the process's own join sees the deferred fire, so the reactor waits for the next one.
        deferred.addBoth(finished, i, crawler, run_id)

    def finished(result: Failure | BaseException | None, i: int, crawler: Crawler, run_id: int) -> None:
        running.discard(i)
        if i in frontiers:
            folder, held = frontiers.pop(i)
            shutil.rmtree(folder, ignore_errors=True)
            os.close(held)
        failure = getattr(crawler.spider, "store_failure", None)
        if isinstance(result, Failure):
            result = result.value
        full = result if isinstance(result, scratch.ScratchFull) else getattr(crawler.spider, "scratch_failure", None)
        if failure is not None:  # the spider could not write to the store: the crawl stopped for that reason
            outcomes[i] = (
                failure
                if isinstance(failure, StoreError)
                else StoreError(ERROR["store_write"].format(db=store.path, reason=failure))
            )
        elif full is not None:
            outcomes[i] = _scratch_error(full, store, run_id, jobs[i][0])
        elif isinstance(result, BaseException):
            outcomes[i] = result
        else:
            outcomes[i] = _stats(crawler, store, run_id, jobs[i][0].crawl)
        if done is not None:
            done(i, outcomes[i])
        if not running:
            start_next()  # the process stops when its last crawl ends: the next must not wait for a tick
        return None

    collect_less()  # before the first crawler: a crawl's own objects stay collectable
    if jobs:
        # The first crawler installs the reactor, the clock of the looks that follow; they start measuring
        # once these few have started.
        for _ in range(admission.to_start(None, 0, len(waiting), cap)):
            start_next()
        ticks = LoopingCall(admit, admission.CpuMeter())
        ticks.start(admission.TICK, now=False)
        # Scrapy's handlers stay installed after the reactor stops; what comes after the crawl (judging,
        # reports) is stopped by Python's own KeyboardInterrupt, which the command turns into exit 130.
        previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            process.start()
        finally:
            if ticks.running:
                ticks.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    if process.stopping:
        for i, (request, run_id) in enumerate(jobs):
            if outcomes[i] is unfinished:  # stopped now, or never started: resumable as a killed run is
                store.interrupt_run(run_id)
                outcomes[i] = CrawlInterrupted(CLI["stopped_now"].format(command=request.resume_with(store.path)))
                if done is not None:
                    done(i, outcomes[i])
    return outcomes


def _scratch_error(full: scratch.ScratchFull, store: Store, run_id: int, request: CrawlRequest) -> GapcheckError:
    """The crawl stopped because the temp folder is full: the pages stored so far are kept for --resume."""
    try:
        store.interrupt_run(run_id)
    except StoreError as exc:  # the store shares the full disk: still resumable, as a killed run is
        return exc
    return ScratchError(
        f"临时文件夹 {full.folder} 已满，无法继续记录待抓取的网址（{full.reason}）；已抓取的页面已保存（运行 {run_id} "
        f"已中断）。请清理该文件夹，或把环境变量 TMPDIR 指向空间充足的文件夹，再运行 {request.resume_with(store.path)} 继续"
    )


def _redacting(factory: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    """Log records (--verbose) without the user:password@ some links carry: messages and tracebacks alike."""

    def make(*args: object, **kwargs: object) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info:  # a traceback quotes the URL too
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return record

    make.redacts = True  # type: ignore[attr-defined]
    return make


def _incremental(
    store: Store, start_url: str
) -> tuple[dict[str, tuple[str, str]], Callable[[str], Page | None] | None]:
    """The last run's revalidatable pages and how to get one back, under this run's scheme, host and port:
    the same site checked on another port (or moved to https) still gets its 304s."""
    previous, validators = store.validators(start_url)
    if previous is None:
        return {}, None
    old, new = origin(store.run(previous).start_url), origin(start_url)
    if old == new:
        return validators, lambda url: store.stored_page(previous, url)

    def move(url: str, a: str, b: str) -> str:
        return b + url[len(a) :] if url.startswith(a) else url

    def unchanged(url: str) -> Page | None:
        page = store.stored_page(previous, move(url, new, old))
        if page is None:
            return None
        return dataclasses.replace(
            page,
            url=move(page.url, old, new),
            final_url=move(page.final_url, old, new),
            links=tuple(dataclasses.replace(link, url=move(link.url, old, new)) for link in page.links),
        )

    return {move(url, old, new): v for url, v in validators.items()}, unchanged


def _stats(crawler: Crawler, store: Store, run_id: int, opts: CrawlOptions) -> CrawlStats:
    spider = crawler.spider
    assert isinstance(spider, PortalSpider)  # the crawler was made for it (crawl_many)
    store.remember_external(run_id, lambda url: not spider.in_scope(url))
    return CrawlStats(
        pages=spider.pages_done,
        page_limit=opts.max_pages,
        page_limit_reached=spider.page_limit_reached,
        errors=spider.errors,
        internal_errors=crawler.stats.get_value("spider_exceptions/count", 0),
        hosts=host_notes(crawler.stats.get_stats()),
        reused=spider.reused,
        second_pass=spider.second_pass_asked,
        not_modified=spider.not_modified,
        interrupted=crawler.stats.get_value("finish_reason") == "shutdown",
        traps=spider.traps.notes(),
        certificate=spider.certificate,
        not_found=(spider.not_found,) if spider.not_found is not None else (),
    )
