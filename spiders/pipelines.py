"""Item pipeline that hands what the spider saw to the run's store, in batches."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from typing import Protocol

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro

from core.errors import StoreError
from core.model import LinkCheck, Page

from .portal import PortalSpider

BATCH = 200
FLUSH_SECONDS = 2.0
"""Items wait at most this long for their batch: a killed crawl loses a couple of seconds of work, and
`--resume` goes on from what was written."""


class Sink(Protocol):
    """Where what was seen is written: the run's store (gapcheck.store.Store)."""

    def add_crawled(self, run_id: int, pages: Iterable[Page] = ..., checks: Iterable[LinkCheck] = ...) -> None: ...


class StorePipeline:
    """Writes pages and link checks to the spider's `sink` (an object with `add_crawled`).

    The sink travels as a spider argument, not a setting: settings are deep-copied and a database
    connection cannot be.
    """

    def __init__(self, crawler: Crawler, run_id: int):
        self.crawler = crawler
        self.run_id = run_id
        self.spider: PortalSpider
        self.store: Sink
        self.pages: list[Page] = []
        self.checks: list[LinkCheck] = []
        self.failed: BaseException | None = None
        self.flushed = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        if not crawler.settings.get("GAPCHECK_RUN_ID"):
            raise NotConfigured("GAPCHECK_RUN_ID is not set")
        return cls(crawler, crawler.settings.getint("GAPCHECK_RUN_ID"))

    def open_spider(self) -> None:
        spider = self.crawler.spider
        # GAPCHECK_RUN_ID, which enables this pipeline, is set by gapcheck.crawl with the portal spider and its store.
        assert isinstance(spider, PortalSpider) and spider.sink is not None
        self.spider, self.store = spider, spider.sink

    def process_item(self, item: object) -> object:
        if isinstance(item, Page):
            self.pages.append(item)
        elif isinstance(item, LinkCheck):
            # The spider yields a page's check just before the page: writing only before a check keeps the
            # two in one batch, one transaction. Should another answer's items come between them, the check
            # can still be written without its page; --resume asks such a page again (PortalSpider._resumed).
            if len(self.pages) + len(self.checks) >= BATCH or time.monotonic() - self.flushed >= FLUSH_SECONDS:
                self.flush()
            self.checks.append(item)
        return item

    def flush(self) -> None:
        self.flushed = time.monotonic()
        if self.failed is None:
            try:
                if self.pages or self.checks:
                    self.store.add_crawled(self.run_id, self.pages, self.checks)
            except (StoreError, sqlite3.Error, OSError) as exc:
                # A full disk or a broken store: crawling on would be for nothing. What was written stays
                # consistent (each batch is one transaction); the run stops and says why.
                self.failed = exc
                # Read back by gapcheck/crawl.py; PortalSpider (not this module's) declares no such attribute.
                self.spider.store_failure = exc  # type: ignore[attr-defined]
                assert self.crawler.engine is not None  # items come while the crawl runs
                deferred_from_coro(self.crawler.engine.close_spider_async(reason="store-failed"))
        self.pages = []
        self.checks = []

    def close_spider(self) -> None:
        self.flush()
