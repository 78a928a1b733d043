"""Links whose URL cannot be parsed (a port out of range or not a number, a broken IPv6 host) are broken
links of their own; the crawl goes on past them. And a crawl in which gapcheck itself failed on a page
never reads as complete."""

from __future__ import annotations

import datetime as dt

import pytest
from routeserver import Answer, Req, html
from sitebuilder import BASE, build_site, check, outcomes, page
from test_politeness import ARTICLE, _crawl, _findings, _links

from checks import Options
from core.model import CrawlStats, Page
from gapcheck.store import Store

pytestmark = pytest.mark.e2e

MALFORMED = (
    "http://127.0.0.1:99999/x",
    "http://127.0.0.1:80:80/",
    "http://127.0.0.1:8o/",
    "http://[::1/x",
    "http:///nohost.html",
)


def test_a_malformed_link_is_broken_and_every_later_link_is_still_followed(tmp_path):
    def route(req: Req) -> Answer:
        if req.path == "/":
            bad = "".join(f'<a href="{u}">坏链接</a>' for u in MALFORMED)
            return html(bad + "".join(f'<a href="/p{i}.html">第{i}篇</a>' for i in range(5)))
        if req.path.startswith("/p"):
            return html(ARTICLE)
        return Answer(404)

    report, _, asked = _crawl(route, tmp_path)
    assert {f"/p{i}.html" for i in range(5)} <= asked
    links = _links(report)
    for url in MALFORMED:
        assert links[url]["verdict"] == "broken" and links[url]["reason"] == "网址格式错误", links.get(url)
    [gk901] = _findings(report, "GK901")
    assert "6 个页面" in gk901["evidence"], gk901
    assert not _findings(report, "GK907") or _findings(report, "GK907")[0]["status"] == "pass"


def test_gk907_fails_when_gapcheck_could_not_process_pages():
    site = build_site({"": page("<h2>要闻</h2>")}, crawl=CrawlStats(pages=1, page_limit=5000, internal_errors=1))
    [finding] = check("GK907", site, Options())
    assert outcomes([finding]) == [("GK907", "fail", "检查程序错误")]
    assert finding.url == BASE and "1 个页面" in finding.evidence


def test_gk907_passes_when_every_page_was_processed():
    [finding] = check("GK907", build_site({"": page("<h2>要闻</h2>")}, crawl=CrawlStats(pages=1)), Options())
    assert outcomes([finding]) == [("GK907", "pass", "检查程序错误")]


def test_gk907_fails_from_the_stored_run_too(tmp_path):
    # The rules read the run back from the store, in `check` as in `gapcheck report`: the count was not
    # stored, and GK907 said 所有页面均正常处理 after any crawl.
    store = Store(tmp_path / "db.sqlite")
    run = store.start_run("x", BASE, "national", dt.date(2026, 11, 20), 10)
    store.add_crawled(run, [Page(BASE, BASE, 200, "text/html", title="首页")])
    store.finish_crawl(run, CrawlStats(pages=1, internal_errors=2))
    [finding] = check("GK907", store.load_site(run), Options())
    assert outcomes([finding]) == [("GK907", "fail", "检查程序错误")]
    assert "2 个页面" in finding.evidence
