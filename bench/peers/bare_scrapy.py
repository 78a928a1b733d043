#!/usr/bin/env python3
"""The least a Scrapy link crawl does: bench/run.py's `scrapy-bare` reference (not a target).

    python bench/peers/bare_scrapy.py http://127.0.0.1:PORT/ [--concurrency 32]

GETs every in-site page, parses it with lxml, keeps the URLs it has seen in a set in the spider,
and sends HEAD for every in-site URL that is not a page (images, CSS, JS, attachments). It runs no
checks, stores nothing and yields no items. Scrapy is configured as gapcheck configures it for a
benchmark run (`--delay 0`): no AutoThrottle, no download delay, no robots.txt, no cookies,
CONCURRENT_ITEMS=1, breadth-first FIFO queue, the spider middlewares that do nothing here off,
Scrapy's loggers silenced before records are built. What it measures is what Scrapy and lxml alone
cost per page on this machine: a ceiling for any Scrapy-based crawler, gapcheck included.

Prints one line at the end: pages fetched, other URLs HEADed, errors.
"""

from __future__ import annotations

import argparse
import logging
import sys
from urllib.parse import urljoin, urlsplit

import lxml.html
import scrapy
from scrapy.crawler import CrawlerProcess

ASSET_SUFFIXES = (
    ".css",
    ".js",
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".bmp",
    ".webp",
    ".svg",
    ".ico",
    ".pdf",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".ppt",
    ".pptx",
    ".wps",
    ".zip",
    ".rar",
    ".7z",
    ".txt",
    ".xml",
    ".mp3",
    ".mp4",
    ".avi",
    ".flv",
)
"""A link whose path ends so is HEADed, not fetched as a page."""

# (tag, attribute, is a page candidate)
LINK_ATTRS = (
    ("a", "href", True),
    ("area", "href", True),
    ("iframe", "src", True),
    ("frame", "src", True),
    ("img", "src", False),
    ("link", "href", False),
    ("script", "src", False),
)


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, start_url: str, **kwargs):
        super().__init__(**kwargs)
        self.start_url = start_url
        self.host = urlsplit(start_url).netloc
        self.seen: set[str] = {start_url}
        self.pages = 0
        self.heads = 0
        self.errors = 0

    async def start(self):  # Scrapy >= 2.13
        yield scrapy.Request(self.start_url, callback=self.parse, errback=self.failed)

    def start_requests(self):  # older Scrapy
        yield scrapy.Request(self.start_url, callback=self.parse, errback=self.failed)

    def parse(self, response):
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
        if response.status != 200 or "html" not in ctype:
            return
        self.pages += 1
        try:
            doc = lxml.html.fromstring(response.body)
        except (ValueError, lxml.etree.ParserError):
            return
        base = response.url
        for tag, attr, page in LINK_ATTRS:
            for el in doc.iter(tag):
                ref = el.get(attr)
                if not ref:
                    continue
                ref = ref.strip()
                if ref.startswith(("javascript:", "mailto:", "tel:", "#", "data:")):
                    continue
                url = urljoin(base, ref).partition("#")[0]
                parts = urlsplit(url)
                if parts.netloc != self.host or parts.scheme not in ("http", "https") or url in self.seen:
                    continue
                self.seen.add(url)
                if page and not parts.path.lower().endswith(ASSET_SUFFIXES):
                    yield scrapy.Request(url, callback=self.parse, errback=self.failed, dont_filter=True)
                else:
                    yield scrapy.Request(
                        url, method="HEAD", callback=self.headed, errback=self.failed, dont_filter=True
                    )

    def headed(self, response):
        self.heads += 1
        return ()

    def failed(self, failure):
        self.errors += 1


SETTINGS = {
    "LOG_LEVEL": "CRITICAL",
    "LOGSTATS_INTERVAL": 0,
    "TELNETCONSOLE_ENABLED": False,
    "REMOTE_CONTROL_ENABLED": False,  # as gapcheck: Scrapy 2.19's code-running HTTP server stays off
    "MEMUSAGE_ENABLED": False,
    "ROBOTSTXT_OBEY": False,
    "COOKIES_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_ITEMS": 1,
    "HTTPERROR_ALLOW_ALL": True,
    "METAREFRESH_ENABLED": False,
    "RETRY_ENABLED": False,
    "REDIRECT_MAX_TIMES": 10,
    "DOWNLOAD_TIMEOUT": 20,
    "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
    "DUPEFILTER_CLASS": "scrapy.dupefilters.BaseDupeFilter",  # deduped in the spider
    "SPIDER_MIDDLEWARES": {
        "scrapy.spidermiddlewares.referer.RefererMiddleware": None,
        "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
        "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
        "scrapy.spidermiddlewares.httperror.HttpErrorMiddleware": None,
        "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
    },
    "DOWNLOADER_MIDDLEWARES": {
        "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
        "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
    },
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("url")
    ap.add_argument("--concurrency", type=int, default=32, help="requests at once to the host (default 32)")
    args = ap.parse_args(argv)
    settings = dict(SETTINGS, CONCURRENT_REQUESTS=args.concurrency, CONCURRENT_REQUESTS_PER_DOMAIN=args.concurrency)
    process = CrawlerProcess(settings)
    for name in ("scrapy", "twisted", "py.warnings"):  # as gapcheck does: drop records before they are built
        logging.getLogger(name).setLevel(logging.CRITICAL)
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, start_url=args.url)
    process.start()
    spider = crawler.spider
    print(f"bare scrapy: {spider.pages} pages GET, {spider.heads} other URLs HEAD, {spider.errors} errors")
    return 0 if spider.pages else 1


if __name__ == "__main__":
    sys.exit(main())
