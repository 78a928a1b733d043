"""3xx links: GK301 broken on the home page, GK302 broken elsewhere, GK303 unverified (never counted as broken)."""

from __future__ import annotations

import pytest
from sitebuilder import BASE, build_site, outcomes, page, url

from checks import DEFAULTS, RULES, Context, Options, Status, run, select, summarize
from core.model import FetchError, Verdict
from gapcheck.profile import load_profile

NATIONAL = load_profile("national").options
LINK_RULES = select(["GK301", "GK302", "GK303"])
HOME = url("sy/index.html")
ARTICLE = url("swdt/202607/t20260717_2434123.html")
SITE = {
    "": "GK301/entry.html",
    "sy/index.html": "GK301/home.html",
    "swdt/202607/t20260717_2434123.html": "GK301/article.html",
}


def test_links_on_a_portal_with_an_entry_page():
    site = build_site(
        SITE,
        {
            "css/entry.css": (404, None, "页面不存在"),
            "images/missing-ad.jpg": (404, None, "页面不存在"),
            "tzgg/202611/P020261103389930.xls": (200, None),
            "css/style.css": (200, None),
            "http://www.hubei.gov.cn/": (None, FetchError.TIMEOUT, "超时"),
            "files/2019-report.pdf": (404, None, "页面不存在"),
            "http://127.0.0.1:1/closed": (None, FetchError.REFUSED, "连接被拒绝"),
            "http://www.mofcom.gov.cn/article/ae/": (403, None, "拒绝访问"),
            "http://www.example.com/linked-from-nowhere": (404, None, "页面不存在"),
        },
    )
    findings, _ = run(site, NATIONAL, LINK_RULES)
    assert [(f.rule, f.status, f.subject, f.url, f.evidence, f.deduction) for f in findings] == [
        ("GK301", "fail", url("css/entry.css"), BASE, f"HTTP 404：页面不存在；所在页面：{BASE}", 1),
        ("GK301", "fail", url("images/missing-ad.jpg"), HOME, f"HTTP 404：页面不存在；所在页面：{HOME}", 1),
        ("GK302", "fail", url("files/2019-report.pdf"), ARTICLE, f"HTTP 404：页面不存在；所在页面：{ARTICLE}", 0.1),
        ("GK302", "fail", "http://127.0.0.1:1/closed", ARTICLE, f"无响应：连接被拒绝；所在页面：{ARTICLE}", 0.1),
        ("GK303", "unverified", "http://www.hubei.gov.cn/", HOME, f"无响应：超时；所在页面：{HOME}、{ARTICLE}", 0),
        (
            "GK303",
            "unverified",
            "http://www.mofcom.gov.cn/article/ae/",
            ARTICLE,
            f"HTTP 403：拒绝访问；所在页面：{ARTICLE}",
            0,
        ),
    ]
    summary = summarize(findings, {r.code: r.severity for r in RULES})
    assert summary.score == 97.8


BROKEN, UNVERIFIED, OK = Verdict.BROKEN, Verdict.UNVERIFIED, Verdict.OK


@pytest.mark.parametrize(
    ("outcome", "verdict"),
    [
        ((404, None, "页面不存在"), BROKEN),
        ((410, None, "页面已删除"), BROKEN),
        ((500, None, "服务器内部错误"), BROKEN),
        ((502, None, "网关错误"), BROKEN),
        ((None, FetchError.DNS, "域名无法解析"), BROKEN),
        ((None, FetchError.REFUSED, "连接被拒绝"), BROKEN),
        ((None, FetchError.TLS, "证书错误"), BROKEN),
        ((None, FetchError.REDIRECT_LOOP, "重定向循环"), BROKEN),
        ((401, None, "需要登录"), UNVERIFIED),
        ((403, None, "拒绝访问"), UNVERIFIED),
        ((429, None, "请求过多（限流）"), UNVERIFIED),
        ((None, FetchError.TIMEOUT, "超时"), UNVERIFIED),
        ((None, FetchError.RESET, "连接被重置"), UNVERIFIED),
        ((None, FetchError.ROBOTS, "robots.txt 禁止访问"), UNVERIFIED),
        ((None, FetchError.OTHER, "未知错误"), UNVERIFIED),
        ((None, None), UNVERIFIED),
        ((200, None), OK),
        ((301, None), OK),
    ],
)
@pytest.mark.parametrize("on_home", [True, False], ids=["home", "other-page"])
def test_each_outcome_is_counted_by_exactly_one_rule(outcome, verdict, on_home):
    target = "http://www.example.com/target"
    link = f'<p><a href="{target}">外部链接</a></p>'
    site = build_site(
        {
            "": page(("" if not on_home else link) + '<a href="/swdt/a.html">商务动态</a>'),
            "swdt/a.html": page(link if not on_home else "<h1>正文</h1>"),
        },
        {target: outcome},
    )
    assert Context(site, Options(), DEFAULTS).verdict(target) is verdict
    findings, _ = run(site, NATIONAL, LINK_RULES)
    broken_rule = "GK301" if on_home else "GK302"
    reported = [(f.rule, f.status) for f in findings if f.subject == target]
    expected = {BROKEN: [(broken_rule, Status.FAIL)], UNVERIFIED: [("GK303", Status.UNVERIFIED)], OK: []}[verdict]
    assert reported == expected
    passes = [f.rule for f in findings if f.status is Status.PASS]
    assert passes == [r for r in ("GK301", "GK302") if not (verdict == BROKEN and r == broken_rule)]


def test_a_link_on_home_and_other_pages_counts_once_on_the_home_page():
    ad = '<a href="/images/ad.jpg">广告</a>'
    others = {f"swdt/{i}.html": page(ad) for i in range(4)}
    site = build_site({"": page(ad), **others}, {"images/ad.jpg": (404, None, "页面不存在")})
    findings, _ = run(site, NATIONAL, LINK_RULES)
    assert outcomes(findings) == [("GK301", "fail", url("images/ad.jpg")), ("GK302", "pass", "其他页面链接")]
    assert findings[0].evidence == (
        f"HTTP 404：页面不存在；所在页面：{BASE}、{BASE}swdt/0.html、{BASE}swdt/1.html 等 5 个页面"
    )


def test_passing_findings_say_how_many_links_were_checked():
    site = build_site(
        {
            "": page('<a href="/swdt/a.html">商务动态</a><img src="/images/a.png" alt="图">'),
            "swdt/a.html": page('<a href="/files/a.pdf">附件</a>'),
        },
        {"images/a.png": (200, None), "files/a.pdf": (403, None, "拒绝访问")},
    )
    findings, _ = run(site, NATIONAL, LINK_RULES)
    assert [(f.rule, f.status, f.subject, f.url, f.evidence) for f in findings] == [
        ("GK301", "pass", "首页链接", BASE, "检查了 2 个链接，均可访问或待核实"),
        ("GK302", "pass", "其他页面链接", BASE, "检查了 1 个链接，均可访问或待核实"),
        (
            "GK303",
            "unverified",
            url("files/a.pdf"),
            url("swdt/a.html"),
            f"HTTP 403：拒绝访问；所在页面：{BASE}swdt/a.html",
        ),
    ]


def test_deductions_default_to_the_registry_without_a_profile_setting():
    site = build_site({"": page('<img src="/images/ad.jpg" alt="广告">')}, {"images/ad.jpg": (404, None)})
    [home, _] = run(site, Options(), LINK_RULES)[0]
    assert (home.rule, home.status, home.deduction, home.evidence) == (
        "GK301",
        "fail",
        1.0,
        f"HTTP 404：页面不存在；所在页面：{BASE}",
    )
