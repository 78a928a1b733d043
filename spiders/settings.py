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


def user_agent(contact: str | None) -> str:
    """The User-Agent, naming who to call when a web team sees gapcheck in its logs."""
    return f"{USER_AGENT[:-1]}; contact: {contact})" if contact else USER_AGENT


QUERY_VARIANTS = 2000
"""Distinct query strings followed per path (crawl.max_query_variants). Old CMSs serve every article as
`/show.aspx?id=N`, so this is high; past it a path is a calendar or a generator (spiders/traps.py)."""

ROBOTS_TXT_MAX = 500 * 1024
"""Bytes of a robots.txt read, as Google does: the rest is ignored (an 11 MB one cost 428 MB to parse)."""
PROGRESS_EVERY = 60.0
"""Seconds between two plain progress lines off a terminal (cron, systemd, CI); `--progress-every`."""
CRAWL_DELAY_MAX = 30.0
"""Seconds: the longest robots.txt Crawl-delay or learned interval honoured between two requests to a host."""
RETRY_AFTER_MAX = 120.0
"""Seconds: the longest Retry-After waited for; a longer one leaves the target unverified."""
RETRY_AFTER_DEFAULT = 5.0
"""Seconds waited after a 429 that does not say how long."""
RETRY_AFTER_TIMES = 3
"""Waits for one request that keeps answering 429 before it is left unverified."""
BREAKER_FAILURES = 10
"""URLs in a row whose first answer from one host is a timeout, reset or 5xx before gapcheck stops asking
that host (circuit breaker); the rest of its links are unverified, and asked once more at the end."""
RETRY_WAIT = 1.0
"""Seconds a retry (a 5xx, timeout or reset answered its URL's first attempt) waits before it asks again,
its place at the host's gate left to others: a busy server gets a moment, and the first attempts of other
URLs tell the breaker sooner whether the host is down. Without it, when a crawl happened to know few URLs of
the host yet (a distributed crawl's first seconds), a dead host was asked each URL three times before the
breaker opened, where it is otherwise asked once."""
SLOW_PASS_DELAY = 2.0
"""Seconds between requests to a host in the second pass over links that could not be decided."""
SLOW_PASS_TIMEOUT_FACTOR = 2
"""The second pass waits this many times the normal timeout."""
EXTERNAL_CACHE_DAYS = 7
"""Days an external link that answered is trusted without asking again (nightly runs re-ask it weekly)."""
DNS_PROBE_HOSTS = ("www.gov.cn", "www.baidu.com", "www.qq.com")
"""Names that resolve wherever there is DNS: when none does, a name that fails says nothing about the link."""
DNS_PROBE_TIMEOUT = 5.0
"""Seconds the probe names get to resolve at the start of a run."""

# Bureau portals run on small servers: two requests at a time per host, half a second apart, and
# AutoThrottle slows down further when the server does.
POLITE = {
    "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
    "DOWNLOAD_DELAY": 0.5,
    # Scrapy spreads its delay over 0.5-1.5 times the setting: a third of the gaps fell short of the half
    # second promised. The delay is a floor (spiders/politeness.py holds it too); AutoThrottle only adds.
    "DOWNLOAD_DELAY_JITTER": 0,
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
    # Scrapy parses a generator callback's source with `ast` to warn about `return value`; its cache is
    # keyed on the bound method, a new object per response, so it parsed parse() for every page.
    "WARN_ON_GENERATOR_RETURN_VALUE": False,
    **POLITE,
    "DOWNLOAD_TIMEOUT": 20,
    "DOWNLOAD_MAXSIZE": 20 * 1024 * 1024,
    "DOWNLOAD_WARNSIZE": 0,
    "RETRY_TIMES": 2,
    # 429 (and 503 with Retry-After) are retried by spiders.politeness after the wait the server asks
    # for; Scrapy's retry would ask again at once, which is what got the 429.
    "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408],
    "REDIRECT_MAX_TIMES": 10,
    # Scrapy's scheduler, stopping the crawl when the JOBDIR's folder fills (spiders/scratch.py).
    "SCHEDULER": "spiders.scratch.ScratchScheduler",
    "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
    # Scrapy's pickled FIFO, under the crawl's JOBDIR (gapcheck/crawl.py), with its callbacks named faster.
    "SCHEDULER_DISK_QUEUE": "spiders.scratch.FrontierDiskQueue",
    "COOKIES_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False,
    # Scrapy 2.19's RemoteControl: an aiohttp server on localhost that runs any Python code sent to it, its
    # token in a job file under the user's state folder (left there by a killed crawl). Not for a checker.
    "REMOTE_CONTROL_ENABLED": False,
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
        # First, before robots.txt asks the host too: a name that did not resolve fails its every link at once.
        "spiders.names.NameCache": 50,
        "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
        "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
        # Nearest the downloader: after robots.txt (100), so its Crawl-delay is known, and after every other
        # middleware's say on a request, so that what waits at a host's gate is what will be sent. Every outcome
        # comes here first: before retry (550), so a 429 waits, and before redirects, so a 3xx counts as an
        # answer; and a place at the gate goes back only once the outcome is judged (spiders/politeness.py).
        "spiders.politeness.Politeness": 990,
        # After RedirectMiddleware (600), so that its responses are seen first: see spiders/redirects.py.
        "spiders.redirects.MalformedTargets": 650,
    },
    "EXTENSIONS": {"spiders.progress.Progress": 500},
    "GAPCHECK_PROGRESS": None,  # a spiders.progress.Board
    "GAPCHECK_CRAWL_DELAY_MAX": CRAWL_DELAY_MAX,
    "GAPCHECK_RETRY_AFTER_MAX": RETRY_AFTER_MAX,
    "GAPCHECK_RETRY_AFTER_DEFAULT": RETRY_AFTER_DEFAULT,
    "GAPCHECK_RETRY_AFTER_TIMES": RETRY_AFTER_TIMES,
    "GAPCHECK_BREAKER_FAILURES": BREAKER_FAILURES,
    "GAPCHECK_SLOW_PASS_DELAY": SLOW_PASS_DELAY,
    "GAPCHECK_RETRY_WAIT": RETRY_WAIT,
    "GAPCHECK_PRIVATE_REDIRECTS": False,
    "GAPCHECK_REDIS_URL": None,
    "GAPCHECK_ALIASES": {},
    "GAPCHECK_SHARED_DELAY": 0.0,
    "GAPCHECK_WORKER": "",
    "GAPCHECK_JOB": "",
}
"""Scrapy settings for a gapcheck crawl. Meta refresh is recorded as a link, not followed by Scrapy,
so that the entry page itself is kept and checked."""
