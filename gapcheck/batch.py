"""The nightly job: every portal of a SITES.yaml checked in one process, an index across them, a notice.

Portals are crawled side by side (different hosts in parallel, each host politely); one that fails —
a profile that does not load, a portal that does not answer, a bug — is written down as that portal's
outcome and the others go on.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from scrapy.crawler import Crawler

from core.errors import CrawlInterrupted, GapcheckError
from core.model import CrawlStats
from core.redaction import redact
from spiders.progress import BATCH_DETAIL, SITES, Board, Phase, Snapshot, crawler_snapshot

from .cli_words import ERROR
from .crawl import crawl_many
from .crawl_request import CrawlRequest, resume_command
from .lock import site_lock
from .notify import SiteResult, notify
from .profile import Profile, load_profile
from .report import labels
from .report.index import write_index
from .run_options import started_with
from .runner import Outcome, conclude, rules_of, start_run
from .sites import SiteEntry, SitesFile
from .store import Store
from .workers import crawl_in_workers, last_pages, plan


@dataclass(frozen=True)
class Crawling:
    """Where one running portal's crawl is, for the batch's estimate of its end."""

    done: int
    """Pages fetched."""
    known: int
    """Pages known so far (fetched and queued)."""
    last: int | None
    """Pages the portal's last finished run fetched; None when it has none."""
    seconds: float
    """Since it started."""


def batch_left(
    running: list[Crawling], waiting: list[int | None], slots: int, finished: tuple[float, ...] = ()
) -> tuple[float | None, bool]:
    """Seconds until the crawls of a batch end, and whether that is a guess; None before any rate is known.

    Each portal goes at its own polite rate: a running one ends when the pages it is expected to have (what
    it knows, or its last run's count when more) are fetched at the rate it has gone so far; a waiting one
    takes its last run's pages (or the mean of the counts known) at the mean rate of the running and
    `finished` ones (pages a second). The batch ends when the longest of them does, and not before their
    work spread over `slots` portals at once is done. A guess unless every portal has a last run to go by."""
    rates = [c.done / c.seconds for c in running if c.done and c.seconds > 0] + list(finished)
    if not rates or not (running or waiting):
        return None, True
    rate = sum(rates) / len(rates)
    expected = [max(c.known, c.last or 0, c.done) for c in running]
    known = expected + [last for last in waiting if last is not None]
    mean = sum(known) / len(known) if known else 0
    lefts = [
        (e - c.done) / (c.done / c.seconds if c.done and c.seconds > 0 else rate)
        for c, e in zip(running, expected, strict=True)
    ]
    lefts += [(mean if last is None else last) / rate for last in waiting]
    guess = any(c.last is None or c.known > c.last for c in running) or None in waiting
    return max(max(lefts), sum(lefts) / max(slots, 1)), guess


@dataclass(frozen=True)
class SiteOutcome:
    site: SiteEntry
    outcome: Outcome | None = None
    error: str = ""


@dataclass(frozen=True)
class BatchOutcome:
    sites: tuple[SiteOutcome, ...]
    index: Path
    notices: tuple[str, ...]

    @property
    def exit_code(self) -> int:
        """0 every portal checked without gaps; 1 gaps somewhere or a portal not checked; 3 none answered."""
        if self.sites and all(s.outcome is None for s in self.sites):
            return 3
        return 1 if any(s.outcome is None or s.outcome.failed for s in self.sites) else 0


def run_batch(
    sites: SitesFile,
    store: Store,
    as_of: dt.date,
    parallel: int | None = None,
    say: Callable[[str], None] = print,
    redis: str | None = None,
    board: Board | None = None,
    workers: int = 1,
) -> BatchOutcome:
    """`parallel`: portals crawled at once at most in each process (None: as many as the CPU allows,
    gapcheck/admission.py). `redis`: crawl through the workers attached to it (gapcheck/distributed.py),
    every portal at once. `workers`: processes the portals are shared out over without Redis
    (gapcheck/workers.py). `board`: shows portals done, running and waiting, and an estimate of the end."""
    store.verify()  # a damaged store would take one dead run per portal
    with ExitStack() as locks:
        if board is not None:
            locks.enter_context(board)
        return _run(sites, store, as_of, parallel, say, locks, redis, board or Board(live=False), workers)


