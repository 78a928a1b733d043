"""What the spider saw, written to the run's store in batches by the spider itself.

Not a Scrapy item pipeline: as items, a page and its link checks each went through the spider-middleware
output, the item pipeline and the item_scraped signal, about three items a page for nothing the store needs
(bench/README.md, "Profile of gapcheck's own work per page")."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable
from typing import Protocol

from core.errors import StoreError
from core.model import LinkCheck, Page

BATCH = 200
FLUSH_SECONDS = 2.0
"""Items wait at most this long for their batch: a killed crawl loses a couple of seconds of work, and
`--resume` goes on from what was written."""


class Sink(Protocol):
    """Where what was seen is written: the run's store (gapcheck.store.Store)."""

    def add_crawled(self, run_id: int, pages: Iterable[Page] = ..., checks: Iterable[LinkCheck] = ...) -> None: ...


class StoreWrites:
    """Pages and link checks on their way to `sink` (an object with `add_crawled`), in batches.

    The sink travels as a spider argument, not a setting: settings are deep-copied and a database
    connection cannot be. `failed` is told the error when a write fails; nothing is written after it.
    """

    def __init__(self, sink: Sink, run_id: int, failed: Callable[[BaseException], None]):
        self.sink = sink
        self.run_id = run_id
        self.on_failure = failed
        self.pages: list[Page] = []
        self.checks: list[LinkCheck] = []
        self.failed: BaseException | None = None
        self.flushed = time.monotonic()

    def add(self, items: Iterable[Page | LinkCheck]) -> None:
        """One answer's pages and checks: always in the same batch, so one transaction keeps a page with its
        check (a check stored without its page would have --resume take the page for done)."""
        for item in items:
            if isinstance(item, Page):
                self.pages.append(item)
            else:
                self.checks.append(item)
        if len(self.pages) + len(self.checks) >= BATCH or time.monotonic() - self.flushed >= FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        self.flushed = time.monotonic()
        if self.failed is None:
            try:
                if self.pages or self.checks:
                    self.sink.add_crawled(self.run_id, self.pages, self.checks)
            except (StoreError, sqlite3.Error, OSError) as exc:
                # A full disk or a broken store: crawling on would be for nothing. What was written stays
                # consistent (each batch is one transaction); the run stops and says why.
                self.failed = exc
                self.on_failure(exc)
        self.pages = []
        self.checks = []
