"""End to end: the bundled sample portal served on 127.0.0.1, checked by the real command.

The sample has a documented set of gaps (gapcheck/sample/GAPS.md): every one must be found and
nothing else flagged.
"""

from __future__ import annotations

import json

import pytest
from cli import SAMPLE_CHECK, gapcheck

from gapcheck.sample import AS_OF
from gapcheck.sample.server import serve

pytestmark = pytest.mark.e2e

EXPECTED_GAPS = {
    ("GK101", "程序清单"),
    ("GK102", "讲文明 树新风 公益广告联播"),
    ("GK103", "责任清单"),
    ("GK104", "行政复议：行政复议申请书"),
    ("GK104", "依申请公开：申请程序"),
    ("GK201", "商务动态"),
    ("GK201", "人事任免"),
    ("GK202", "专项资金"),
    ("GK204", "首页"),  # 8 items in the last two weeks, fewer than 10
    ("GK502", "党政机关网站标识"),
    ("GK603", "调查征集"),
    ("GK604", "在线访谈"),
    ("GK301", "{site}images/missing-ad.jpg"),
    ("GK302", "{site}xzfy/files/xzfysqs.doc"),
    ("GK302", "{site}files/2019-report.pdf"),
    ("GK302", "http://127.0.0.1:1/closed"),
}

EXPECTED_COLUMNS = {
    # name: (newest, status)
    "商务动态": ("2026-10-15", "stale"),
    "图片新闻": ("2026-11-19", "fresh"),
    "通知公告": ("2026-11-03", "fresh"),
    "政策法规": ("2026-06-30", "fresh"),
    "人事任免": ("2025-09-01", "stale"),
    "公务员招录": ("2026-03-05", "fresh"),
    "商务发展规划": ("2026-01-10", "fresh"),
    "专项资金": (None, "blank"),
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    with serve() as server:
        result = gapcheck("check", server.url, *SAMPLE_CHECK, "--out", str(out), "--db", str(out / "db.sqlite"))
        return server.url, result, out


def test_exit_code_says_gaps_were_found(demo):
    _, result, _ = demo
    assert result.returncode == 1, result.stderr
    assert "报告：" in result.stdout and "Traceback" not in result.stderr


def test_every_seeded_gap_is_found_and_nothing_else(demo):
    site, _, out = demo
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    failing = {(f["rule"], f["subject"]) for f in report["findings"] if f["status"] == "fail"}
    assert failing == {(rule, subject.format(site=site)) for rule, subject in EXPECTED_GAPS}
    open_items = {(f["rule"], f["status"]) for f in report["findings"] if f["status"] not in ("pass", "fail")}
    assert open_items == {
        ("GK801", "manual"),
        ("GK802", "manual"),
        ("GK803", "manual"),
        ("GK804", "unverified"),
        ("GK503", "warn"),
        ("GK504", "warn"),
    }  # registry numbers shown but not linked


def test_columns_and_dates_as_a_person_reads_them(demo):
    _, _, out = demo
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    columns = {c["name"]: (c["newest"], c["status"]) for c in report["columns"]}
    for name, expected in EXPECTED_COLUMNS.items():
        assert columns.get(name) == expected, name


def test_report_contract(demo):
    site, _, out = demo
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["schema"] == "gapcheck.report/1"
    assert set(report) >= {"site", "run", "summary", "findings", "columns", "links"}
    assert report["site"]["start_url"] == site
    assert report["site"]["name"] == "示例市商务局"
    assert report["run"]["as_of"] == AS_OF and report["run"]["pages"] > 40
    summary = report["summary"]
    assert summary["checked"] == len(report["findings"])
    assert summary["fail"] == len(EXPECTED_GAPS) and summary["vetoes"] == 0
    assert summary["verdict"] == "合格" and summary["score"] == pytest.approx(100 - 2 * 5 - 3 - 5 - 5 - 1 - 0.3 - 5 - 5)
    broken = {link["url"]: link for link in report["links"]}
    assert broken[f"{site}images/missing-ad.jpg"]["on_homepage"] is True
    assert broken[f"{site}files/2019-report.pdf"]["found_on"]
    assert summary["basis"].startswith("国办秘函〔2019〕19号")
    assert summary["deductions"]["GK302"] == pytest.approx(0.3)
    for name in ("report.md", "report.html"):
        text = (out / name).read_text(encoding="utf-8")
        assert "程序清单" in text and "专项资金" in text and "检查依据" in text


def test_gbk_page_decoded(demo):
    _, _, out = demo
    from gapcheck.store import Store

    store = Store(out / "db.sqlite")
    site = store.load_site(1)
    page = next(p for p in site.pages.values() if p.url.endswith("/zcfg/index.html"))
    assert page.encoding == "gb18030" and "政策法规" in page.title
    store.close()
