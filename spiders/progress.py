"""Extension that shows a crawl's progress on a terminal: pages, queue, links checked, errors."""

from __future__ import annotations

import sys

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from .portal import PortalSpider

INTERVAL = 1.0


class Progress:
    """Enabled by `GAPCHECK_PROGRESS`; redraws one status line on stderr."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        if not crawler.settings.getbool("GAPCHECK_PROGRESS"):
            raise NotConfigured
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: PortalSpider) -> None:
        self.loop = task.LoopingCall(self.draw, spider)
        self.loop.start(INTERVAL, now=False)

    def spider_closed(self, spider: PortalSpider) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.draw(spider)
        sys.stderr.write("\n")

    def draw(self, spider: PortalSpider) -> None:
        sys.stderr.write(
            f"\r已抓取页面 {spider.pages_done:>6}  请求 {spider.answered:>6}"
            f"  队列 {spider.asked - spider.answered:>6}  错误 {spider.errors:>4}  "
        )
        sys.stderr.flush()
