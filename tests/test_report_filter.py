"""The search and filter bar of report.html: one inline script allowed by its hash, data only from data-*.

Without JavaScript the page shows everything and no dead controls; the script itself is static text, so no
crawled string can reach it, and its hash in the Content-Security-Policy allows it and nothing else.
"""

from __future__ import annotations

import base64
import hashlib
import re

import lxml.html
import pytest
from pydantic import ValidationError
from reports import make_report
from test_report_render import XSS, empty_report, sample_report

from gapcheck.report import labels as L
from gapcheck.report.html import SCRIPT, render_html, script_hash

BREAKOUT = "</script><script>alert(1)</script>"
STATUSES = ["fail", "warn", "unverified", "manual", "pass"]


def with_history(report: dict) -> dict:
    f = report["findings"]
    f[0]["change"] = "new"
    f[1].update(change="open", since={"run": 40, "as_of": "2024-04-01"})
    f[2].update(change="open", since={"run": 41, "as_of": "2024-05-01"})
    report["summary"]["changes"] = {"previous_run": 41, "new": 1, "still_open": 2, "fixed": 0}
    return report


def hostile() -> dict:
    """Script break-outs in every string the filter searches."""
    report = with_history(sample_report())
    for f in report["findings"]:
        f["subject"] = f["subject"] + BREAKOUT
        f["evidence"] = BREAKOUT + (f["evidence"] or "") + "\u2028\u2029<!--"
    report["findings"][3]["url"] = "https://www.example.gov.cn/" + BREAKOUT
    report["rules"]["GK201"]["title"] = BREAKOUT
    report["findings"][2]["title"] = BREAKOUT
    return report


def csp_sources(doc) -> dict[str, list[str]]:
    (meta,) = doc.xpath("//meta[@http-equiv='Content-Security-Policy']")
    directives = [d.split() for d in meta.get("content").split(";") if d.strip()]
    return {d[0]: d[1:] for d in directives}


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


# --- the script and its hash ----------------------------------------------------------------------------


@pytest.mark.parametrize("make", [sample_report, empty_report, hostile, dict])
def test_csp_allows_exactly_the_page_script(make):
    doc = lxml.html.fromstring(render_html(make_report(make())))
    (script,) = doc.xpath("//script")
    assert script.text == SCRIPT and not script.attrib  # inline, no src, no type games
    csp = csp_sources(doc)
    assert csp["script-src"] == [sha256_source(script.text)] == [script_hash()]
    assert csp["default-src"] == ["'none'"]  # nothing loads; styles stay inline only
    assert csp["style-src"] == ["'unsafe-inline'"] and csp["img-src"] == ["data:"]
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]


def test_script_is_static_and_cannot_be_broken_out_of():
    assert "</script" not in SCRIPT.lower() and "<!--" not in SCRIPT and "<script" not in SCRIPT.lower()
    # Every word it shows comes from the page; it writes through hidden/textContent/disabled only.
    assert not re.search(r"[^\x00-\x7f]", SCRIPT)
    assert "innerHTML" not in SCRIPT and "outerHTML" not in SCRIPT and "eval" not in SCRIPT
    assert "document.write" not in SCRIPT and "insertAdjacentHTML" not in SCRIPT


def test_breakouts_in_findings_stay_text():
    report = hostile()
    out = render_html(make_report(report))
    doc = lxml.html.fromstring(out)
    scripts = doc.xpath("//script")
    assert len(scripts) == 1 and scripts[0].text == SCRIPT
    assert out.lower().count("<script") == 1 and out.lower().count("</script") == 1
    assert not doc.xpath("//*[@*[starts-with(name(), 'on')]]")
    # The payload is still there to be read and searched, as text.
    text = doc.text_content()
    assert BREAKOUT in text
    for row in doc.xpath("//section[@id='checks']//tr[@data-finding]"):
        assert BREAKOUT in row.get("data-search")
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in out


# --- data on every finding ------------------------------------------------------------------------------


