"""Item pipeline that hands what the spider saw to the run's store, in batches."""

from __future__ import annotations

from scrapy.exceptions import NotConfigured

from ..checks.model import LinkCheck, Page

BATCH = 200


class StorePipeline:
    """Writes pages and link checks to the spider's `sink` (an object with `add_pages`/`add_checks`).

    The sink travels as a spider argument, not a setting: settings are deep-copied and a database
    connection cannot be.
    """

    def __init__(self, crawler, run_id: int):
        self.crawler = crawler
        self.run_id = run_id
        self.store = None
        self.pages: list[Page] = []
        self.checks: list[LinkCheck] = []

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.get("GAPCHECK_RUN_ID"):
            raise NotConfigured("GAPCHECK_RUN_ID is not set")
        return cls(crawler, crawler.settings.getint("GAPCHECK_RUN_ID"))

    def open_spider(self) -> None:
        self.store = self.crawler.spider.sink

    def process_item(self, item):
        if isinstance(item, Page):
            self.pages.append(item)
        elif isinstance(item, LinkCheck):
            self.checks.append(item)
        if len(self.pages) + len(self.checks) >= BATCH:
            self.flush()
        return item

    def flush(self) -> None:
        if self.pages:
            self.store.add_pages(self.run_id, self.pages)
            self.pages = []
        if self.checks:
            self.store.add_checks(self.run_id, self.checks)
            self.checks = []

    def close_spider(self) -> None:
        self.flush()
