"""What a crawl asks of Scrapy beyond fetching: the spider writes what it saw to the store itself (Scrapy only
carries its requests), and Scrapy components the crawl does not use stay off.

Pages and link checks used to be Scrapy items, each through the spider-middleware output, the item
pipeline and the item_scraped signal (three items a page); bench/README.md has the figures.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from core.model import FetchError
from gapcheck.crawl_setup import YOUNG_GENERATION
from gapcheck.store import Store
from spiders.portal import PortalSpider
from spiders.roles import Role
from spiders.settings import DEFAULTS

START = "http://127.0.0.1:1/"
HTML = (
    "<html><head><title>首页</title></head><body>"
    '<a href="/a/">通知公告</a><img src="/logo.png"><a href="http://user:pw@127.0.0.1:1/x">后台</a>'
    "</body></html>"
).encode()


def _spider(store: Store, run: int) -> PortalSpider:
    crawler = get_crawler(PortalSpider, {**DEFAULTS, "GAPCHECK_RUN_ID": run})
    crawler.spider = crawler._create_spider(START, sink=store, dns_probe=())
    return crawler.spider


def test_a_page_and_its_checks_go_to_the_store_and_only_requests_to_scrapy(tmp_path):
    store = Store(tmp_path / "s.sqlite")
    run = store.start_run("局", START, "national", dt.date(2026, 11, 20), 100)
    spider = _spider(store, run)
    request = spider._request(START, Role.PAGE, depth=0, referrer="")
    response = HtmlResponse(START, body=HTML, headers={"Content-Type": "text/html; charset=utf-8"}, request=request)

    out = list(spider.parse(response))

    assert all(isinstance(o, Request) for o in out)
    assert sorted(o.url for o in out) == [START + "a/", START + "logo.png"]
    spider.closed("finished")
    site = store.load_site(run)
    assert site.pages[START].title == "首页"
    assert [link.url for link in site.pages[START].links] == [
        START + "a/",
        START + "logo.png",
        "http://user:pw@127.0.0.1:1/x",
    ]
    assert site.checks[START].status == 200
    assert site.checks["http://user:pw@127.0.0.1:1/x"].error is FetchError.CREDENTIALS


def test_a_failed_page_is_written_with_its_check(tmp_path):
    store = Store(tmp_path / "s.sqlite")
    run = store.start_run("局", START, "national", dt.date(2026, 11, 20), 100)
    spider = _spider(store, run)
    request = spider._request(START + "gone/", Role.PAGE, depth=1, referrer=START)
    response = HtmlResponse(START + "gone/", status=404, body=b"<title>404</title>", request=request)

    assert list(spider.parse(response)) == []
    spider.closed("finished")
    site = store.load_site(run)
    assert site.pages[START + "gone/"].status == 404
    assert site.checks[START + "gone/"].status == 404


def test_a_crawl_starts_no_remote_control_server(tmp_path):
    """Scrapy 2.19's RemoteControl runs any Python code POSTed to a localhost port (its token in a job file
    under the user's state folder): nothing a nightly checker should open, and starting it costs time."""
    code = (
        "from scrapy.crawler import Crawler; from scrapy.settings import Settings;"
        "from spiders.portal import PortalSpider; from spiders.settings import DEFAULTS;"
        "c = Crawler(PortalSpider, Settings(DEFAULTS), init_reactor=True); c._apply_settings();"
        "print(*(type(e).__name__ for e in c.extensions.middlewares))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert "CoreStats" in out.stdout.split()  # the list was read
    assert "RemoteControl" not in out.stdout.split()


def test_a_crawl_keeps_the_start_up_objects_out_of_the_collector(tmp_path):
    """Python's cyclic collector walked every module, class and function at each full collection: 2.1 of the
    12 CPU seconds of a 3,000-page check (bench/README.md). The crawl freezes what exists when it starts, once
    a process, and collects the young generation less often."""
    code = (
        "import gc, sys; from gapcheck.cli import main;"
        f"rc = main(['check', 'http://127.0.0.1:1/', '--db', {str(tmp_path / 'db.sqlite')!r},"
        f" '--out', {str(tmp_path / 'out')!r}, '--no-render']);"
        "print(rc, gc.get_freeze_count() > 10_000, gc.get_threshold())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert out.stdout.split()[:2] == ["3", "True"]  # unreachable, after a crawl that ran
    assert out.stdout.split(maxsplit=2)[2].strip() == str(YOUNG_GENERATION)
