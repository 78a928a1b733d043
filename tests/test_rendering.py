"""Pages built by script: rendering in Debian's Chromium (spiders/rendering.py) and GK904.

The fixture portal's home page is almost empty HTML: one script writes the navigation, another loads the
news list with fetch() from a JSON endpoint. Unrendered, the crawl sees neither and GK904 says so;
rendered (`--render`), the column pages are crawled and GK904 passes. Real servers and a real browser;
without Chromium these tests skip, except under CI=true, where they fail (CI must really run them).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import cli
import pytest
from cli import gapcheck
from scrapy import Request
from sitebuilder import BASE, build_site, check, outcomes, page

from checks import Options, Status
from core.errors import ConfigError
from core.model import RENDERED
from gapcheck.crawl_request import CrawlRequest
from gapcheck.crawl_setup import scrapy_settings
from gapcheck.profile import CrawlOptions, load_profile
from gapcheck.store import Store
from spiders import rendering
from spiders.rendering import RenderMiddleware, RenderMode

NEWS = [
    (f"/xwdt/{i}.html", f"示例市数据局召开第{i}次数字政府建设专题工作推进会议", f"2026-11-{i + 1:02d}")
    for i in range(1, 13)
]

HOME = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>示例市数据局</title>
<script src="/js/config.js"></script>
<script src="/js/app.js"></script>
</head>
<body>
<div class="header" id="header"></div>
<div class="nav" id="nav"></div>
<div class="main"><h2>要闻</h2><ul class="list" id="list"></ul></div>
<div class="footer" id="footer"></div>
<script>
document.getElementById('nav').innerHTML =
  '<ul><li><a href="/zwgk/">政务公开</a></li><li><a href="/tzgg/">通知公告</a></li>' +
  '<li><a href="/rsxx/">人事信息</a></li></ul>';
document.getElementById('header').innerHTML = '<img src="/img/banner.png" alt="示例市数据局">';
</script>
<script>
fetch('/api/news.json').then(function (r) { return r.json(); }).then(function (items) {
  document.getElementById('list').innerHTML = items.map(function (i) {
    return '<li><a href="' + i.url + '">' + i.title + '</a><span class="date">' + i.date + '</span></li>';
  }).join('');
});
</script>
</body></html>
"""

