"""One worker process of `gapcheck batch --workers N` (started by gapcheck/workers.py, never by hand).

It runs the ordinary in-process crawl (gapcheck/crawl.py crawl_many) over the portals its parent hands it,
so each portal gets the verdict a one-process batch gives it (incremental 304s, auto-render, probes,
breaker). It reads the store itself, read-only; every write travels to the parent as a JSON line on the
pipe named on the command line (gapcheck/worker_wire.py): the store keeps one writer.

    python -m gapcheck.worker_process FD     (its portals: one JSON line on stdin, which stays open)
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, cast

from core.errors import CrawlInterrupted, StoreError
from core.model import CrawlStats, LinkCheck, Page
from spiders.wire import Rejected, validate

from .cli_words import BATCH_WORKER
from .crawl_request import CrawlRequest
from .store import Store
from .worker_wire import ASSIGNMENT, ORDER, Crawled, Message, encode

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class ForwardingStore(Store):
    """The store as a worker's crawls see it: read here, written by the parent."""

    def __init__(self, path: str, out: BinaryIO):
        super().__init__(Path(path), read_only=True)
        self.out = out
        self.lock = threading.Lock()
        self.asked: dict[int, set[str]] = {}
        """Each run's checked targets, for remember_external: the parent may not have stored them yet."""
        self.known: dict[int, Callable[[], int]] = {}
        """Each run's count of the pages its crawl knows of, fetched or queued."""

    def send(self, message: Message) -> None:
        data = encode(message)
        with self.lock:  # one line at a time, whole
            self.out.write(data)
            self.out.flush()

    def add_crawled(self, run_id: int, pages: Iterable[Page] = (), checks: Iterable[LinkCheck] = ()) -> None:
        checks = list(checks)
        self.asked.setdefault(run_id, set()).update(check.url for check in checks)
        crawled: Crawled = {"run_id": run_id, "pages": list(pages), "checks": checks}
        if run_id in self.known:
            crawled["known"] = self.known[run_id]()
        self.send({"crawled": crawled})

    def interrupt_run(self, run_id: int) -> None:
        self.send({"interrupted": run_id})

    def remember_external(self, run_id: int, is_external: Callable[[str], bool]) -> int:
        urls = sorted(url for url in self.asked.pop(run_id, ()) if is_external(url))
        self.send({"external": {"run_id": run_id, "urls": urls}})
        return len(urls)

    def reopen_run(self, run_id: int) -> tuple[list[Page], set[str]]:
        raise NotImplementedError("a batch starts new runs; --resume crawls in one process")


def _lines() -> Iterator[bytes]:
    """Stdin's lines, read from the raw file: its buffered reader's lock would hold up this process's exit."""
    pending = b""
    while data := os.read(0, 1 << 16):
        *lines, pending = (pending + data).split(b"\n")
        yield from lines


def _listen(lines: Iterator[bytes], stop: Callable[[int], None]) -> None:
    """The parent's orders, until stdin ends: it ends when the parent does (killed), and nobody would store
    what this process finds."""
    for line in lines:
        try:
            order = validate(ORDER, line)
        except Rejected:
            continue  # not an order: nothing in it is run
        stop(order["stop"])
    os._exit(1)


def main(argv: list[str]) -> int:
    try:
        out = os.fdopen(int(argv[0]), "wb")
        lines = _lines()
        assignment = ASSIGNMENT.validate_json(next(lines, b""))
        # Scrapy: after the parent's portals are read.
        from spiders.portal import PortalSpider
        from spiders.progress import crawler_snapshot

        from .crawl import crawl_many

        store = ForwardingStore(assignment["db"], out)
        jobs = [
            (CrawlRequest(job["url"], job["crawl"], resume_hint=job["resume_hint"]), job["run_id"])
            for job in assignment["jobs"]
        ]

        crawlers: dict[int, Crawler] = {}
        """Each running crawl, by run."""

        def ended(i: int, outcome: CrawlStats | BaseException) -> None:
            run_id = jobs[i][1]
            # An order for it from now on finds nothing to stop, and the crawl is freed (a worker of a night
            # runs dozens in turn).
            crawlers.pop(run_id, None)
            store.known.pop(run_id, None)
            if isinstance(outcome, BaseException):
                stopped = isinstance(outcome, CrawlInterrupted)
                store.send({"ended": {"run_id": run_id, "failure": str(outcome), "stopped": stopped}})
            else:
                store.send({"ended": {"run_id": run_id, "stats": outcome}})

        def stop(run_id: int) -> None:
            """The run's crawl stops as a failed store write stops it in one process."""
            crawler = crawlers.get(run_id)
            if crawler is not None and isinstance(crawler.spider, PortalSpider):
                crawler.spider.store_failed(StoreError(BATCH_WORKER["store_failed"]))

        def ordered(run_id: int) -> None:  # in the listening thread: the crawl is the reactor's
            from twisted.internet import reactor

            cast(Any, reactor).callFromThread(stop, run_id)

        threading.Thread(target=_listen, args=(lines, ordered), name="gapcheck-parent", daemon=True).start()

        def started(i: int, crawler: Crawler) -> None:
            crawlers[jobs[i][1]] = crawler

            def known() -> int:
                snap = crawler_snapshot(crawler)
                return (snap.known or 0) if snap is not None else 0

            store.known[jobs[i][1]] = known
            store.send({"started": jobs[i][1]})

        crawl_many(
            jobs,
            store,
            assignment["parallel"],
            ended,
            batch=True,
            started=started,
            notice=False,
        )
        out.close()
    except KeyboardInterrupt:  # Ctrl-C before the crawl took its signals: the parent says what stopped
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
