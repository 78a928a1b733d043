"""Runs the portal spider in this process and returns what it reports about the crawl."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from .checks import CrawlStats
from .profile import CrawlOptions
from .spiders import settings as spider_settings
from .spiders.portal import PortalSpider
from .store import Store


@dataclass(frozen=True)
class CrawlRequest:
    """One crawl, as the command line and the profile together asked for it."""

    url: str
    crawl: CrawlOptions
    progress: bool = False
    verbose: bool = False


def scrapy_settings(request: CrawlRequest, run_id: int) -> Settings:
    """Spider defaults, then the profile's crawl options, then the command line's overrides."""
    settings = Settings(spider_settings.DEFAULTS)
    opts = request.crawl
    if opts.concurrency is not None:
        settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", opts.concurrency)
        settings.set("CONCURRENT_REQUESTS", max(opts.concurrency, settings.getint("CONCURRENT_REQUESTS")))
    if opts.delay is not None:
        settings.set("DOWNLOAD_DELAY", opts.delay)
        settings.set("AUTOTHROTTLE_START_DELAY", opts.delay)
        if opts.delay == 0:
            settings.set("AUTOTHROTTLE_ENABLED", False)  # a local run or benchmark: no politeness wanted
    if opts.timeout is not None:
        settings.set("DOWNLOAD_TIMEOUT", opts.timeout)
    if opts.user_agent:
        settings.set("USER_AGENT", opts.user_agent)
    settings.set("ROBOTSTXT_OBEY", opts.obey_robots)
    settings.set("GAPCHECK_RUN_ID", run_id)
    settings.set("GAPCHECK_PROGRESS", request.progress)
    if request.verbose:
        settings.set("LOG_LEVEL", "INFO")
    return settings


def crawl(request: CrawlRequest, store: Store, run_id: int) -> CrawlStats:
    """Crawls until done; Twisted's reactor runs once per process, so call this once."""
    settings = scrapy_settings(request, run_id)
    process = CrawlerProcess(settings)
    # Scrapy logs every response at DEBUG; with only the root handler filtering, each record is still
    # built. Setting the level on the loggers drops them before that.
    for name in ("scrapy", "twisted", "py.warnings"):
        logging.getLogger(name).setLevel(settings.get("LOG_LEVEL"))
    crawler = process.create_crawler(PortalSpider)
    opts = request.crawl
    process.crawl(crawler, start_url=request.url, allowed_domains=opts.allowed_domains, include=opts.include,
                  exclude=opts.exclude, max_pages=opts.max_pages, max_depth=opts.max_depth, sink=store)
    process.start()
    spider = crawler.spider
    return CrawlStats(pages=spider.pages_done, page_limit=opts.max_pages,
                      page_limit_reached=spider.page_limit_reached,
                      errors=spider.errors,
                      internal_errors=crawler.stats.get_value("spider_exceptions/count", 0))
