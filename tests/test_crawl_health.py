"""9xx crawl health: GK901 page limit reached, GK902 in-site pages that could not be fetched."""

from __future__ import annotations

import pytest
from sitebuilder import BASE, build_site, check, outcomes, page, url

from checks import Options, Status
from core.model import CrawlStats, FetchError

HOME = {
    "": page(
        '<ul><li><a href="/swdt/index.html">商务动态</a></li><li><a href="/tzgg/index.html">通知公告</a></li></ul>'
    )
}


@pytest.mark.parametrize(
    ("stats", "status", "evidence"),
    [
        (CrawlStats(pages=5000, page_limit=5000, page_limit_reached=True), "warn", "已抓取 5000 个页面，达到上限 5000"),
        (CrawlStats(pages=1, page_limit=5000), "pass", "抓取了 1 个页面"),
    ],
)
def test_gk901_warns_when_the_page_limit_stopped_the_crawl(stats, status, evidence):
    [finding] = check("GK901", build_site(HOME, crawl=stats), Options())
    assert outcomes([finding]) == [("GK901", status, "抓取范围")]
    assert (finding.url, finding.evidence, finding.deduction) == (BASE, evidence, 0.0)


def test_gk902_lists_pages_that_could_not_be_fetched():
    failed = {"swdt/index.html": (500, None, "服务器内部错误"), "tzgg/index.html": (None, FetchError.TIMEOUT, "超时")}
    site = build_site(HOME, failed=failed)
    [finding] = check("GK902", site, Options())
    assert outcomes([finding]) == [("GK902", "warn", "站内页面")]
    assert finding.url == url("swdt/index.html")
    assert finding.evidence == f"2 个页面未能抓取，如：{BASE}swdt/index.html、{BASE}tzgg/index.html"


def test_gk902_shows_five_failed_pages_at_most():
    failed = {f"swdt/{i}.html": (404, None, "页面不存在") for i in range(7)}
    [finding] = check("GK902", build_site(HOME, failed=failed), Options())
    assert finding.evidence.startswith("7 个页面未能抓取，如：")
    assert finding.evidence.count(BASE) == 5


def test_gk902_passes_when_every_page_was_fetched():
    [finding] = check("GK902", build_site(HOME), Options())
    assert outcomes([finding]) == [("GK902", "pass", "站内页面")]
    assert finding.evidence == "1 个页面均已抓取"


def test_a_failed_page_is_also_a_broken_link_on_the_page_that_links_it():
    site = build_site(HOME, failed={"swdt/index.html": (404, None, "页面不存在")})
    findings = check("GK301", site, Options())
    assert [(f.status, f.subject) for f in findings] == [(Status.FAIL, url("swdt/index.html"))]


def test_gk903_a_page_with_ten_thousand_links_is_bounded_and_noted():
    from core.model import LINKS_LIMIT

    links = "".join(f'<li><a href="/cal/{i}.html">{i}</a></li>' for i in range(10_000))
    site = build_site({"": page("<h2>要闻</h2>"), "cal/index.html": page(f"<ul>{links}</ul>")})
    trap = site.pages[url("cal/index.html")]
    assert len(trap.links) == LINKS_LIMIT
    [finding] = check("GK903", site, Options())
    assert finding.status is Status.WARN and url("cal/index.html") in finding.evidence
    assert "另有" in finding.evidence
    assert check("GK903", build_site({"": page("<h2>要闻</h2>")}), Options())[0].status is Status.PASS


def test_gk901_fails_when_the_breaker_left_pages_of_the_site_unfetched():
    stopped = (None, FetchError.CIRCUIT_OPEN, "该主机连续 10 次请求失败（最近一次：HTTP 500），已停止向其发送请求")
    site = build_site(HOME, failed={"swdt/index.html": stopped}, crawl=CrawlStats(pages=1, page_limit=5000))
    [finding] = check("GK901", site, Options())
    assert outcomes([finding]) == [("GK901", "fail", "抓取范围")]
    assert finding.url == url("swdt/index.html")
    assert finding.evidence == f"抓取了 1 个页面；1 个页面因服务器连续出错停止请求而未抓取，如：{BASE}swdt/index.html"


def test_gk903_a_page_nested_deeper_than_the_parser_reads_is_noted():
    # libxml2 reads 256 levels of elements; past them it loses the rest of the page without a word.
    deep = "<div>" * 300 + '<p>深处的正文</p><a href="/deep.html">深链接</a>' + "</div>" * 300
    site = build_site({"": page("<h2>要闻</h2>"), "deep.html": page(deep), "flat.html": page("<div>" * 100 + "正文")})
    [finding] = check("GK903", site, Options())
    assert finding.status is Status.WARN and finding.url == url("deep.html")
    assert (
        finding.evidence
        == f"1 个页面超出上限，如：{url('deep.html')}（元素嵌套超过 256 层，更深处及其后的内容未能读取）"
    )