COLUMN = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{name}</title></head>
<body><div class="main"><h1>{name}</h1><p>{name}栏目页面，内容在服务器上直接生成。</p></div></body></html>"""

ROUTES: dict[str, tuple[str, bytes]] = {
    "/": ("text/html; charset=utf-8", HOME.encode()),
    "/zwgk/": ("text/html; charset=utf-8", COLUMN.format(name="政务公开").encode()),
    "/tzgg/": ("text/html; charset=utf-8", COLUMN.format(name="通知公告").encode()),
    # An older CMS: GBK, declared in the header only; the browser's re-serialised HTML must read alike.
    "/rsxx/": (
        "text/html; charset=gbk",
        COLUMN.replace('<meta charset="utf-8">', "").format(name="人事信息").encode("gbk"),
    ),
    "/js/config.js": ("application/javascript", b"window.SITE = {name: 'demo'};"),
    "/js/app.js": ("application/javascript", b"window.APP = true;"),
    "/img/banner.png": ("image/png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64),
    "/api/news.json": (
        "application/json",
        json.dumps([{"url": u, "title": t, "date": d} for u, t, d in NEWS], ensure_ascii=False).encode(),
    ),
    **{u: ("text/html; charset=utf-8", COLUMN.format(name=t).encode()) for u, t, _ in NEWS},
}


class _Handler(BaseHTTPRequestHandler):
    requests: Counter  # (method, path) → count, set per server

    def _answer(self, body: bool) -> None:
        path = self.path.split("?")[0]
        self.requests[(self.command, path)] += 1
        content_type, data = ROUTES.get(path, ("text/html; charset=utf-8", b"<h1>404 Not Found</h1>"))
        self.send_response(200 if path in ROUTES else 404)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def do_GET(self):
        self._answer(body=True)

    def do_HEAD(self):
        self._answer(body=False)

    def log_message(self, *args):
        pass


@contextmanager
def script_portal() -> Iterator[tuple[str, Counter]]:
    requests: Counter = Counter()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), type("Handler", (_Handler,), {"requests": requests}))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/", requests
    finally:
        httpd.shutdown()
        httpd.server_close()


def need_chromium() -> str:
    """Chromium's path; skips the test without it, but under CI=true fails instead."""
    path = rendering.chromium_path()
    if os.access(path, os.X_OK):
        return path
    reason = (
        f"Chromium not found at {path} (apt-get install chromium, or set {rendering.CHROMIUM_ENV}); "
        "the rendering tests need it"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI=true: CI must run them (`make test` installs it as root)")
    pytest.skip(reason)


def crawl_portal(tmp: Path, *extra: str) -> dict:
    """Checks the fixture portal with the real command; what was crawled, found and asked."""
    with script_portal() as (site, requests):
        started = time.monotonic()
        result = cli.check(site, tmp, "--concurrency", "4", "--as-of", "2026-11-20", *extra)
        seconds = time.monotonic() - started
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads((tmp / "out" / "report.json").read_text(encoding="utf-8"))
    store = Store(tmp / "db.sqlite")
    try:
        pages = store.load_site(1).pages
    finally:
        store.close()
    gk904 = [f for f in report["findings"] if f["rule"] == "GK904"]
    return {"site": site, "pages": pages, "gk904": gk904, "requests": requests, "seconds": seconds, "out": tmp / "out"}


@pytest.fixture(scope="module")
def unrendered(tmp_path_factory):
    return crawl_portal(tmp_path_factory.mktemp("plain"), "--no-render")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    need_chromium()
    return crawl_portal(tmp_path_factory.mktemp("rendered"), "--render")


@pytest.fixture(scope="module")
def auto(tmp_path_factory):
    need_chromium()
    return crawl_portal(tmp_path_factory.mktemp("auto"))  # crawl.render: auto, the default


# -- the fixture portal, crawled --------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.browser
def test_auto_renders_a_site_whose_start_page_is_built_by_script(auto):
    site = auto["site"]
    crawled = {url.removeprefix(site.rstrip("/")) for url in auto["pages"]}
    assert {"/", "/zwgk/", "/tzgg/", "/rsxx/"} <= crawled, crawled
    assert all(p.meta.get(RENDERED) == "1" for p in auto["pages"].values() if p.is_html)
    assert auto["requests"][("GET", "/")] == 2  # raw once to compare, rendered once
    [finding] = auto["gk904"]
    assert finding["status"] == "pass"


def _auto_check(route, tmp_path):
    """A default check (crawl.render: auto) of a portal served by `route`: its URL and its stored site."""
    need_chromium()
    from routeserver import serve

    with serve(route) as server:
        result = cli.check(server.url, tmp_path)
    assert result.returncode in (0, 1), result.stderr
    store = Store(tmp_path / "db.sqlite")
    try:
        return server.url, store.load_site(1)
    finally:
        store.close()


PLAIN = '<div class="nav"><a href="/a.html">甲</a></div><p>' + "正文。" * 50 + "</p>"


@pytest.mark.e2e
@pytest.mark.browser
def test_auto_leaves_a_plain_site_unrendered(tmp_path):
    from routeserver import html

    base, site = _auto_check(lambda req: html(PLAIN), tmp_path)
    assert site.pages[base].meta.get(RENDERED) == "1"  # the start page is looked at rendered…
    assert site.pages[base + "a.html"].meta.get(RENDERED) is None  # …the rest of a plain site is not


TODAY = (  # as TRS and Hanweb templates write it at the top of every page
    '<div class="top"><span>今天是：<span id="today"></span></span>'
    '<a href="javascript:void(0)">无障碍浏览</a><a href="javascript:void(0)" onclick="addFavorite()">加入收藏</a>'
    "</div><script>var d = new Date(); document.getElementById('today').innerHTML = "
    "d.getFullYear() + '年' + (d.getMonth() + 1) + '月' + d.getDate() + '日';</script>"
)


@pytest.mark.e2e
@pytest.mark.browser
def test_auto_leaves_a_site_whose_template_writes_today_s_date_unrendered(tmp_path):
    """The date the script writes dates the buttons beside it, not a list of items: the site is plain."""
    from routeserver import html

    base, site = _auto_check(lambda req: html(TODAY + PLAIN), tmp_path)
    assert site.pages[base].meta.get(RENDERED) == "1"
    assert site.pages[base + "a.html"].meta.get(RENDERED) is None


@pytest.mark.e2e
@pytest.mark.browser
def test_a_rendered_page_is_downloaded_whole_in_a_revalidating_run(tmp_path):
    """The second run revalidates (If-None-Match); a page the browser renders is asked without it: a browser
    navigating to a 304 never settled, and the second run of a rendered portal hung."""
    need_chromium()
    from routeserver import Answer, html, serve

    def route(req):
        if req.if_none_match == '"v1"':
            return Answer(304, headers={"ETag": '"v1"'})
        body = "<script>window.location.href='sy/index.html';</script>" if req.path == "/" else PLAIN
        return html(body, headers={"ETag": '"v1"'})

    with serve(route) as server:
        for _ in range(2):
            result = cli.check(server.url, tmp_path, "--render")
            assert result.returncode in (0, 1), result.stderr
        revalidated = [r.path for r in server.requests if r.if_none_match]
    assert revalidated == []
    store = Store(tmp_path / "db.sqlite")
    try:
        site = store.load_site(2)
    finally:
        store.close()
    assert all(p.meta.get(RENDERED) == "1" for p in site.pages.values() if p.is_html)


@pytest.mark.e2e
@pytest.mark.browser
def test_auto_a_plain_home_page_whose_columns_are_built_by_script(tmp_path):
    """The home page is plain HTML; the 政务公开 page writes its list with a script: the sampled page shows,
    rendered, what its raw HTML lacks, so it is recorded rendered and its script-built links are followed."""
    from routeserver import html

    written = (
        "<div id='list'></div><script>document.getElementById('list').innerHTML = "
        "'<ul><li><a href=\"/zwgk/tzgg/\">通知公告</a></li></ul>';</script>"
    )

    def route(req):
        if req.path == "/":
            return html('<div class="nav"><a href="/zwgk/">政务公开</a></div><p>' + "正文。" * 50 + "</p>")
        if req.path == "/zwgk/":
            return html("<h2>政务公开</h2>" + written)
        return html("<h2>通知公告</h2><p>" + "正文。" * 50 + "</p>")

    base, site = _auto_check(route, tmp_path)
    assert site.pages[base + "zwgk/"].meta.get(RENDERED) == "1"
    assert base + "zwgk/tzgg/" in site.pages  # reached only through the script-built list


@pytest.mark.e2e
@pytest.mark.browser
def test_auto_an_entry_page_that_only_redirects_is_not_built_by_script(tmp_path):
    """`location.href = 'index.html'` (the sample portal's entry): the browser shows the landing page, whose
    raw HTML has the same links, so the site is crawled plain."""
    from routeserver import html

    def route(req):
        return html("<script>window.location.href='sy/index.html';</script>" if req.path == "/" else PLAIN)

    base, site = _auto_check(route, tmp_path)
    assert site.page(base + "sy/index.html") is not None  # the browser went there from the entry page
    assert site.pages[base + "a.html"].meta.get(RENDERED) is None


@pytest.mark.e2e
def test_unrendered_crawl_misses_the_script_built_columns(unrendered):
    site = unrendered["site"]
    assert set(unrendered["pages"]) == {site}
    assert unrendered["requests"][("GET", "/api/news.json")] == 0


@pytest.mark.e2e
def test_unrendered_missing_findings_say_a_script_may_hide_them(unrendered):
    report = json.loads((unrendered["out"] / "report.json").read_text(encoding="utf-8"))
    missing = [f for f in report["findings"] if f["rule"] in ("GK101", "GK502") and f["status"] == "fail"]
    assert missing and all(f["evidence"].endswith("（首页由脚本生成，可能被脚本隐藏）") for f in missing)


@pytest.mark.e2e
def test_unrendered_crawl_warns_gk904_naming_the_home_page(unrendered):
    [finding] = unrendered["gk904"]
    assert finding["status"] == "warn", finding
    assert finding["url"] == unrendered["site"]
    assert unrendered["site"] in finding["evidence"] and "个脚本" in finding["evidence"]
    assert "--render" in finding["message"]


@pytest.mark.e2e
@pytest.mark.browser
def test_rendered_crawl_follows_the_navigation_and_the_fetched_list(rendered):
    site = rendered["site"]
    crawled = {url.removeprefix(site.rstrip("/")) for url in rendered["pages"]}
    assert {"/", "/zwgk/", "/tzgg/", "/rsxx/"} <= crawled
    assert {u for u, _, _ in NEWS} <= crawled
    home = rendered["pages"][site]
    assert home.main_chars >= 200 and "政务公开" in home.text
    assert rendered["requests"][("GET", "/api/news.json")] >= 1
    assert rendered["pages"][site + "rsxx/"].title == "人事信息"


@pytest.mark.e2e
@pytest.mark.browser
def test_rendered_pages_are_marked(rendered, unrendered):
    assert all(p.meta.get(RENDERED) == "1" for p in rendered["pages"].values() if p.is_html)
    assert not any(RENDERED in p.meta for p in unrendered["pages"].values())


@pytest.mark.e2e
@pytest.mark.browser
def test_rendered_crawl_passes_gk904(rendered):
    [finding] = rendered["gk904"]
    assert finding["status"] == "pass", finding


@pytest.mark.e2e
@pytest.mark.browser
def test_the_browser_skips_images_which_are_still_checked_with_head(rendered):
    requests = rendered["requests"]
    assert requests[("HEAD", "/img/banner.png")] == 1
    assert requests[("GET", "/img/banner.png")] == 0


@pytest.mark.e2e
@pytest.mark.browser
def test_link_checks_are_not_rendered(rendered):
    # Scripts are link targets: HEAD by Scrapy; the browser's GET comes from rendering the page only.
    assert rendered["requests"][("HEAD", "/js/app.js")] == 1


@pytest.mark.e2e
@pytest.mark.browser
def test_rendering_costs_time_but_stays_bounded(rendered, unrendered):
    print(
        f"\nfixture portal: unrendered {unrendered['seconds']:.1f} s ({len(unrendered['pages'])} pages), "
        f"rendered {rendered['seconds']:.1f} s ({len(rendered['pages'])} pages)"
    )
    assert rendered["seconds"] < 120


# -- the middleware ------------------------------------------------------------------------------------


def request(url: str, role: str = "page", method: str = "GET") -> Request:
    return Request(url, method=method, meta={"gapcheck": role})


@pytest.mark.parametrize(
    ("mode", "urls", "req", "rendered"),
    [
        (RenderMode.ALL, (), request("http://a.gov.cn/"), True),
        (RenderMode.ALL, (), request("http://a.gov.cn/x.png", role="check", method="HEAD"), False),
        (RenderMode.ALL, (), request("http://a.gov.cn/x.png", role="check"), False),  # GET after a failed HEAD
        (RenderMode.ALL, (), request("http://a.gov.cn/", method="POST"), False),
        (RenderMode.ALL, (), Request("http://a.gov.cn/robots.txt"), False),  # Scrapy's own requests
        (RenderMode.PATTERNS, (r"/index\.html?$", "/xxgk/"), request("http://a.gov.cn/index.htm"), True),
        (RenderMode.PATTERNS, (r"/index\.html?$", "/xxgk/"), request("http://a.gov.cn/xxgk/list_2.html"), True),
        (RenderMode.PATTERNS, (r"/index\.html?$", "/xxgk/"), request("http://a.gov.cn/zwgk/a.html"), False),
        (RenderMode.PATTERNS, ("/xxgk/",), request("http://a.gov.cn/xxgk/f.pdf", role="check", method="HEAD"), False),
        (RenderMode.OFF, (), request("http://a.gov.cn/"), False),
    ],
)
def test_middleware_renders_matching_page_requests_only(mode, urls, req, rendered):
    middleware = RenderMiddleware(mode, urls)
    assert middleware.process_request(req) is None
    assert bool(req.meta.get("playwright")) is rendered
    assert bool(req.meta.get(rendering.RENDERED)) is rendered
    assert bool(req.meta.get("playwright_page_methods")) is rendered


def test_middleware_reads_its_settings(monkeypatch):
    monkeypatch.setenv(rendering.CHROMIUM_ENV, sys.executable)  # any executable: only its path is checked
    settings = scrapy_settings(CrawlRequest("http://a.gov.cn/", CrawlOptions(render_urls=("/xxgk/",))), 1)
    crawler = type("Crawler", (), {"settings": settings})()
    middleware = RenderMiddleware.from_crawler(crawler)
    assert middleware.mode is RenderMode.PATTERNS
    assert middleware.urls == ("/xxgk/",)
    assert middleware.settle == rendering.SETTLE_SECONDS


# -- settings ---------------------------------------------------------------------------------------------


@pytest.mark.e2e
def test_a_run_without_rendering_neither_registers_nor_imports_the_browser():
    settings = scrapy_settings(CrawlRequest("http://a.gov.cn/", CrawlOptions(render=RenderMode.OFF)), 1)
    assert "http" not in settings.getdict("DOWNLOAD_HANDLERS")
    assert "spiders.rendering.RenderMiddleware" not in settings.getdict("DOWNLOADER_MIDDLEWARES")
    code = (
        "import sys, gapcheck.cli, gapcheck.crawl, gapcheck.runner, gapcheck.profile; "
        "print(sorted(m for m in sys.modules if 'playwright' in m))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "[]", result.stderr


def test_render_settings_merge_into_the_defaults(monkeypatch):
    monkeypatch.setenv(rendering.CHROMIUM_ENV, sys.executable)  # any executable: only its path is checked
    opts = CrawlOptions(render=RenderMode.ALL, timeout=7)
    settings = scrapy_settings(CrawlRequest("http://a.gov.cn/", opts), 1)
    handler = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
    assert settings.getdict("DOWNLOAD_HANDLERS") == {"http": handler, "https": handler}
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    assert "spiders.rendering.RenderMiddleware" in middlewares
    assert middlewares["scrapy.downloadermiddlewares.offsite.OffsiteMiddleware"] is None  # defaults kept
    launch = settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")
    assert launch["executable_path"] == sys.executable and launch["headless"] is True
    assert "--no-sandbox" in launch["args"]
    assert settings.getfloat("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT") == 7000
    assert settings.get("PLAYWRIGHT_BROWSER_TYPE") == "chromium"
    assert settings.get("GAPCHECK_RENDER") == "all"
    assert settings.get("TWISTED_REACTOR") == "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
    retried = settings.getlist("RETRY_EXCEPTIONS")
    assert "playwright.async_api.Error" in retried and "scrapy.exceptions.DownloadTimeoutError" in retried


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("net::ERR_CONNECTION_REFUSED at http://a.gov.cn/", "DownloadConnectionRefusedError"),
        ("net::ERR_NAME_NOT_RESOLVED at http://a.gov.cn/", "CannotResolveHostError"),
        ("net::ERR_CONNECTION_RESET at http://a.gov.cn/", "ResponseDataLossError"),
        ("net::ERR_CERT_AUTHORITY_INVALID at https://a.gov.cn/", "DownloadFailedError"),
        ("Target page, context or browser has been closed", None),
    ],
)
def test_browser_errors_become_the_errors_the_spider_classifies(message, expected):
    from playwright.async_api import Error

    middleware = RenderMiddleware(RenderMode.ALL)
    req = request("http://a.gov.cn/")
    middleware.process_request(req)
    if expected is None:
        assert middleware.process_exception(req, Error(message)) is None
        return
    with pytest.raises(Exception) as raised:
        middleware.process_exception(req, Error(message))
    assert type(raised.value).__name__ == expected
    assert middleware.process_exception(request("http://a.gov.cn/"), Error(message)) is None  # not rendered


