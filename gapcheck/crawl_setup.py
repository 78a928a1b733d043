"""The Scrapy settings a crawl runs with (its request: gapcheck/crawl_request.py): shared by the crawl in this
process (gapcheck/crawl.py) and the crawl through workers (gapcheck/distributed.py)."""

from __future__ import annotations

import gc

from scrapy.settings import Settings

from core.model import HostNote
from spiders import aliases as aliases_module
from spiders import rendering
from spiders import settings as spider_settings

from .crawl_request import CrawlRequest

YOUNG_GENERATION = (2000, 10, 10)
"""gc.set_threshold for a crawl: young objects collected after 2,000 allocations, not Python's 700."""


def collect_less() -> None:
    """Keeps Python's cyclic collector off what every crawl holds for its whole life.

    Each full collection walked every module, class and function imported (Scrapy, Twisted, lxml, the rules):
    17 of them cost 1.3 of the 12 CPU seconds of a 3,000-page check, and the young generation's 2,200 another
    0.9 (bench/README.md). What exists when the crawl starts is frozen out of the collector (refcounting
    still frees it), once a process: a later freeze would also pin a running crawl's objects, whose cycles
    would then never be collected. Peak RSS stays the same (140 MB at 3,000 pages either way).
    """
    if not gc.get_freeze_count():
        gc.collect()
        gc.freeze()
    gc.set_threshold(*YOUNG_GENERATION)


def scrapy_settings(request: CrawlRequest, run_id: int, *, alone: bool = True) -> Settings:
    """Spider defaults, then the profile's crawl options, then the command line's overrides.

    Not `alone` (a batch crawling several portals in one process, a distributed worker), `crawl.render:
    auto` stays off: several scrapy-playwright handlers in one process stall the batch (tests/test_batch.py
    hung with two), and a worker's own look at the start page would decide for every worker. A portal
    rendered on purpose (`render: all`) still is.
    """
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
    settings.set("GAPCHECK_PRIVATE_REDIRECTS", opts.private_redirects)
    settings.set("GAPCHECK_RUN_ID", run_id)
    settings.set("GAPCHECK_PROGRESS", request.progress)
    if request.verbose:
        settings.set("LOG_LEVEL", "INFO")
    mode = rendering.effective(rendering.mode_for(opts.render, opts.render_urls))
    if mode is rendering.RenderMode.AUTO and not alone:
        mode = rendering.RenderMode.OFF
    for key, value in rendering.render_settings(mode, opts.render_urls, settings.getfloat("DOWNLOAD_TIMEOUT")).items():
        # Handlers, middlewares and retried exceptions add to the defaults rather than replace them.
        if isinstance(value, dict):
            value = {**settings.getdict(key), **value}
        elif isinstance(value, list):
            value = [*settings.getlist(key), *value]
        settings.set(key, value)
    if opts.aliases:
        _alias_settings(settings, dict(opts.aliases))
    return settings


def _alias_settings(settings: Settings, aliases: dict[str, str]) -> None:
    """Requests for the aliased hosts go to their aliases (spiders/aliases.py), in the browser too."""
    handlers = settings.getdict("DOWNLOAD_HANDLERS")
    base = settings.getdict("DOWNLOAD_HANDLERS_BASE")
    settings.set("GAPCHECK_ALIASES", aliases)
    settings.set("GAPCHECK_ALIAS_INNER", {s: handlers.get(s) or base[s] for s in ("http", "https")})
    settings.set("DOWNLOAD_HANDLERS", {**handlers, "http": aliases_module.HANDLER, "https": aliases_module.HANDLER})
    launch = settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")
    if launch:
        launch["args"] = [*launch.get("args", []), f"--host-resolver-rules={aliases_module.resolver_rules(aliases)}"]
        settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", launch)


def host_notes(stats: dict) -> tuple[HostNote, ...]:
    """What spiders.politeness left in the crawl stats, per host."""
    hosts: dict[str, dict] = {}
    for key, value in stats.items():
        parts = key.split("/", 2)
        if len(parts) == 3 and parts[0] == "politeness":
            hosts.setdefault(parts[2], {})[parts[1]] = value
    return tuple(
        HostNote(
            host,
            crawl_delay=v.get("crawl_delay"),
            throttled=int(v.get("throttled", 0)),
            waited=float(v.get("waited", 0.0)),
            interval=float(v.get("interval", 0.0)),
            circuit_open=v.get("circuit_open", ""),
        )
        for host, v in sorted(hosts.items())
    )
