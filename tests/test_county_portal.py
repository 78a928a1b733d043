"""End to end on a county portal built like real TRS / 大汉 templates (issue 12's "Done when").

`tests/countyportal` generates 示范县人民政府: every page wrapped in top navigation, a side menu of the
section's columns, the site-wide 最新信息 box with recent dates, 热点推荐, friend links and a footer; nine
sub-sites; blank columns under every wording; one column linked as dir/, dir/index.html and
dir/index.shtml; home-page tabs as ?tab= links; pagination; pinned rows; image links with no text.
Its truth is `countyportal.spec`: each column's canonical URL, name, kind and state on AS_OF. A real
`gapcheck check` (Scrapy crawl, SQLite store, rules, report.json) must judge every column as that table
does, fold every URL form of a column into one, and fail the site for its blank and overdue columns.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections import Counter
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
from cli import gapcheck
from countyportal import AS_OF, COLUMNS, SECTIONS, Portal, expected_verdict, judgements, serve_portal
from countyportal.items import ANNUAL_NOTICE, column_items
from countyportal.pages import ASSETS, HOME_TABS, IMAGE_ENTRIES, SHTML_COLUMN
from countyportal.server import resolve
from countyportal.spec import BLANK_PHRASES, CUTOFF, SUBSITES

CRAWL_SECONDS = 60
"""The whole check (crawl, rules, reports) of the ~470 URLs stays under a minute."""
EXTERNAL = r"^https?://(?!127\.0\.0\.1[:/])"
"""Friend links, the 党政机关 badge, ICP and 公安 registries: never asked (no request leaves 127.0.0.0/8)."""
_INDEX = re.compile(r"index(?:_\d+)?\.s?html$")


def canonical(url: str, site: str) -> str:
    """A column's URL as the judgements name it: its folder (dir/, index.html, index.shtml, index_2.html fold)."""
    path = "/" + url[len(site) :] if url.startswith(site) else url
    return path if "?" in path else _INDEX.sub("", path)


def check_portal(out, filled: bool = False):
    with serve_portal(filled) as server:
        started = time.monotonic()
        result = gapcheck(
            "check",
            server.url,
            "--as-of",
            AS_OF.isoformat(),
            "--out",
            str(out),
            "--db",
            str(out / "db.sqlite"),
            "--concurrency",
            "8",
            "--delay",
            "0",
            "--exclude",
            EXTERNAL,
            timeout=300,
        )
        seconds = time.monotonic() - started
    report = json.loads((out / "report.json").read_text(encoding="utf-8")) if result.returncode in (0, 1) else {}
    return server.url, result, report, seconds


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    return check_portal(tmp_path_factory.mktemp("county"))


def _columns(county) -> dict[str, list[dict]]:
    site, _, report, _ = county
    by_url: dict[str, list[dict]] = {}
    for column in report["columns"]:
        by_url.setdefault(canonical(column["url"], site), []).append(column)
    return by_url


def _failing(county, rule: str) -> list[dict]:
    return [f for f in county[2]["findings"] if f["rule"] == rule and f["status"] == "fail"]


# ----------------------------------------------------------------------------- the run


@pytest.mark.e2e
def test_check_runs_offline_and_fast(county):
    site, result, report, seconds = county
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert report["run"]["pages"] >= 300
    assert seconds < CRAWL_SECONDS, f"the check took {seconds:.1f} s"
    store = sqlite3.connect(result.args[result.args.index("--db") + 1])
    asked = [url for (url,) in store.execute("SELECT url FROM link_checks")]
    store.close()
    assert asked and all(url.startswith(site) for url in asked), [u for u in asked if not u.startswith(site)][:5]


# ----------------------------------------------------------------------------- columns


@pytest.mark.e2e
def test_no_column_twice(county):
    twice = {url: [c["url"] for c in cols] for url, cols in _columns(county).items() if len(cols) > 1}
    assert not twice, f"{len(twice)} columns reported under several URLs: {twice}"


@pytest.mark.e2e
def test_home_tabs_are_not_columns(county):
    site, _, report, _ = county
    tabs = [c["url"] for c in report["columns"] if "?tab=" in c["url"] or canonical(c["url"], site) == "/"]
    assert not tabs


