"""Markdown and HTML renderings of the canonical report: same facts, no live hostile content."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import lxml.html
import pytest
from pydantic import ValidationError
from reports import make_report

from gapcheck.report.html import SCRIPT, render_html
from gapcheck.report.markdown import render_markdown
from gapcheck.report.model import TrendPoint
from gapcheck.report.view import safe_url

XSS = "<script>alert(1)</script>"
JS_URL = "javascript:alert(1)"
QUOTES = '" onmouseover="alert(2)'


def sample_report() -> dict:
    """A failing report whose crawled strings try every trick: markup, script URLs, quotes, pipes, newlines."""
    rules = {
        "GK101": {
            "code": "GK101",
            "name": "required-column-missing",
            "title": "必设栏目缺失" + XSS,
            "severity": "veto",
            "summary": "首页必须设置政府信息公开栏目。",
            "how_to_fix": "在首页导航中增设“政府信息公开”栏目。",
        },
        "GK201": {
            "code": "GK201",
            "name": "column-stale",
            "title": "栏目超期未更新",
            "severity": "major",
            "summary": "动态要闻类栏目应在 2 周内更新。",
            "how_to_fix": "安排专人按时更新栏目内容。",
        },
        "GK301": {
            "code": "GK301",
            "name": "broken-links",
            "title": "失效链接",
            "severity": "minor",
            "summary": "网站不应存在失效链接。",
            "how_to_fix": "修复或删除失效链接。",
        },
        "GK401": {
            "code": "GK401",
            "name": "icp-number",
            "title": "ICP备案编号",
            "severity": "info",
            "summary": "页脚应展示备案编号。",
            "how_to_fix": "在页脚添加备案编号。",
        },
    }
    findings = [
        {
            "rule": "GK101",
            "title": rules["GK101"]["title"],
            "status": "fail",
            "severity": "veto",
            "subject": "政府信息公开" + XSS,
            "url": JS_URL,
            "evidence": "导航中未找到该栏目\n" + XSS + " | a|b",
            "message": "首页缺少必设栏目",
            "deduction": 0.0,
        },
        {
            "rule": "GK101",
            "title": rules["GK101"]["title"],
            "status": "fail",
            "severity": "veto",
            "subject": "互动交流",
            "url": "https://www.example.gov.cn/",
            "evidence": "无",
            "message": "首页缺少必设栏目",
            "deduction": 0.0,
        },
        {
            "rule": "GK201",
            "title": "栏目超期未更新",
            "status": "fail",
            "severity": "major",
            "subject": "工作动态" + QUOTES,
            "url": "https://www.example.gov.cn/gzdt/?a=1&b=<2>",
            "evidence": "最新 2024-01-02\n超期 120 天 | [x](javascript:alert(3))",
            "message": "超期|未更新\n请核查",
            "deduction": 2.5,
        },
        {
            "rule": "GK301",
            "title": "失效链接",
            "status": "warn",
            "severity": "minor",
            "subject": "3 个失效链接",
            "url": "https://www.example.gov.cn/",
            "evidence": "",
            "message": "存在失效链接",
            "deduction": 1.0,
        },
        {
            "rule": "GK401",
            "title": "ICP备案编号",
            "status": "pass",
            "severity": "info",
            "subject": "页脚",
            "url": "https://www.example.gov.cn/",
            "evidence": "京ICP备12345678号",
            "message": "",
            "deduction": 0.0,
        },
        {
            "rule": "GK401",
            "title": "ICP备案编号",
            "status": "manual",
            "severity": "info",
            "subject": "备案信息一致性",
            "url": "data:text/html,<b>x</b>",
            "evidence": "",
            "message": "需人工核对",
            "deduction": 0.0,
        },
    ]
    return {
        "schema": "gapcheck.report/1",
        "site": {"name": "示例市人民政府" + XSS, "start_url": "https://www.example.gov.cn/", "profile": "county"},
        "run": {
            "id": 42,
            "as_of": "2024-05-06",
            "started_at": "2024-05-06T08:00:00+08:00",
            "finished_at": "2024-05-06T08:12:30.123456+08:00",
            "pages": 1234,
            "links_checked": 5678,
        },
        "summary": {
            "checked": 6,
            "pass": 1,
            "fail": 3,
            "warn": 1,
            "unverified": 0,
            "manual": 1,
            "verdict": "不合格",
            "score": 86.5,
            "vetoes": 2,
        },
        "findings": findings,
        "columns": [
            {
                "name": "工作动态" + QUOTES,
                "url": "https://www.example.gov.cn/gzdt/",
                "kind": "news",
                "kind_label": "动态要闻",
                "kind_why": "名称含「动态」",
                "items": 20,
                "newest": "2024-01-02",
                "limit_days": 14,
                "status": "stale",
            },
            {
                "name": "通知公告|公示\n名单",
                "url": JS_URL,
                "kind": None,
                "kind_label": None,
                "items": 0,
                "newest": None,
                "limit_days": None,
                "status": "blank",
            },
            {
                "name": "机构职能",
                "url": "https://www.example.gov.cn/jgzn/",
                "kind": "static",
                "kind_label": "静态信息",
                "kind_why": "名称含「机构」",
                "items": 3,
                "newest": None,
                "limit_days": None,
                "status": "unlimited",
            },
        ],
        "links": [
            {
                "url": "https://www.example.gov.cn/old/page.html",
                "status": 404,
                "verdict": "broken",
                "reason": "HTTP 404",
                "found_on": [f"https://www.example.gov.cn/p{i}.html" for i in range(8)],
                "on_homepage": True,
                "texts": ["旧页面", "原文链接"],
            },
            {
                "url": JS_URL,
                "status": None,
                "verdict": "unverified",
                "reason": "超时|timeout\n" + XSS,
                "found_on": [JS_URL, "https://www.example.gov.cn/"],
                "on_homepage": False,
                "texts": [XSS],
            },
        ],
        "rules": rules,
    }


def empty_report() -> dict:
    report = sample_report()
    report.update(findings=[], columns=[], links=[])
    report["summary"] = {}  # nothing checked: 合格 with 100 (tests/reports.py's defaults)
    return report


@pytest.fixture
def report() -> dict:
    return sample_report()


# --- URL filter ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["http://a.gov.cn/", "HTTPS://a.gov.cn/x?y=1&z=2"])
def test_safe_url_allows_http(url):
    assert safe_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        JS_URL,
        " javascript:alert(1)",
        "JaVaScRiPt:x",
        "java\tscript:x",
        "data:text/html,x",
        "vbscript:x",
        "//evil.example/",
        "/relative",
        "https://a.gov.cn/\nx",
        "",
        None,
        7,
    ],
)
def test_safe_url_rejects_everything_else(url):
    assert safe_url(url) is None


# --- HTML ---------------------------------------------------------------------------------------------


def _hrefs(doc) -> list[str]:
    return [a.get("href") for a in doc.iter("a")]


def only_own_script(out: str) -> None:
    """The page's one script is the filter script, whatever the report held."""
    assert out.lower().count("<script") == 1
    (script,) = lxml.html.fromstring(out).xpath("//script")
    assert script.text == SCRIPT and not script.attrib