@pytest.mark.e2e
@pytest.mark.browser
def test_unreachable_portal_rendered_exits_3_saying_why(tmp_path):
    need_chromium()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = gapcheck(
        "check",
        f"http://127.0.0.1:{port}/",
        "--render",
        "--out",
        str(tmp_path / "out"),
        "--db",
        str(tmp_path / "db.sqlite"),
    )
    assert result.returncode == 3, result.stderr
    assert "连接被拒绝" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("resource", "aborted"),
    [
        ("image", True),
        ("font", True),
        ("media", True),
        ("document", False),
        ("script", False),
        ("fetch", False),
        ("xhr", False),
        ("stylesheet", False),
    ],
)
def test_the_browser_skips_heavy_resources(resource, aborted):
    request = type("R", (), {"resource_type": resource, "is_navigation_request": lambda self: False})()
    assert rendering.abort_request(request) is aborted


@pytest.mark.e2e
@pytest.mark.browser
def test_the_browser_stays_on_a_page_that_refreshes_to_itself_with_a_new_counter(tmp_path):
    """Chromium followed the refresh again and again (83 requests for one page in the trap test; here the
    check never ended); the reload is refused, the page read raw, and the trap guard stops the spider."""
    need_chromium()
    from routeserver import Answer, serve

    def route(req):
        if req.path == "/":
            return Answer(
                200,
                f'<html><head><meta http-equiv="refresh" content="0;url=/?n={req.n}"></head>'
                "<body>正在跳转</body></html>".encode(),
                content_type="text/html; charset=utf-8",
            )
        return Answer(404)

    with serve(route) as server:
        result = cli.check(server.url, tmp_path, "--render")
        hits = server.hits("/")
    assert result.returncode in (0, 1), result.stderr
    assert hits <= 10, hits  # a few hops until the trap guard stops it, each tried rendered then read raw
    store = Store(tmp_path / "db.sqlite")
    try:
        start = store.load_site(1).pages[server.url]
    finally:
        store.close()
    assert start.final_url == server.url and "正在跳转" in start.text  # the portal's page, not the browser's error