def _run(
    sites: SitesFile,
    store: Store,
    as_of: dt.date,
    parallel: int | None,
    say: Callable[[str], None],
    locks: ExitStack,
    redis: str | None,
    board: Board,
    workers: int = 1,
) -> BatchOutcome:
    outcomes: dict[str, SiteOutcome] = {}
    jobs: list[tuple[CrawlRequest, int]] = []
    planned: list[tuple[SiteEntry, Profile, list]] = []
    for entry in sites.sites:
        try:
            locks.enter_context(site_lock(store.path, entry.url))  # held until every portal is done
            profile = load_profile(entry.profile)
            rules = rules_of(profile)
        except GapcheckError as exc:
            outcomes[entry.slug] = _failed(sites, entry, str(exc), say)
            continue
        crawl = dataclasses.replace(profile.crawl, incremental=False) if redis else profile.crawl
        hint = resume_command(entry.url, store.path, sites.out_dir(entry))
        request = CrawlRequest(entry.url, crawl, redis=redis, resume_hint=hint)
        jobs.append((request, start_run(store, request, profile, as_of, started_with(profile, as_of), entry.title)))
        planned.append((entry, profile, rules))

    # The portals of each process, the largest first (one share in this process; with --workers, one each).
    last = [last_pages(store, request.url) for request, _ in jobs]
    shares = [list(range(len(jobs)))] if redis else plan(jobs, last, workers)
    crawling: dict[int, tuple[Crawler | None, float]] = {}
    counted: dict[int, tuple[int, int, float]] = {}
    """A portal crawled elsewhere (a worker process, Redis's workers) → its pages stored and known so far, and
    when they were counted."""
    ended: set[int] = set()
    rates: list[float] = []
    if redis:  # every portal at once: the workers take their requests as each host's politeness allows
        crawling.update((i, (None, time.monotonic())) for i in range(len(jobs)))
    slots = len(jobs) if redis else parallel * len(shares) if parallel else None

    def counts() -> Snapshot:
        now = time.monotonic()
        running, waiting = len(crawling), len(jobs) - len(ended) - len(crawling)
        left, guess = batch_left(
            [_where(crawler, counted.get(i), last[i], since, now) for i, (crawler, since) in list(crawling.items())],
            [last[i] for i in range(len(jobs)) if i not in ended and i not in crawling],
            slots or max(running, 1),
            tuple(rates),
        )
        return Snapshot(
            Phase.BATCH,
            len(ended),
            len(jobs),
            BATCH_DETAIL.format(running=running, waiting=waiting),
            SITES,
            estimated=True,
            left=left,
            rough=guess,
        )

    board.follow(counts)

    def began(i: int, crawler: Crawler | None) -> None:
        """`crawler`: None for a portal crawled by a worker process (counted, its pages not seen here)."""
        crawling[i] = (crawler, time.monotonic())

    def count(i: int, stored: int, known: int) -> None:
        counted[i] = (stored, known, time.monotonic())

    def crawled(i: int, stats: CrawlStats | BaseException) -> None:
        ended.add(i)
        _, since = crawling.pop(i, (None, time.monotonic()))
        counted.pop(i, None)
        if isinstance(stats, CrawlStats) and stats.pages:
            rates.append(stats.pages / max(time.monotonic() - since, 1e-3))
        entry = planned[i][0]
        if isinstance(stats, CrawlInterrupted):
            return  # stopped, not failed: said with the resume command once the crawls are over
        if isinstance(stats, BaseException):
            say(f"{entry.name}：{ERROR['crawl_failed'].format(reason=stats)}")
        else:
            say(f"{entry.name}：抓取完成，{stats.pages} 个页面")

    if redis:
        from .distributed import crawl_distributed  # redis-py: only a batch through Redis needs it

        results = crawl_distributed(jobs, store, redis, crawled, counted=count)
    elif len(shares) > 1:
        results = crawl_in_workers(jobs, store, shares, parallel, crawled, say, began, count)
    else:
        results = crawl_many(jobs, store, parallel, crawled, started=began, order=shares[0])
    judged = {"done": 0}
    board.follow(lambda: Snapshot(Phase.CHECK, judged["done"], len(jobs), unit=SITES))
    stopped: list[str] = []
    for (request, run_id), (entry, profile, rules), stats in zip(jobs, planned, results, strict=False):
        judged["done"] += 1
        if isinstance(stats, CrawlInterrupted):  # Ctrl-C: resumable as it is, no verdict on half a crawl
            stopped.append(f"{entry.name}：{stats}")
            continue
        if isinstance(stats, BaseException):
            failure = ERROR["crawl_failed"].format(reason=stats)
            store.fail_run(run_id, failure)
            outcomes[entry.slug] = _failed(sites, entry, failure, say)
            continue
        try:
            outcome = conclude(store, run_id, request, profile, rules, stats, sites.out_dir(entry))
        except CrawlInterrupted as exc:
            stopped.append(f"{entry.name}：{exc}")
            continue
        except GapcheckError as exc:
            outcomes[entry.slug] = _failed(sites, entry, str(exc), say)
            continue
        summary = outcome.report.summary
        say(f"{entry.name}：{summary.verdict}，得分 {summary.score:g}，报告 {outcome.html}")
        (sites.out_dir(entry) / "error.json").unlink(missing_ok=True)
        outcomes[entry.slug] = SiteOutcome(entry, outcome)
    if stopped:
        # The night was cut short: the finished portals' reports are written, nobody is notified of half of it.
        raise CrawlInterrupted("\n".join([ERROR["batch_stopped"], *stopped]))
    for entry in sites.sites:
        pruned = store.prune(entry.url, sites.keep_runs)
        if pruned:
            say(f"{entry.name}：删除了 {pruned} 次较早的检查记录（保留最近 {sites.keep_runs} 次）")
    ordered = tuple(outcomes[entry.slug] for entry in sites.sites)
    index = write_index(sites.out)
    notices = notify(
        sites.notify,
        [
            SiteResult(
                s.outcome.report.site.name if s.outcome else s.site.name,
                s.site.url,
                s.outcome.report if s.outcome else None,
                s.outcome.html if s.outcome else None,
                s.error or None,
            )
            for s in ordered
        ],
    )
    for line in notices:
        say(line)
    return BatchOutcome(ordered, index, tuple(notices))