def test_html_neutralises_hostile_strings(report):
    out = render_html(make_report(report))
    only_own_script(out)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert not re.search(r"href\s*=\s*[\"']?\s*(javascript|data|vbscript):", out, re.IGNORECASE)
    assert 'onmouseover="' not in out
    assert "&#34; onmouseover=&#34;alert(2)" in out
    doc = lxml.html.fromstring(out)
    assert not doc.xpath("//*[@onmouseover]")
    assert all(h.startswith(("#", "http://", "https://")) for h in _hrefs(doc))
    # The script URL is still shown, as text, so the web team can find it.
    assert JS_URL in doc.text_content()


def test_html_is_well_formed(report):
    out = render_html(make_report(report))
    doc = lxml.html.fromstring(out)
    for section in ("vetoes", "problems", "columns", "links", "checks"):
        assert doc.get_element_by_id(section) is not None

    class Balance(HTMLParser):
        VOID = frozenset({"meta", "br", "hr", "img", "input", "link"})

        def __init__(self):
            super().__init__()
            self.stack: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag not in self.VOID:
                self.stack.append(tag)

        def handle_endtag(self, tag):
            assert self.stack and self.stack.pop() == tag, f"unbalanced </{tag}>"

    parser = Balance()
    parser.feed(out)
    parser.close()
    assert parser.stack == []