def test_every_finding_row_carries_its_data():
    report = with_history(sample_report())
    doc = lxml.html.fromstring(render_html(make_report(report)))
    counted = doc.xpath("//*[@data-count]")
    assert counted == doc.xpath("//section[@id='checks']//tr[@data-finding]")
    assert len(counted) == len(report["findings"])
    checks_order = sorted(report["findings"], key=lambda f: f["rule"])  # the checks table is by rule
    for row, f in zip(counted, checks_order, strict=False):
        assert row.get("data-status") == f["status"]
        assert row.get("data-severity") == f["severity"]
        assert row.get("data-change") == (f.get("change") or "")
        search = row.get("data-search")
        for value in (f["rule"], f["subject"], f["url"], f["message"]):
            assert " ".join(value.split()) in search, value
        assert " ".join(f["evidence"].split()) in search
        assert " ".join((f.get("title") or report["rules"][f["rule"]]["title"]).split()) in search
    # Vetoes and grouped problems are filtered too; groups hide when all their rows do.
    vetoes = doc.xpath("//section[@id='vetoes']//*[@data-finding]")
    assert len(vetoes) == 2 and all(v.get("data-severity") == "veto" for v in vetoes)
    problems = doc.xpath("//section[@id='problems']//tr[@data-finding]")
    assert [p.get("data-status") for p in problems] == ["fail"]
    assert doc.xpath("//section[@id='problems']//div[@data-finding-group]//tr[@data-finding]") == problems


@pytest.mark.parametrize("value", [{"status": 'x" onclick="alert(1)'}, {"severity": XSS}, {"change": "<b>"}])
def test_unknown_values_never_become_filter_keys(value):
    # The filter keys are the model's own values: a report with any other cannot be built, let alone rendered.
    report = sample_report()
    report["findings"][0].update(value)
    with pytest.raises(ValidationError):
        make_report(report)


# --- without JavaScript ---------------------------------------------------------------------------------


def test_without_script_everything_shows_and_no_control_is_left_dead():
    doc = lxml.html.fromstring(render_html(make_report(with_history(sample_report()))))
    assert not doc.xpath("//*[@data-finding][@hidden] | //*[@data-finding-group][@hidden]")
    bar = doc.get_element_by_id("filter")
    assert bar.get("hidden") is not None  # the script shows it
    assert all(p.get("hidden") is not None for p in doc.xpath("//*[@data-filter-empty]"))
    assert doc.xpath("//*[@data-filter-empty]")


def test_filter_bar_offers_search_status_change_and_severity():
    doc = lxml.html.fromstring(render_html(make_report(with_history(sample_report()))))
    bar = doc.get_element_by_id("filter")
    assert bar.xpath(".//input[@id='filter-text'][@type='search']")
    boxes = {
        (b.get("data-filter"), b.get("value")): b.getparent().text_content().strip()
        for b in bar.xpath(".//input[@type='checkbox']")
    }
    assert [v for (k, v) in boxes if k == "status"] == STATUSES
    assert [boxes[("status", k)] for k in STATUSES] == ["问题", "警告", "待核实", "人工核查", "通过"]
    assert (boxes[("change", "new")], boxes[("change", "open")]) == ("新增", "仍存在")
    assert boxes[("severity", "veto")] == "单项否决"
    assert [v for (k, v) in boxes if k == "severity"] == list(L.SEVERITY)
    shown = doc.get_element_by_id("filter-shown")
    assert "{n}" in shown.get("data-some") and "{total}" in shown.get("data-all")
    assert doc.get_element_by_id("filter-reset").get("type") == "button"
    # The bar sits at the top of the findings, before the vetoes.
    ids = [s.get("id") for s in doc.xpath("//main/section")]
    assert ids.index("filter") + 1 == ids.index("vetoes")


def test_change_filter_only_with_history():
    doc = lxml.html.fromstring(render_html(make_report(sample_report())))
    assert not doc.xpath("//input[@data-filter='change']")
    assert doc.xpath("//input[@data-filter='status']") and doc.xpath("//input[@data-filter='severity']")


def test_checks_table_marks_changes():
    doc = lxml.html.fromstring(render_html(make_report(with_history(sample_report()))))
    rows = doc.xpath("//section[@id='checks']//tr[@data-finding]")
    marks = [[b.text for b in r.xpath(".//span[contains(@class, 'badge change-')]")] for r in rows]
    assert marks[:3] == [["新"], ["未整改"], ["未整改"]] and marks[3:] == [[], [], []]


def test_printout_shows_everything():
    out = render_html(make_report(sample_report()))
    print_css = out.split("@media print", 1)[1].split("</style>", 1)[0]
    assert "#filter" in print_css and "[data-filter-empty]" in print_css
    assert "tr[data-finding][hidden] { display: table-row !important; }" in print_css
    assert "div[data-finding][hidden], div[data-finding-group][hidden] { display: block !important; }" in print_css