@pytest.mark.e2e
def test_columns_are_those_of_the_table(county):
    """Hubs, sub-site home pages, the lists of sub-sites and text pages (指南, 机构职能) are not columns."""
    reported = set(_columns(county))
    expected = {j.url for j in judgements()}
    assert reported == expected, f"not columns: {sorted(reported - expected)}; not found: {sorted(expected - reported)}"


@pytest.mark.e2e
def test_kind_of_every_column(county):
    columns = _columns(county)
    wrong = {
        f"{j.url} {j.name}": (j.kind, [c["kind"] for c in columns[j.url]])
        for j in judgements()
        if j.url in columns and any(c["kind"] != j.kind for c in columns[j.url])
    }
    assert not wrong, f"{len(wrong)} kinds (expected, reported): {wrong}"


@pytest.mark.e2e
def test_state_of_every_column(county):
    columns = _columns(county)
    wrong = {
        f"{j.url} {j.name}": (j.state, [c["status"] for c in columns[j.url]])
        for j in judgements()
        if j.url in columns and any(c["status"] != j.state for c in columns[j.url])
    }
    assert not wrong, f"{len(wrong)} states (expected, reported): {wrong}"


@pytest.mark.e2e
def test_newest_date_is_the_columns_own(county):
    """Not the 最新信息 box's, not the pinned row's, not the URL's: the newest item the column lists."""
    columns = _columns(county)
    items = column_items()
    wrong = {}
    for col in COLUMNS:
        dates = [i.date for i in items[col.path] if i.date]
        expected = max(dates).isoformat() if dates else None
        got = {c["newest"] for c in columns.get(col.path, [])}  # a column found twice is another test's failure
        if got != {expected}:
            wrong[f"{col.path} {col.name}"] = (expected, got)
    assert not wrong, f"{len(wrong)} newest dates (expected, reported): {wrong}"


@pytest.mark.e2e
def test_paginated_column_counts_every_page(county):
    columns = _columns(county)
    items = column_items()
    for path in ("/xwdt/sfyw/", SHTML_COLUMN):
        assert {c["items"] for c in columns.get(path, [])} == {len(items[path])}, path


# ----------------------------------------------------------------------------- findings and verdict


@pytest.mark.e2e
def test_blank_columns_listed_once_by_GK202(county):
    site = county[0]
    failing = _failing(county, "GK202")
    listed = Counter(canonical(f["url"], site) for f in failing)
    expected = Counter(j.url for j in judgements() if j.state == "blank")
    assert listed == expected, (
        f"missing {sorted(expected - listed)}, extra or twice {sorted((listed - expected).elements())}"
    )
    assert {f["severity"] for f in failing} == {"veto"}


@pytest.mark.e2e
def test_overdue_columns_fail_GK201_once_with_their_kind(county):
    site = county[0]
    columns = _columns(county)
    listed = Counter(canonical(f["url"], site) for f in _failing(county, "GK201"))
    overdue = {j.url: j for j in judgements() if j.kind and j.state in ("stale", "undated")}
    expected = Counter(overdue.keys())
    assert listed == expected, (
        f"missing {sorted(expected - listed)}, extra or twice {sorted((listed - expected).elements())}"
    )
    assert {url: columns[url][0]["kind"] for url in overdue} == {url: j.kind for url, j in overdue.items()}


@pytest.mark.e2e
def test_verdict_fails_on_blank_and_overdue_columns(county):
    _, _, report, _ = county
    expected = expected_verdict()
    vetoes = {f["rule"] for f in report["findings"] if f["status"] == "fail" and f["severity"] == "veto"}
    assert report["summary"]["verdict"] == expected["verdict"]
    assert vetoes == expected["vetoes"]


@pytest.mark.e2e
def test_home_page_is_updated(county):
    _, _, report, _ = county
    home = {f["rule"]: f["status"] for f in report["findings"] if f["rule"] in ("GK203", "GK204")}
    assert home == {"GK203": "pass", "GK204": "pass"}


@pytest.mark.e2e
def test_annual_report_is_the_report_not_the_notice_about_it(county):
    site, _, report, _ = county
    reports = [i for i in column_items()["/zwgk/ndbg/"] if i.title == "示范县人民政府2025年政府信息公开工作年度报告"]
    (finding,) = [f for f in report["findings"] if f["rule"] == "GK401"]
    assert finding["status"] == "pass"
    assert finding["url"] == urljoin(site, reports[0].url), finding
    assert ANNUAL_NOTICE.format(year=2025) not in finding["evidence"]
    assert reports[0].date.isoformat() in finding["evidence"]