def test_html_shows_key_facts(report):
    doc = lxml.html.fromstring(render_html(make_report(report)))
    text = doc.text_content()
    assert doc.findtext(".//title").startswith("示例市人民政府" + XSS)
    assert doc.xpath("string(//*[contains(@class, 'verdict-fail')])") == "不合格"
    assert "86.5" in text and "得分" in text
    vetoes = doc.get_element_by_id("vetoes").text_content()
    assert "政府信息公开" + XSS in vetoes and "互动交流" in vetoes
    assert "导航中未找到该栏目" in vetoes and "在首页导航中增设" in vetoes
    problems = doc.get_element_by_id("problems").text_content()
    assert "GK201" in problems and "安排专人按时更新栏目内容" in problems
    assert "互动交流" not in problems  # vetoes are listed once, at the top
    columns = doc.get_element_by_id("columns").text_content()
    for name in (
        "工作动态" + QUOTES,
        "通知公告|公示\n名单",
        "机构职能",
        "超期未更新",
        "空白栏目",
        "不限更新期",
        "动态要闻",
        "条目数",
    ):
        assert name in columns
    links = doc.get_element_by_id("links")
    assert "https://www.example.gov.cn/old/page.html" in _hrefs(links)
    assert "https://www.example.gov.cn/p4.html" in _hrefs(links)
    # Past the first five, a link's pages fold behind 另有 N 个: there, not gone.
    (folded,) = links.xpath(".//td/details[@data-fold]")
    assert "https://www.example.gov.cn/p5.html" in _hrefs(folded)
    assert "https://www.example.gov.cn/p4.html" not in _hrefs(folded)
    assert "另有 3 个" in folded.text_content() and "首页" in links.text_content()
    checks = doc.get_element_by_id("checks").text_content()
    for label in ("通过", "警告", "人工核查", "单项否决", "严重", "一般", "提示"):
        assert label in checks
    footer = doc.find(".//footer").text_content()
    for fact in ("42", "2024-05-06", "2024-05-06 08:12:30", "county", "1234", "5678"):
        assert fact in footer


def test_html_is_self_contained(report):
    out = render_html(make_report(report))
    doc = lxml.html.fromstring(out)
    assert not doc.xpath("//script[@src] | //link | //img | //iframe")
    only_own_script(out)
    assert "@media print" in out
    assert "Content-Security-Policy" in out


def test_html_empty_report():
    doc = lxml.html.fromstring(render_html(make_report(empty_report())))
    assert doc.xpath("string(//*[contains(@class, 'verdict-pass')])") == "合格"
    assert "未发现单项否决问题" in doc.get_element_by_id("vetoes").text_content()
    assert "未发现失效或待核实链接" in doc.get_element_by_id("links").text_content()


@pytest.mark.parametrize(
    "data",
    [
        {"schema": "gapcheck.report/2"},
        {"summary": {"verdict": XSS}},
        {"findings": [{"status": "bad"}]},
        {"trend": [{"run": 9, "as_of": "x", "score": '99"/><script>', "verdict": "合格", "fail": 0}]},
        {"trend": [{"run": 9, "as_of": "x", "score": float("nan"), "verdict": "合格", "fail": 0}]},
        {"trend": ["junk"]},
        {"links": [{"url": JS_URL, "found_on": "https://www.example.gov.cn/"}]},
    ],
)
def test_a_report_the_code_never_writes_cannot_be_built(data):
    with pytest.raises(ValidationError):
        make_report(data)


