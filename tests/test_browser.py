"""The reports as a supervisor sees them: report.html and index.html in a real browser (Debian's Chromium).

Playwright's sync API drives /usr/bin/chromium headless (never Playwright's own download): a genuine
report.html from `gapcheck demo` opened as a file, a failing variant with hostile text in it, and the
index served by `gapcheck serve` over HTTP. What a reader must see is asserted on the rendered page
(visible, not merely in the markup), with no console error and no injected script running. Full-page
screenshots go to $GAPCHECK_ARTIFACTS, else tmp_path/artifacts. Without Chromium these tests skip, except
under CI=true, where they fail (same rule as test_rendering.py).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from reports import make_report
from test_index import HOSTILE_ATTR_NAME, HOSTILE_NAME, HOSTILE_URL, Served, build_reports, failing_variant
from test_rendering import need_chromium

from gapcheck.report import render_html, write_index

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture(scope="module")
def chromium_path() -> str:
    return need_chromium()


@pytest.fixture(scope="module")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=["--no-sandbox"], headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def site_reports(tmp_path_factory, chromium_path):
    return build_reports(tmp_path_factory.mktemp("browser"))


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory) -> Path:
    folder = (
        Path(os.environ["GAPCHECK_ARTIFACTS"])
        if os.environ.get("GAPCHECK_ARTIFACTS")
        else tmp_path_factory.mktemp("browser-run") / "artifacts"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Watched:
    """A page whose console errors and uncaught exceptions are collected."""

    def __init__(self, browser, **context):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, **context)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on(
            "console",
            lambda m: self.errors.append(f"console {m.type}: {m.text}") if m.type in ("error", "assert") else None,
        )
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("dialog", lambda d: (self.errors.append(f"dialog: {d.message}"), d.dismiss()))

    def open(self, url: str):
        response = self.page.goto(url, wait_until="load")
        assert response is None or response.ok, url  # file:// has no response
        return self.page

    def pwned(self):
        return self.page.evaluate("() => window.__pwned")

    def shot(self, folder: Path, name: str) -> Path:
        path = folder / name
        self.page.screenshot(path=str(path), full_page=True)
        print(f"\nscreenshot: {path}")
        assert path.stat().st_size > 10_000
        return path

    def close(self):
        self.context.close()


@pytest.fixture
def watched(browser):
    pages: list[Watched] = []

    def make(**context) -> Watched:
        pages.append(Watched(browser, **context))
        return pages[-1]

    yield make
    for w in pages:
        w.close()


def visible_text(page, selector: str) -> str:
    loc = page.locator(selector)
    assert loc.is_visible(), selector
    return " ".join(loc.inner_text().split())


def metric(page, label: str) -> str:
    """The number above a header metric's label, as rendered."""
    loc = page.locator(".headline .metric", has=page.locator(f"span:text-is('{label}')"))
    assert loc.count() == 1 and loc.is_visible(), label
    return loc.locator("b").inner_text().strip()


# -- report.html ---------------------------------------------------------------------------------------------


def test_demo_report_renders_its_verdict_score_and_problems(watched, site_reports, artifacts):
    demo = site_reports["demo"]
    w = watched()
    page = w.open((site_reports["demo_out"] / "report.html").as_uri())
    assert visible_text(page, ".headline .verdict") == "合格"
    assert page.locator(".headline .verdict").evaluate("e => getComputedStyle(e).color") == "rgb(30, 125, 58)"
    assert metric(page, "得分") == f"{demo['summary']['score']:g}"
    assert metric(page, "问题") == str(demo["summary"]["fail"])
    assert metric(page, "单项否决") == "0"
    # No veto: the section says so and lists none.
    assert visible_text(page, "#vetoes h2") == "单项否决（0）"
    assert visible_text(page, "#vetoes .empty") == "未发现单项否决问题。"
    assert page.locator("#vetoes .veto").count() == 0
    # Every failing finding is a visible row of the problem list.
    failing = [f for f in demo["findings"] if f["status"] == "fail" and f["severity"] != "veto"]
    rows = page.locator("#problems tbody tr")
    assert rows.count() == len(failing) == demo["summary"]["fail"]
    assert all(rows.nth(i).is_visible() for i in range(rows.count()))
    assert page.locator("#trend svg").is_visible()
    assert w.errors == []
    w.shot(artifacts, "report-demo.png")


def test_failing_report_shows_vetoes_and_runs_no_injected_script(watched, site_reports, tmp_path, artifacts):
    report = failing_variant(site_reports["demo"])
    path = tmp_path / "report.html"
    path.write_text(render_html(make_report(report)), encoding="utf-8")
    w = watched()
    page = w.open(path.as_uri())
    assert visible_text(page, ".headline .verdict") == "不合格"
    assert page.locator(".headline .verdict").evaluate("e => getComputedStyle(e).color") == "rgb(192, 38, 45)"
    assert metric(page, "得分") == "42.5"
    assert visible_text(page, "#vetoes h2") == "单项否决（2）"
    vetoes = page.locator("#vetoes .veto")
    assert vetoes.count() == 2 and vetoes.first.is_visible()
    assert "GK203 首页不更新" in vetoes.first.inner_text()
    assert HOSTILE_NAME in page.locator("h1").inner_text()  # shown as text…
    assert w.pwned() is None and page.locator("h1 script").count() == 0  # …never run
    assert visible_text(page, "header .sub .dead-url") == HOSTILE_URL  # not a link
    assert w.errors == []
    w.shot(artifacts, "report-failing.png")


