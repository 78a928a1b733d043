"""Builds the `Site` a crawl would have stored, from HTML fixtures, for the rule tests.

Every page goes through the real extractor (`spiders.extract.extract`), so a test sees the links,
regions, list dates and meta tags exactly as the spider records them. Like the spider, every fetched page
also gets a link check of its own (200); `checks=` adds or overrides the outcomes of other link targets.

    site = build_site(
        {"": "GK102/home.html", "ztzl/zgm/index.html": page("<h2>中国梦</h2>")},
        checks={"images/ad.jpg": (404, None), "http://www.wuhan.gov.cn/": (None, FetchError.TIMEOUT)},
    )
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import urljoin

from checks import BY_CODE, Finding, Options, run
from core.model import CrawlStats, FetchError, LinkCheck, Page, Site
from spiders.extract import extract

BASE = "http://bureau.example.gov.cn/"
AS_OF = dt.date(2026, 11, 20)
FIXTURES = Path(__file__).parent / "fixtures" / "rules"

Outcome = tuple[int | None, FetchError | None] | tuple[int | None, FetchError | None, str]
"""(status, error) or (status, error, reason) of one request."""

NAV = """<div class="nav"><ul>
<li><a href="/sy/index.html">首页</a></li>
<li><a href="/zwgk/index.html">政务公开</a></li>
<li><a href="/swdt/index.html">商务动态</a></li>
<li><a href="/tzgg/index.html">通知公告</a></li>
<li><a href="/hdjl/index.html">互动交流</a></li>
</ul></div>"""

_TEMPLATE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{title}</title>
<meta name="SiteName" content="示例市商务局">
{meta}
<link rel="stylesheet" type="text/css" href="/css/style.css">
</head>
<body>
<div class="header"><div class="logo"><a href="/sy/index.html"><img src="/images/logo.png" alt="示例市商务局"></a></div></div>
{nav}
<div class="main">
{main}
</div>
<div class="footer">
<p>主办单位：示例市商务局　地址：示例市江岸区沿江大道188号　电话：027-12345678</p>
<p>网站标识码：4201000099　鄂ICP备12345678号</p>
</div>
</body>
</html>
"""


def url(path: str) -> str:
    """The absolute URL of a path on the test portal; absolute URLs pass through."""
    return urljoin(BASE, path)


def page(main: str, *, title: str = "示例市商务局", column: str = "", pubdate: str = "", nav: str = NAV) -> str:
    """A portal page in the site's template (header, navigation, footer) around `main`.

    `column` adds `<meta name="ColumnName">` (list pages); `pubdate` adds ArticleTitle and PubDate (articles).
    """
    meta = []
    if column:
        meta.append(f'<meta name="ColumnName" content="{column}">')
    if pubdate:
        meta.append(f'<meta name="ArticleTitle" content="{title}">')
        meta.append(f'<meta name="PubDate" content="{pubdate}">')
    return _TEMPLATE.format(title=title, meta="\n".join(meta), nav=nav, main=main)


def news_list(*items: tuple[str, str, str], css: str = "list") -> str:
    """`<ul class="list">` of (href, title, date-as-shown) list items."""
    lis = "\n".join(
        f'<li><a href="{href}" target="_blank">{title}</a><span class="date">{date}</span></li>'
        for href, title, date in items
    )
    return f'<ul class="{css}">\n{lis}\n</ul>'


def _html(source: str) -> str:
    """HTML given inline, or the text of a fixture file named relative to tests/fixtures/rules/."""
    if source.lstrip().startswith("<"):
        return source
    return (FIXTURES / source).read_text(encoding="utf-8")


def _check(target: str, outcome: Outcome) -> LinkCheck:
    status, error, *reason = outcome
    return LinkCheck(target, status=status, error=error, reason=reason[0] if reason else "")


def build_site(
    pages: Mapping[str, str],
    checks: Mapping[str, Outcome] | None = None,
    *,
    failed: Mapping[str, Outcome] | None = None,
    as_of: dt.date = AS_OF,
    crawl: CrawlStats | None = None,
) -> Site:
    """The site a crawl of `pages` (path → HTML or fixture file, in crawl order; "" is the start URL) saw.

    `failed` are in-site pages whose fetch failed (path → outcome); `checks` are the outcomes of link
    targets (path or absolute URL → outcome).
    """
    site_pages: dict[str, Page] = {}
    site_checks: dict[str, LinkCheck] = {}
    for path, source in pages.items():
        address = url(path)
        seen = extract(_html(source), address)
        site_pages[address] = Page(
            url=address,
            final_url=address,
            status=200,
            content_type="text/html",
            encoding="utf-8",
            title=seen.title,
            headings=seen.headings,
            meta=seen.meta,
            dates=seen.dates,
            links=seen.links,
            forms=seen.forms,
            text=seen.text,
            main_chars=seen.main_chars,
            zones=seen.zones,
        )
        site_checks[address] = LinkCheck(address, status=200, final_url=address, content_type="text/html")
    for path, outcome in (failed or {}).items():
        check = _check(url(path), outcome)
        error = f"{check.error}: {check.reason}" if check.error else ""
        site_pages[check.url] = Page(
            url=check.url,
            final_url=check.url,
            status=check.status,
            content_type="text/html" if check.status else "",
            error=error,
        )
        site_checks[check.url] = check
    for target, outcome in (checks or {}).items():
        site_checks[url(target)] = _check(url(target), outcome)
    stats = crawl or CrawlStats(pages=len(site_pages), page_limit=5000)
    return Site("示例市商务局", BASE, as_of, site_pages, site_checks, stats)


def check(code: str, site: Site, options: Options) -> list[Finding]:
    """The findings of one rule."""
    return run(site, options, [BY_CODE[code]])[0]


def outcomes(findings: Iterable[Finding]) -> list[tuple[str, str, str]]:
    """(rule, status, subject) of each finding, for exact comparisons."""
    return [(f.rule, str(f.status), f.subject) for f in findings]