# --- Markdown -----------------------------------------------------------------------------------------


def _cell_separators(row: str) -> int:
    """Unescaped pipes in a table row; `\\\\` is an escaped backslash, not an escape of the next pipe."""
    return sum(tok == "|" for tok in re.findall(r"\\.|\|", row))


def _tables(md: str) -> list[list[str]]:
    tables, current = [], []
    for line in md.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    return tables + ([current] if current else [])


def test_markdown_tables_keep_their_shape(report):
    tables = _tables(render_markdown(make_report(report)))
    assert len(tables) >= 5
    for rows in tables:
        widths = {_cell_separators(row) for row in rows}
        assert len(widths) == 1, rows
        assert re.fullmatch(r"\|(---\|)+", rows[1])


def test_markdown_has_no_live_markup(report):
    md = render_markdown(make_report(report))
    assert "<script" not in md.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md
    assert not re.search(r"(?<!\\)\]\(<?\s*(javascript|data|vbscript):", md, re.IGNORECASE)
    assert "href" not in md
    # Raw HTML in the output is limited to our own line breaks.
    assert set(re.findall(r"<[^>]*>", md)) - {"<br>"} <= {f"<{u}>" for u in re.findall(r"\]\(<([^>]*)>\)", md)}
    assert r"\[x\](javascript:alert(3))" in md  # a crawled Markdown link stays text


def test_markdown_links_are_well_formed(report):
    md = render_markdown(make_report(report))
    assert "[https://www.example.gov.cn/old/page.html](<https://www.example.gov.cn/old/page.html>)" in md
    # Reserved characters are encoded so the destination can't end the link or split a table cell.
    assert "(<https://www.example.gov.cn/gzdt/?a=1&amp;b=%3C2%3E>)" in md
    assert "javascript:alert(1)" in md  # shown, not linked


def test_markdown_shows_key_facts(report):
    md = render_markdown(make_report(report))
    assert md.startswith("# 示例市人民政府&lt;script&gt;alert(1)&lt;/script&gt; 检查报告")
    assert "总体结论：**不合格**" in md and "**86.5**" in md
    vetoes = md.split("## 单项否决", 1)[1].split("## 问题清单", 1)[0]
    assert "政府信息公开&lt;script&gt;" in vetoes and "互动交流" in vetoes
    assert "导航中未找到该栏目<br>" in vetoes
    for fact in (
        '工作动态" onmouseover',
        r"通知公告\|公示<br>名单",
        "机构职能",
        "超期未更新",
        "等 8 个页面",
        "**首页**",
        "运行编号",
        "2024-05-06 08:00:00",
        "1234",
        "5678",
    ):
        assert fact in md
    assert "p4.html" in md and "p5.html" not in md


def test_markdown_empty_report():
    md = render_markdown(make_report(empty_report()))
    assert "总体结论：**合格**" in md
    for empty in ("未发现单项否决问题", "未发现问题", "未识别到栏目", "未发现失效或待核实链接", "没有检查记录"):
        assert empty in md
    for rows in _tables(md):
        assert len({_cell_separators(row) for row in rows}) == 1


def test_both_renderers_agree_on_labels(report):
    from gapcheck.report import labels

    md, html = render_markdown(make_report(report)), render_html(make_report(report))
    for text in (
        labels.TEXT["vetoes"],
        labels.TEXT["problems"],
        labels.TEXT["columns"],
        labels.TEXT["links"],
        labels.TEXT["checks"],
        labels.STATUS["manual"],
        labels.COLUMN_STATUS["blank"],
    ):
        assert text in md and text in html


def test_label_keys_do_not_shadow_dict_methods():
    # Jinja resolves `T.items` to dict.items before the key, which once printed "<built-in method ...>".
    from gapcheck.report import labels

    assert not set(labels.TEXT) & set(dir(dict))
    assert "built-in" not in render_html(make_report(sample_report()))


# --- 得分趋势 chart -----------------------------------------------------------------------------------


