"""Item pipeline that hands what the spider saw to the run's store, in batches."""

from __future__ import annotations

from scrapy.exceptions import NotConfigured

from ..checks.model import LinkCheck, Page

BATCH = 200


class StorePipeline:
    """Writes pages and link checks through `GAPCHECK_STORE` (any object with `add_pages`/`add_checks`)."""

    def __init__(self, store, run_id: int):
        self.store = store
        self.run_id = run_id
        self.pages: list[Page] = []
        self.checks: list[LinkCheck] = []

    @classmethod
    def from_crawler(cls, crawler):
        store = crawler.settings.get("GAPCHECK_STORE")
        if store is None:
            raise NotConfigured("GAPCHECK_STORE is not set")
        return cls(store, crawler.settings.getint("GAPCHECK_RUN_ID"))

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
