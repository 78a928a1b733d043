"""Runs the portal spider in this process and returns what it reports about the crawl."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from .checks import CrawlStats
from .checks.model import HostNote
from .profile import CrawlOptions
from .spiders import rendering, settings as spider_settings
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
    settings.set("USER_AGENT", opts.user_agent or spider_settings.user_agent(opts.contact))
    settings.set("ROBOTSTXT_OBEY", opts.obey_robots)
    settings.set("GAPCHECK_RUN_ID", run_id)
    settings.set("GAPCHECK_PROGRESS", request.progress)
    if request.verbose:
        settings.set("LOG_LEVEL", "INFO")
    mode = rendering.mode_for(opts.render, opts.render_urls)
    for key, value in rendering.render_settings(mode, opts.render_urls, settings.getfloat("DOWNLOAD_TIMEOUT")).items():
        # Handlers, middlewares and retried exceptions add to the defaults rather than replace them.
        if isinstance(value, dict):
            value = {**settings.getdict(key), **value}
        elif isinstance(value, list):
            value = [*settings.getlist(key), *value]
        settings.set(key, value)
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
                  exclude=opts.exclude, max_pages=opts.max_pages, max_depth=opts.max_depth, sink=store,
                  known=store.fresh_external(opts.external_cache_days), dns_probe=opts.dns_probe)
    process.start()
    spider = crawler.spider
    store.remember_external(run_id, lambda url: not spider.in_scope(url))
    return CrawlStats(pages=spider.pages_done, page_limit=opts.max_pages,
                      page_limit_reached=spider.page_limit_reached,
                      errors=spider.errors,
                      internal_errors=crawler.stats.get_value("spider_exceptions/count", 0),
                      hosts=host_notes(crawler.stats.get_stats()), reused=spider.reused,
                      second_pass=spider.second_pass_asked)


def host_notes(stats: dict) -> tuple[HostNote, ...]:
    """What spiders.politeness left in the crawl stats, per host."""
    hosts: dict[str, dict] = {}
    for key, value in stats.items():
        parts = key.split("/", 2)
        if len(parts) == 3 and parts[0] == "politeness":
            hosts.setdefault(parts[2], {})[parts[1]] = value
    return tuple(HostNote(host, crawl_delay=v.get("crawl_delay"), throttled=int(v.get("throttled", 0)),
                          waited=float(v.get("waited", 0.0)), interval=float(v.get("interval", 0.0)),
                          circuit_open=v.get("circuit_open", ""))
                 for host, v in sorted(hosts.items()))