def _trend(n: int) -> list[dict]:
    return [
        {
            "run": i + 1,
            "as_of": f"2024-{1 + i // 28:02d}-{1 + i % 28:02d}",
            "score": 40.0 + 5 * i,
            "verdict": "合格" if 40 + 5 * i >= 60 else "不合格",
            "fail": 12 - i,
        }
        for i in range(n)
    ]


def _svg(trend: list[dict]):
    from lxml import etree

    from gapcheck.report.chart import trend_svg

    svg = str(trend_svg([TrendPoint.model_validate(e) for e in trend]))
    return svg, (etree.fromstring(svg.encode()) if svg else None)


SVG_NS = {"s": "http://www.w3.org/2000/svg"}


def test_chart_without_runs_is_empty_and_the_section_is_left_out(report):
    assert _svg([]) == ("", None)
    assert "得分趋势" not in render_html(make_report(report)) and "得分趋势" not in render_markdown(make_report(report))
    report["trend"] = []
    doc = lxml.html.fromstring(render_html(make_report(report)))
    assert not doc.xpath("//*[@id='trend'] | //svg")


def test_chart_with_one_run_shows_the_point_and_a_note(report):
    _, root = _svg(_trend(1))
    assert len(root.xpath("//s:circle", namespaces=SVG_NS)) == 1
    assert not root.xpath("//s:polyline", namespaces=SVG_NS)
    assert root.xpath("//s:line[@class='pass-line']", namespaces=SVG_NS)
    report["trend"] = _trend(1)
    doc = lxml.html.fromstring(render_html(make_report(report)))
    assert "仅有一次检查记录" in doc.get_element_by_id("trend").text_content()
    assert "仅有一次检查记录" in render_markdown(make_report(report))


def test_chart_with_twelve_runs(report):
    trend = _trend(12)
    svg, root = _svg(trend)
    circles = root.xpath("//s:circle", namespaces=SVG_NS)
    assert len(circles) == 12
    assert [c.get("fill") for c in circles] == ["#c0262d"] * 4 + ["#1e7d3a"] * 8
    coords = root.xpath("//s:polyline/@points", namespaces=SVG_NS)[0].split()
    assert len(coords) == 12
    # 0–100 axis: y grows downwards; the 60 line runs through the 60 point, between 55 and 65.
    ys = [float(p.split(",")[1]) for p in coords]
    assert ys == sorted(ys, reverse=True)
    (line,) = root.xpath("//s:line[@class='pass-line']", namespaces=SVG_NS)
    assert line.get("stroke-dasharray") and ys[3] > float(line.get("y1")) == ys[4] > ys[5]
    assert "合格线 60" in svg
    assert root.xpath("string(//s:text[@class='chart-title'])", namespaces=SVG_NS)
    labels = root.xpath("//s:text[@class='x-label']/text()", namespaces=SVG_NS)
    assert 2 <= len(labels) <= 8 and labels[0] == trend[0]["as_of"] and labels[-1] == trend[-1]["as_of"]
    report["trend"] = trend
    html = render_html(make_report(report))
    doc = lxml.html.fromstring(html)
    assert len(doc.get_element_by_id("trend").xpath(".//circle")) == 12
    only_own_script(html)
    md = render_markdown(make_report(report))
    table = next(rows for rows in _tables(md) if "得分" in rows[0] and "运行" in rows[0])
    assert len(table) == 2 + 12 and "| 95 |" in table[-1]


def test_chart_escapes_dates(report):
    trend = _trend(3)
    trend[1]["as_of"] = XSS + QUOTES
    svg, root = _svg(trend)
    assert "<script" not in svg and len(root.xpath("//s:circle", namespaces=SVG_NS)) == 3
    assert XSS + QUOTES in root.xpath("//s:text[@class='x-label']/text()", namespaces=SVG_NS)
    report["trend"] = trend
    html = render_html(make_report(report))
    only_own_script(html)
    assert "<script" not in render_markdown(make_report(report))