@pytest.mark.e2e
def test_error_report_link_is_not_a_site_search(county):
    """The home page has no search box; its 找错 picture links to /jcms/search/jiucuo.html."""
    _, _, report, _ = county
    (finding,) = [f for f in report["findings"] if f["rule"] == "GK506"]
    assert finding["status"] == "fail", finding["evidence"]


@pytest.mark.e2e
def test_image_entries_are_recognised_by_their_target(county):
    _, _, report, _ = county
    found = {f["subject"]: f["status"] for f in report["findings"] if f["rule"] in ("GK101", "GK402")}
    assert found["依申请公开"] == found["政府信息公开年度报告"] == found["政府信息公开指南"] == "pass"


@pytest.mark.e2e
def test_filled_variant_passes(tmp_path):
    """The same portal with every blank, stale and undated column published in: no column veto."""
    site, result, report, _ = check_portal(tmp_path, filled=True)
    assert result.returncode in (0, 1), result.stderr
    # A clean portal: no failing finding at all, no person asked to look at a letter it answered.
    failing = [
        (f["rule"], canonical(f["url"], site), f["evidence"][:80])
        for f in report["findings"]
        if f["status"] in ("fail", "warn")
    ]
    assert failing == []
    assert [f["subject"] for f in report["findings"] if f["rule"] == "GK602" and f["status"] != "pass"] == []
    assert report["summary"]["verdict"] == expected_verdict(filled=True)["verdict"] == "合格"


# ----------------------------------------------------------------------------- the portal itself


@pytest.fixture(scope="module")
def portal():
    return Portal()


def test_portal_is_large_and_has_every_pattern(portal):
    assert 300 <= len(portal.pages) <= 450
    assert len(SUBSITES) >= 8
    blank = [c for c in COLUMNS if c.state == "blank"]
    assert {c.blank_text for c in blank} >= set(BLANK_PHRASES)
    for state in ("fresh", "stale"):
        for kind in ("news", "notice", "yearly"):
            assert any(c.kind == kind and c.state == state for c in COLUMNS), (kind, state)
    assert any(c.state == "undated" for c in COLUMNS)
    home = portal.pages["/index.html"]
    assert 'name="searchword"' not in home and "/jcms/search/jiucuo.html" in home
    assert all(f"index.html?tab={key}" in home for key in HOME_TABS)
    assert f'href="{SHTML_COLUMN}"' in home and f'href="{SHTML_COLUMN}index.shtml"' in portal.pages["/zwgk/index.html"]


def test_every_in_site_link_resolves(portal):
    missing = set()
    for path, html in portal.pages.items():
        doc = lxml.html.document_fromstring(html)
        for el, attr in (("a", "href"), ("img", "src"), ("script", "src"), ("link", "href")):
            for value in doc.xpath(f"//{el}/@{attr}"):
                target = urlsplit(urljoin("http://portal" + path, value))
                if target.netloc == "portal":
                    resolved = resolve(target.path)
                    if resolved not in portal.pages and resolved not in ASSETS:
                        missing.add((path, value))
    assert not missing, sorted(missing)[:10]


def test_image_entries_have_no_words(portal):
    for href, _ in IMAGE_ENTRIES:
        doc = lxml.html.document_fromstring(portal.pages["/index.html"])
        (link,) = doc.xpath("//a[@href=$h]", h=href)
        assert not link.text_content().strip() and not link.xpath(".//@alt")


def test_states_follow_from_the_dates(portal):
    """The table's states are what the generated dates say (duty counted back from AS_OF)."""
    for col in COLUMNS:
        items = portal.items[col.path]
        dates = [i.date for i in items if i.date]
        if col.state == "blank":
            assert not items, col.path
        elif col.state == "undated":
            assert items and not dates, col.path
        elif col.kind in CUTOFF:
            fresh = max(dates) >= CUTOFF[col.kind]
            assert fresh == (col.state == "fresh"), col.path
        else:  # no update duty (未分类, 调查征集, 在线访谈)
            assert col.state in ("unlimited", "fresh"), col.path


def test_every_section_has_its_side_menu(portal):
    for section in SECTIONS:
        page = portal.pages[section.path]
        assert 'id="left"' in page and 'class="dqwz"' in page and "最新信息" in page
        for col in section.cols:
            assert 'class="sub_nav"' in portal.pages[f"{col.path}index.html"]