def _where(
    crawler: Crawler | None, counted: tuple[int, int, float] | None, last: int | None, since: float, now: float
) -> Crawling:
    """A portal's crawl: from its spider when it runs in this process, else from what was stored of it, which
    arrives in batches (every 2 s from a worker): the pages since are taken as fetched at the rate seen until
    then, or the estimate would climb between two batches."""
    snap = crawler_snapshot(crawler) if crawler is not None else None
    if snap is not None:
        return Crawling(snap.done, snap.known or 0, last, now - since)
    if counted is None:
        return Crawling(0, 0, last, now - since)
    stored, known, at = counted
    rate = stored / (at - since) if at > since else 0.0
    expected = max(known, last or 0, stored)
    return Crawling(min(round(stored + rate * (now - at)), expected), known, last, now - since)


def _failed(sites: SitesFile, entry: SiteEntry, error: str, say: Callable[[str], None]) -> SiteOutcome:
    """Writes the portal's error.json, which the index shows as 未能检查."""
    error = redact(error)
    folder = sites.out_dir(entry)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "error.json").write_text(
        json.dumps(
            {
                "name": entry.name,
                "url": redact(entry.url),
                "error": error,
                "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            },
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )
    say(f"{entry.name}：{labels.NOT_CHECKED}（{error}）")
    return SiteOutcome(entry, error=error)