# -- index.html ----------------------------------------------------------------------------------------------


@pytest.fixture
def served(site_reports, tmp_path):
    folder = tmp_path / "served"
    shutil.copytree(site_reports["dir"], folder)
    server = Served(folder)
    yield server
    if server.proc.poll() is None:
        server.stop()


def test_served_index_renders_rows_and_totals(watched, served, site_reports, artifacts):
    w = watched()
    page = w.open(served.url)
    assert page.title() == "政府网站检查结果汇总"
    assert {label: metric(page, label) for label in ("网站", "合格", "不合格", "未能检查")} == {
        "网站": "4",
        "合格": "2",
        "不合格": "1",
        "未能检查": "1",
    }
    rows = page.locator("#sites tbody tr")
    assert rows.count() == 4
    names = [rows.nth(i).locator(".site-name").inner_text() for i in range(4)]
    assert names == [HOSTILE_NAME, "<b>某某县</b>商务局", site_reports["demo"]["site"]["name"], HOSTILE_ATTR_NAME]
    verdicts = [rows.nth(i).locator(".verdict").inner_text().replace(" ", "") for i in range(4)]
    assert verdicts == ["不合格", "未能检查", "合格", "合格"]
    assert rows.nth(0).locator(".verdict").evaluate("e => getComputedStyle(e).color") == "rgb(192, 38, 45)"
    assert rows.nth(0).locator(".score").inner_text() == "42.5"
    assert rows.nth(0).locator(".veto-list li").all_inner_texts() == ["首页不更新"]
    assert rows.nth(0).locator("svg.spark").is_visible()
    assert "连接被拒绝 <script>alert(3)</script>" in rows.nth(1).inner_text()
    # Crafted markup in names, URLs and errors stays text: nothing ran, nothing was added.
    assert w.pwned() is None
    assert page.locator("#sites img, #sites b, #sites script").count() == 0
    # The page's own script ran (its CSP hash matches): the filter is shown and works.
    assert page.locator("#controls").is_visible()
    assert visible_text(page, "#shown") == "显示 4 / 4 个网站"
    page.fill("#filter-text", "示例")
    assert visible_text(page, "#shown") == "显示 1 / 4 个网站"
    assert page.locator("#sites tbody tr:visible").count() == 1
    page.fill("#filter-text", "")
    page.select_option("#filter-verdict", "pass")
    assert page.locator("#sites tbody tr:visible").count() == 2
    page.select_option("#filter-verdict", "")
    page.click("#sites th[data-sort='score']")  # ascending, the unchecked site (no score) last
    scores = page.locator("#sites tbody tr td:nth-child(3)").all_inner_texts()
    assert [s.strip() for s in scores] == ["42.5", "65.7", "88", "—"]
    page.click("#sites th[data-sort='score']")
    scores = page.locator("#sites tbody tr td:nth-child(3)").all_inner_texts()
    assert [s.strip() for s in scores] == ["88", "65.7", "42.5", "—"]
    page.click("#sites th[data-sort='order']")  # back to the page's own order
    assert page.locator("#sites tbody tr .site-name").first.inner_text() == HOSTILE_NAME
    assert w.errors == []
    w.shot(artifacts, "index-served.png")
    # A row's link opens that site's report from the server.
    with page.expect_navigation():
        page.locator("#sites tbody tr", has_text=site_reports["demo"]["site"]["name"]).locator("a.report-link").click()
    assert re.search(r"/demo/report\.html$", page.url)
    assert visible_text(page, ".headline .verdict") == "合格"
    assert w.errors == []


def test_index_reads_without_javascript(watched, site_reports, tmp_path, artifacts):
    folder = tmp_path / "copy"
    shutil.copytree(site_reports["dir"], folder)
    w = watched(java_script_enabled=False)
    page = w.open(write_index(folder).as_uri())
    assert page.locator("#sites tbody tr").count() == 4
    assert all(page.locator("#sites tbody tr").nth(i).is_visible() for i in range(4))
    assert not page.locator("#controls").is_visible()  # no dead controls without the script
    assert metric(page, "不合格") == "1"
    assert w.errors == []
    w.shot(artifacts, "index-no-js.png")
    print_pdf = w.page.pdf(format="A4", landscape=True)
    assert print_pdf.startswith(b"%PDF")
    (artifacts / "index-print.pdf").write_bytes(print_pdf)
    print(f"print preview: {artifacts / 'index-print.pdf'}")
