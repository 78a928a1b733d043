"""Optional rendering of pages built by script, in Debian's Chromium through scrapy-playwright.

Only the crawl of a profile with `crawl.render` / `crawl.render_urls` (or `gapcheck check --render`)
uses it: a normal run never imports playwright or starts a browser, so nothing here imports either at
module level (the profile loader imports this module for `RenderMode`).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from core import patterns
from core.errors import ConfigError

from .roles import Role

if TYPE_CHECKING:  # playwright is optional (the `render` extra) and only imported when a crawl renders
    import playwright.async_api
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ENV = "GAPCHECK_CHROMIUM"
"""Environment variable naming another Chromium binary (Playwright's own download is not used)."""

SETTLE_SECONDS = 5.0
"""After `load`, how long a page may keep fetching (lists loaded by fetch()) before it is read as is."""
MAX_PAGES_OPEN = 8
"""Browser tabs open at once: per-host politeness limits this already; this bounds memory across hosts."""
HEAVY_RESOURCES = frozenset({"image", "font", "media"})
"""What the browser never loads: nothing a page's text or links depend on, and most of its bytes."""

_HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
_MIDDLEWARE = "spiders.rendering.RenderMiddleware"
_ASYNCIO_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

RENDERED = "gapcheck_rendered"
"""Request meta: the page was rendered; the spider records it as the page meta `page:rendered`."""
RAW_ONLY = "gapcheck_raw_only"
"""Request meta: read this page raw, the browser could not show it."""
BROWSER_ERROR_PAGE = "chrome-error:"
"""Where Chromium's page is once a navigation was refused: its own error page, not the portal's."""


class RenderMode(StrEnum):
    """Which page requests the browser renders (Scrapy setting GAPCHECK_RENDER)."""

    OFF = "off"
    ALL = "all"
    PATTERNS = "patterns"
    """Only page URLs matching GAPCHECK_RENDER_URLS."""
    AUTO = "auto"
    """The start page is rendered and compared with its raw HTML; the whole site is rendered when the
    rendered page shows in-site links or dated items the raw one lacks. Off when Chromium is missing."""


def mode_for(render: str, render_urls: tuple[str, ...]) -> RenderMode:
    """The profile's `crawl.render` and `crawl.render_urls` as one mode: URLs given narrow (and turn on)
    rendering to the pages they match."""
    if render_urls:
        return RenderMode.PATTERNS
    return RenderMode(render)


AUTO_SAMPLE = 3
"""Under AUTO, pages just below the start page asked again rendered, to see whether the site builds its
columns by script even when its home page does not."""
AUTO_RENDER = "gapcheck_auto_render"
"""Request meta: render this page (the spider's choice under RenderMode.AUTO)."""


def effective(mode: RenderMode) -> RenderMode:
    """AUTO without a usable Chromium (or scrapy-playwright) is OFF: a plain crawl, GK904 says what it missed."""
    if mode is not RenderMode.AUTO:
        return mode
    try:
        check_available()
    except ConfigError:
        return RenderMode.OFF
    return mode


UNAVAILABLE = {
    "chromium": "渲染网页（crawl.render / --render）需要 Chromium，但 {path} 不存在；安装它（apt-get install chromium），"
    "或把 {env} 设为它的路径，或关闭渲染（--no-render）",
    "playwright": "渲染网页（crawl.render / --render）需要 scrapy-playwright，但它没有安装；"
    "运行 pip install 'gapcheck[render]'，或关闭渲染（--no-render）",
}
"""Why rendering cannot start, and the fix, for the user who asked for it."""


def chromium_path() -> str:
    """The Chromium binary to launch: $GAPCHECK_CHROMIUM, else Debian's."""
    return os.environ.get(CHROMIUM_ENV) or CHROMIUM


def check_available() -> str:
    """The Chromium path, or a ConfigError saying how to get rendering working."""
    path = chromium_path()
    found = path if Path(path).is_file() and os.access(path, os.X_OK) else shutil.which(path)
    if found is None:
        raise ConfigError(UNAVAILABLE["chromium"].format(path=path, env=CHROMIUM_ENV))
    if importlib.util.find_spec("scrapy_playwright") is None:
        raise ConfigError(UNAVAILABLE["playwright"])
    return found


def render_settings(mode: RenderMode, urls: tuple[str, ...], download_timeout: float) -> dict[str, object]:
    """The Scrapy settings to merge when rendering is on: dict values add to the defaults' dicts, list
    values to their lists."""
    if mode is RenderMode.OFF:
        return {}
    timeout_ms = download_timeout * 1000
    return {
        # Every request passes through the handler; it only drives the browser for requests with
        # meta["playwright"], and hands HEAD link checks to Scrapy's own HTTP handler.
        "DOWNLOAD_HANDLERS": {"http": _HANDLER, "https": _HANDLER},
        # Scrapy's default since 2.13; set here so a changed default cannot start a crawl the handler refuses.
        "TWISTED_REACTOR": _ASYNCIO_REACTOR,
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {
            "executable_path": check_available(),
            "headless": True,
            # Root in a container: Chromium's sandbox refuses to start; /dev/shm there is often 64 MB.
            "args": ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
            "timeout": timeout_ms,
        },
        # The same budget a plain download has, so a slow portal fails alike rendered or not.
        # A certificate is judged once, as a browser would, by GK507; the pages behind it are still read, as
        # Scrapy's own downloads read them.
        "PLAYWRIGHT_CONTEXTS": {"default": {"ignore_https_errors": True}},
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": timeout_ms,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": MAX_PAGES_OPEN,
        "PLAYWRIGHT_ABORT_REQUEST": "spiders.rendering.abort_request",
        # Below RetryMiddleware (550), so Retry sees a browser's network error first and asks again, as it
        # would for a plain download; only then does process_exception here name the error for the spider.
        "DOWNLOADER_MIDDLEWARES": {_MIDDLEWARE: 540},
        "RETRY_EXCEPTIONS": ["playwright.async_api.Error"],
        "GAPCHECK_RENDER": mode.value,
        "GAPCHECK_RENDER_URLS": list(urls),
        "GAPCHECK_RENDER_SETTLE": min(SETTLE_SECONDS, download_timeout),
    }


def abort_request(request: playwright.async_api.Request) -> bool:
    """PLAYWRIGHT_ABORT_REQUEST: drop images, fonts and media inside the browser, and stop a page that
    reloads itself.

    A page refreshing or script-redirecting to its own address (a new counter in the query each time) kept
    Chromium reloading it for the whole settle time, 80 requests for one page, and reading it mid-navigation
    could stall the crawl past every timeout. Such a reload is refused; the browser then shows its error
    page, and RenderMiddleware reads the page raw instead, where the spider records the refresh as a link
    and the trap guard sees where it leads. A move to another address (an entry page's redirect to the
    home page) is followed as before."""
    if request.resource_type in HEAVY_RESOURCES:
        return True
    if not request.is_navigation_request() or request.redirected_from is not None:
        return False  # a server's redirect of the page asked for is part of fetching it
    try:
        frame = request.frame
    except Exception:
        return False
    if frame.parent_frame is not None or frame.url in ("", "about:blank"):
        return False
    here, there = urlsplit(frame.url), urlsplit(request.url)
    return (here.scheme, here.netloc, here.path) == (there.scheme, there.netloc, there.path)


async def _settle(page: playwright.async_api.Page, seconds: float) -> None:
    """Waits until the page stops fetching, at most `seconds`: a portal that polls forever is read as it is."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    with contextlib.suppress(PlaywrightTimeout):
        await page.wait_for_load_state("networkidle", timeout=seconds * 1000)


class RenderMiddleware:
    """Marks the page requests the browser should render; link checks and other requests never are."""

    def __init__(self, mode: RenderMode, urls: tuple[str, ...] = (), settle: float = SETTLE_SECONDS):
        self.mode = mode
        self.urls = tuple(urls)
        self.settle = settle

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RenderMiddleware:
        settings = crawler.settings
        return cls(
            RenderMode(settings.get("GAPCHECK_RENDER", RenderMode.OFF)),
            tuple(settings.getlist("GAPCHECK_RENDER_URLS")),
            settings.getfloat("GAPCHECK_RENDER_SETTLE", SETTLE_SECONDS),
        )

    def wanted(self, request: Request) -> bool:
        if request.meta.get("gapcheck") != Role.PAGE or request.method != "GET":
            return False
        if self.mode is RenderMode.ALL:
            return True
        if self.mode is RenderMode.PATTERNS:
            return any(patterns.search(p, request.url, undecided=False) for p in self.urls)
        if self.mode is RenderMode.AUTO:
            return bool(request.meta.get(AUTO_RENDER))
        return False

    def process_request(self, request: Request) -> None:
        if request.meta.get("playwright") or request.meta.get(RAW_ONLY) or not self.wanted(request):
            return None
        from scrapy_playwright.page import PageMethod

        # A page the browser renders is downloaded whole: a browser navigating to a 304 never settles, and a
        # page revalidated raw would lose what its scripts build.
        for header in (b"If-None-Match", b"If-Modified-Since"):
            request.headers.pop(header, None)
        request.meta["playwright"] = True
        # `load` (the default) before reading; a PageMethod object keeps its result, so one per request.
        request.meta["playwright_page_methods"] = [PageMethod(_settle, self.settle)]
        request.meta[RENDERED] = True
        return None

    def process_response(self, request: Request, response: Response) -> Request | Response:
        """A rendered page the browser could not show (its reload refused: abort_request) is read raw."""
        if request.meta.get("playwright") and response.url.startswith(BROWSER_ERROR_PAGE):
            raw = request.replace(dont_filter=True)
            for key in ("playwright", "playwright_page_methods", RENDERED):
                raw.meta.pop(key, None)
            raw.meta[RAW_ONLY] = True
            return raw
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        """Browser errors as the Scrapy errors the spider classifies (DNS, refused, timeout, TLS, reset);
        otherwise every failed rendered page would read as an unexplained error."""
        if not request.meta.get("playwright"):
            return None
        mapped = scrapy_error(exception)
        if mapped is not None:
            raise mapped from exception
        return None


_NET_ERRORS = (
    ("ERR_NAME_NOT_RESOLVED", "CannotResolveHostError"),
    ("ERR_NAME_RESOLUTION_FAILED", "CannotResolveHostError"),
    ("ERR_CONNECTION_REFUSED", "DownloadConnectionRefusedError"),
    ("ERR_TIMED_OUT", "DownloadTimeoutError"),
    ("ERR_CONNECTION_TIMED_OUT", "DownloadTimeoutError"),
    ("ERR_CONNECTION_RESET", "ResponseDataLossError"),
    ("ERR_CONNECTION_CLOSED", "ResponseDataLossError"),
    ("ERR_EMPTY_RESPONSE", "ResponseDataLossError"),
)


def scrapy_error(exception: Exception) -> Exception | None:
    import scrapy.exceptions
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    if isinstance(exception, PlaywrightTimeout):
        return scrapy.exceptions.DownloadTimeoutError(str(exception).splitlines()[0])
    if not isinstance(exception, PlaywrightError):
        return None
    message = exception.message
    for code, name in _NET_ERRORS:
        if code in message:
            return getattr(scrapy.exceptions, name)(message.splitlines()[0])
    if "ERR_CERT_" in message or "ERR_SSL_" in message:
        # The spider tells TLS failures by these words in the error's text.
        return scrapy.exceptions.DownloadFailedError(f"TLS certificate error: {message.splitlines()[0]}")
    return None