@pytest.mark.e2e
def test_missing_chromium_is_a_configuration_error(monkeypatch, tmp_path):
    monkeypatch.setenv(rendering.CHROMIUM_ENV, str(tmp_path / "no-chromium"))
    with pytest.raises(ConfigError, match="GAPCHECK_CHROMIUM"):
        rendering.check_available()
    result = gapcheck(
        "check",
        "http://127.0.0.1:9/",
        "--render",
        "--db",
        str(tmp_path / "d.sqlite"),
        env={rendering.CHROMIUM_ENV: str(tmp_path / "no-chromium")},
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "no-chromium" in result.stderr and "apt-get install chromium" in result.stderr
    assert not (tmp_path / "d.sqlite").exists() or "running" not in result.stderr


# -- profile keys -------------------------------------------------------------------------------------------


def test_profile_render_keys(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("name: x\ncrawl:\n  render: all\n  render_urls: ['/xxgk/']\n", encoding="utf-8")
    crawl = load_profile(str(path)).crawl
    assert (crawl.render, crawl.render_urls) == (RenderMode.ALL, ("/xxgk/",))
    assert rendering.mode_for(crawl.render, crawl.render_urls) is RenderMode.PATTERNS
    path.write_text("name: x\ncrawl:\n  render: off\n", encoding="utf-8")  # YAML reads a bare off as false
    assert load_profile(str(path)).crawl.render is RenderMode.OFF
    assert load_profile(None).crawl.render is RenderMode.AUTO  # rendered when the start page needs it


# -- GK904 over built sites ---------------------------------------------------------------------------------

SCRIPTS = "<script src='/js/a.js'></script><script src='/js/b.js'></script><script>build()</script>"


def test_gk904_warns_on_thin_pages_with_many_scripts_landing_first():
    site = build_site(
        {"zwgk/index.html": page(f"<div id='list'></div>{SCRIPTS}"), "": page(f"<div id='app'></div>{SCRIPTS}")}
    )
    [finding] = check("GK904", site, Options())
    assert outcomes([finding]) == [("GK904", "warn", "脚本生成的页面")]
    assert finding.url == BASE
    assert finding.evidence.startswith(f"2 个页面正文很少而脚本很多，如：{BASE}（正文 ")
    assert "crawl.render" in finding.message and finding.deduction == 0.0


def test_gk904_passes_pages_with_text_or_few_scripts():
    text = "<p>" + "本局依法公开政府信息，接受社会监督。" * 20 + "</p>"
    site = build_site({"": page(text + SCRIPTS), "a.html": page("<div id='x'></div><script>x()</script>")})
    [finding] = check("GK904", site, Options())
    assert finding.status is Status.PASS


def test_gk904_skips_rendered_pages():
    site = build_site({"": page(f"<div id='app'></div>{SCRIPTS}")})
    site.pages[BASE].meta[RENDERED] = "1"
    assert check("GK904", site, Options())[0].status is Status.PASS


def test_gk904_thresholds_are_profile_settings():
    site = build_site({"": page(f"<div id='app'></div>{SCRIPTS}")})
    assert check("GK904", site, Options(rules={"GK904": {"min_scripts": 4}}))[0].status is Status.PASS
    assert check("GK904", site, Options(rules={"GK904": {"min_scripts": 3}}))[0].status is Status.WARN
