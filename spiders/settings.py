"""Every crawl setting gapcheck uses and its default, in one place (Scrapy's names where Scrapy has one)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    _VERSION = version("gapcheck")
except PackageNotFoundError:  # running from a checkout that was never installed
    _VERSION = "dev"

MAX_PAGES = 5000
"""Pages fetched per run at most: bounds a crawl trap, and a bureau portal rarely has more."""
MAX_DEPTH = 100
"""Clicks from the start page: deep enough for a column paginated by 下一页 alone."""

USER_AGENT = f"gapcheck/{_VERSION} (+government website self-inspection)"

# Bureau portals run on small servers: two requests at a time per host, half a second apart, and
# AutoThrottle slows down further when the server does.
POLITE = {
    "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
    "DOWNLOAD_DELAY": 0.5,
    "AUTOTHROTTLE_ENABLED": True,
    "AUTOTHROTTLE_START_DELAY": 0.5,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.5,
}

DEFAULTS = {
    "BOT_NAME": "gapcheck",
    "USER_AGENT": USER_AGENT,
    "ROBOTSTXT_OBEY": True,
    "CONCURRENT_REQUESTS": 32,
    # Scrapy starts this many asyncio tasks for every response's output; our pipeline is synchronous,
    # so more than one only costs time (at 100, task creation was most of the crawl's CPU).
    "CONCURRENT_ITEMS": 1,
    **POLITE,
    "DOWNLOAD_TIMEOUT": 20,
    "DOWNLOAD_MAXSIZE": 20 * 1024 * 1024,
    "DOWNLOAD_WARNSIZE": 0,
    "RETRY_TIMES": 2,
    "REDIRECT_MAX_TIMES": 10,
    "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
    "COOKIES_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False,
    "LOG_LEVEL": "CRITICAL",
    "LOGSTATS_INTERVAL": 0,
    "MEMUSAGE_ENABLED": False,
    "HTTPERROR_ALLOW_ALL": True,
    "METAREFRESH_ENABLED": False,
    # Components that do nothing for this spider still cost a pass over every request and item:
    # referer and depth are set by the spider itself, there is no offsite list, auth or meta copying.
    "SPIDER_MIDDLEWARES": {
        "scrapy.spidermiddlewares.referer.RefererMiddleware": None,
        "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
        "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
        "scrapy.spidermiddlewares.httperror.HttpErrorMiddleware": None,
    },
    "DOWNLOADER_MIDDLEWARES": {
        "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
        "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
    },
    "ITEM_PIPELINES": {"gapcheck.spiders.pipelines.StorePipeline": 300},
    "EXTENSIONS": {"gapcheck.spiders.progress.Progress": 500},
    "GAPCHECK_PROGRESS": False,
}
"""Scrapy settings for a gapcheck crawl. Meta refresh is recorded as a link, not followed by Scrapy,
so that the entry page itself is kept and checked."""
