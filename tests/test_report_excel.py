"""Excel (report.xlsx) and CSV (report.csv) renderings: right sheets and rows, and no crawled string as a formula."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from cli import gapcheck
from pydantic import ValidationError
from reports import make_report
from test_report_render import JS_URL, QUOTES, XSS, empty_report, sample_report

from gapcheck.report import FILES, Report, write_reports
from gapcheck.report import labels as L
from gapcheck.report.excel import _width, _wrapped_lines, render_csv, render_xlsx
from gapcheck.report.table import CELL_MAX, cell_value, neutralise

EVIL_LINK = '=HYPERLINK("http://evil","x")'
HOSTILE = [EVIL_LINK, "+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", "  =1+1", "＝1+1", "=cmd|' /C calc'!A0"]
SHEETS = ["汇总", "检查结果", "栏目", "链接", "已整改"]
FINDING_HEADERS = [
    "检查规则",
    "规则名称",
    "结论",
    "变化",
    "严重程度",
    "检查对象",
    "问题说明",
    "证据",
    "页面地址",
    "扣分",
    "整改建议",
]
COLUMN_HEADERS = ["栏目", "类别", "条目数", "最近更新", "更新时限（天）", "结论", "页面地址"]
LINK_HEADERS = ["链接地址", "状态码", "结论", "原因", "在首页", "所在页面", "链接文字"]
FIXED_HEADERS = ["检查规则", "规则名称", "检查对象", "页面地址"]
# Column positions in the findings sheet and the CSV.
STATUS, CHANGE, SEVERITY, EVIDENCE, URL, DEDUCTION, FIX = (
    FINDING_HEADERS.index(h) for h in ("结论", "变化", "严重程度", "证据", "页面地址", "扣分", "整改建议")
)


def hostile_report() -> dict:
    """The render tests' sample, with formula payloads in every kind of crawled string."""
    report = sample_report()
    f = report["findings"]
    f[0]["subject"] = EVIL_LINK
    f[1]["evidence"] = "+1"
    f[2]["message"] = "-2+3"
    f[3]["evidence"] = "@SUM(A1)"
    f[4]["subject"] = "#N/A"  # openpyxl's guess would make this an error cell
    f[5]["evidence"] = "\t=1+1"
    f[5]["url"] = '=HYPERLINK("javascript:alert(1)")'
    report["rules"]["GK401"]["title"] = "@SUM(A1)"
    report["site"]["profile"] = "=1+1"
    report["columns"][0]["name"] = "=cmd|' /C calc'!A0"
    report["links"][1]["reason"] = "-2+3"
    report["links"][1]["found_on"] = ["=1+1", "https://www.example.gov.cn/"]
    report["links"][1]["texts"] = ["@SUM(B2)"]  # a link's words are crawled text too
    report["summary"]["deductions"] = {"GK201": 2.5, "GK301": 1.0}
    report["summary"]["basis"] = "@basis"
    return report


def load(report: dict | Report) -> openpyxl.Workbook:
    typed = report if isinstance(report, Report) else make_report(report)
    return openpyxl.load_workbook(io.BytesIO(render_xlsx(typed)))


def rows(ws) -> list[list]:
    return [[c.value for c in row] for row in ws.iter_rows()]


def summary_value(ws, name: str):
    """The value next to `name` in the summary sheet's first column."""
    return next(row[1].value for row in ws.iter_rows() if row[0].value == name)


def all_cells(wb):
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            yield from row


# --- the neutraliser ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_starts_get_an_apostrophe(text):
    assert cell_value(text) == "'" + text
    assert neutralise(neutralise(text)) == neutralise(text)  # idempotent


@pytest.mark.parametrize("text", ["", "政府信息公开", "http://a.gov.cn/", "2024-01-02", "a=b", "1+1", XSS, "'quoted"])
def test_ordinary_text_is_unchanged(text):
    assert cell_value(text) == text


def test_numbers_stay_numbers():
    assert cell_value(-2) == -2 and cell_value(2.5) == 2.5 and cell_value(0.0) == 0.0
    assert cell_value(None) is None
    assert cell_value(True) == L.TEXT["yes"] and cell_value(False) == L.TEXT["no"]


def test_unwritable_characters_and_overlong_text():
    assert cell_value("a\x00b\x07c\ud800d\te\n") == "a\ufffdb\ufffdc\ufffdd\te\n"
    assert cell_value("\x00=1") == "\ufffd=1"  # no longer a formula start
    long = cell_value("x" * (CELL_MAX + 10))
    assert len(long) == CELL_MAX and long.endswith("…")


def test_widths_count_cjk_double():
    assert _width("abc") == 3 and _width("栏目") == 4 and _width("ａ") == 2 and _width("ab\n栏目名称") == 8
    assert _wrapped_lines("栏目" * 10, 10) == 4
    assert _wrapped_lines("short words here", 20) == 1
    assert _wrapped_lines("x" * 25, 10) == 3  # a long URL breaks inside
    assert _wrapped_lines("a\nb", 10) == 2


# --- workbook -------------------------------------------------------------------------------------------


def test_sheets_headers_and_row_counts():
    report = sample_report()
    wb = load(report)
    assert wb.sheetnames == SHEETS == list(L.SHEET.values())
    for name, headers, items in (
        ("检查结果", FINDING_HEADERS, report["findings"]),
        ("栏目", COLUMN_HEADERS, report["columns"]),
        ("链接", LINK_HEADERS, report["links"]),
        ("已整改", FIXED_HEADERS, report.get("fixed", [])),
    ):
        ws = wb[name]
        assert [c.value for c in ws[1]] == headers
        assert all(c.font.b for c in ws[1])
        assert ws.max_row == len(items) + 1
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(headers))}{len(items) + 1}"
        for col in range(1, len(headers) + 1):
            width = ws.column_dimensions[openpyxl.utils.get_column_letter(col)].width
            assert 6 <= width <= 62


def test_empty_report_keeps_headers_and_filters():
    wb = load(empty_report())
    for name in ("检查结果", "栏目", "链接", "已整改"):
        ws = wb[name]
        assert ws.max_row == 1 and ws.freeze_panes == "A2" and ws.auto_filter.ref.endswith("1")
    summary = wb["汇总"]
    assert summary_value(summary, "总体结论") == "合格" and summary_value(summary, "得分") == 100.0
    text = {c.value for c in all_cells(wb)}
    assert L.TEXT["no_vetoes"] in text and L.TEXT["no_deductions"] in text


def test_minimal_dict_does_not_crash():
    wb = load({"schema": "gapcheck.report/1"})
    assert wb.sheetnames == SHEETS
    assert render_csv(make_report({})).decode("utf-8-sig").splitlines() == [",".join(FINDING_HEADERS)]


def test_summary_sheet():
    report = hostile_report()
    ws = load(report)["汇总"]
    assert ws["A1"].value.startswith("示例市人民政府" + XSS)
    assert summary_value(ws, "总体结论") == "不合格"
    assert summary_value(ws, "得分") == 86.5
    assert summary_value(ws, "网站") == "示例市人民政府" + XSS
    start = next(row[1] for row in ws.iter_rows() if row[0].value == "首页地址")
    assert start.value == "https://www.example.gov.cn/" and start.hyperlink.target == start.value
    assert summary_value(ws, "检查方案") == "'=1+1"
    assert summary_value(ws, "检查依据") == "'@basis"
    assert summary_value(ws, "开始时间") == "2024-05-06 08:00:00"  # in Beijing time, as the report says
    assert summary_value(ws, "结束时间") == "2024-05-06 08:12:30"
    assert summary_value(ws, "时区") == "Asia/Shanghai"
    assert summary_value(ws, "运行编号") == 42 and summary_value(ws, "抓取页面") == 1234
    table = rows(ws)
    # Counts by status, as numbers.
    for name, key in (("通过", "pass"), ("问题", "fail"), ("警告", "warn"), ("人工核查", "manual")):
        assert [name, report["summary"][key]] == table[next(i for i, r in enumerate(table) if r[0] == name)][:2]
    # Vetoes with their evidence; the hostile subject neutralised.
    flat = [v for r in table for v in r if v is not None]
    assert "单项否决（2）" in flat
    assert "'" + EVIL_LINK in flat and "互动交流" in flat and "导航中未找到该栏目\n" + XSS + " | a|b" in flat
    assert "在首页导航中增设“政府信息公开”栏目。" in flat
    # Per-rule deductions and their total.
    assert ["GK201", "栏目超期未更新", 2.5] in [r[:3] for r in table]
    assert ["GK301", "失效链接", 1.0] in [r[:3] for r in table]
    assert ["合计", None, 3.5] in [r[:3] for r in table]


def test_findings_sheet_lists_problems_first():
    ws = load(sample_report())["检查结果"]
    body = rows(ws)[1:]
    assert [r[STATUS] for r in body] == ["不合格", "不合格", "不合格", "警告", "人工核查", "通过"]
    assert [r[SEVERITY] for r in body[:2]] == ["单项否决", "单项否决"]
    assert all(r[CHANGE] is None for r in body)  # a report without history has no 变化
    gk201 = next(r for r in body if r[0] == "GK201")
    assert gk201[1] == "栏目超期未更新" and gk201[DEDUCTION] == 2.5 and gk201[FIX] == "安排专人按时更新栏目内容。"
    assert gk201[EVIDENCE] == "最新 2024-01-02\n超期 120 天 | [x](javascript:alert(3))"
    assert all(isinstance(r[DEDUCTION], (int, float)) for r in body)
    assert ws["H2"].alignment.wrap_text  # evidence wraps
    assert ws["C2"].fill.fgColor.rgb.endswith("FFC7CE")  # 不合格 marked like Excel's "Bad"


def test_columns_and_links_sheets():
    wb = load(sample_report())
    columns = rows(wb["栏目"])[1:]
    assert columns[0][:3] == ['工作动态" onmouseover="alert(2)', "动态要闻（名称含「动态」）", 20]
    assert columns[0][3].date().isoformat() == "2024-01-02" and columns[0][4] == 14 and columns[0][5] == "超期未更新"
    assert (
        columns[1][1] == "未分类" and columns[1][3] is None and columns[1][4] == "不限" and columns[1][5] == "空白栏目"
    )
    links = rows(wb["链接"])[1:]
    assert links[0][:5] == ["https://www.example.gov.cn/old/page.html", 404, "失效", "HTTP 404", "是"]
    assert links[0][5].split("\n") == [f"https://www.example.gov.cn/p{i}.html" for i in range(8)]  # all, joined
    assert links[1][1] is None and links[1][2] == "待核实" and links[1][4] == "否"
    # The words each link is shown with, one per line: what the web team searches the page for.
    assert links[0][6] == "旧页面\n原文链接" and links[1][6] == XSS


@pytest.mark.parametrize(
    "make, shown",
    [(sample_report, ["data:text/html,<b>x</b>"]), (hostile_report, ['\'=HYPERLINK("javascript:alert(1)")'])],
)
def test_hyperlinks_only_for_http(make, shown):
    wb = load(make())
    linked = [c for c in all_cells(wb) if c.hyperlink]
    assert {c.value for c in linked} >= {
        "https://www.example.gov.cn/",
        "https://www.example.gov.cn/gzdt/?a=1&b=<2>",
        "https://www.example.gov.cn/old/page.html",
    }
    for cell in linked:
        assert cell.hyperlink.target.startswith(("http://", "https://")) and cell.hyperlink.target == cell.value
    # Script and data URLs are shown, but as plain text.
    unlinked = {c.value for c in all_cells(wb) if not c.hyperlink}
    for url in (JS_URL, *shown):
        assert url in unlinked


def test_long_url_stays_text():
    report = sample_report()
    report["links"][0]["url"] = "https://www.example.gov.cn/" + "a" * 3000
    cell = load(report)["链接"]["A2"]
    assert cell.value == report["links"][0]["url"] and cell.hyperlink is None


def test_no_formula_cells_and_every_string_is_inert():
    wb = load(hostile_report())
    values = []
    for cell in all_cells(wb):
        assert cell.data_type != "f", cell.coordinate
        if isinstance(cell.value, str):
            assert cell.data_type == "s"
            assert cell.value[:1] not in "=+-@\t\r＝＋－＠" or cell.value == "", (cell.coordinate, cell.value)
            values.append(cell.value)
    for payload in (EVIL_LINK, "+1", "-2+3", "@SUM(A1)", "\t=1+1", "=cmd|' /C calc'!A0", "=1+1", "@SUM(B2)"):
        assert "'" + payload in values, payload
    assert "#N/A" in values  # text, not an error cell
    assert "=1+1\nhttps://www.example.gov.cn/" not in values and "'=1+1\nhttps://www.example.gov.cn/" in values


def test_control_characters_do_not_break_the_workbook():
    report = sample_report()
    report["findings"][0]["evidence"] = "bad\x00\x0b\x1fbytes"
    report["site"]["name"] = "站\x01点"
    wb = load(report)
    assert wb["检查结果"]["H2"].value == "bad\ufffd\ufffd\ufffdbytes"
    assert wb.properties.title == "站\ufffd点 检查报告"


# --- CSV ------------------------------------------------------------------------------------------------


def parse_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_is_the_findings_table_with_a_bom():
    report = sample_report()
    data = render_csv(make_report(report))
    assert data.startswith(b"\xef\xbb\xbf")
    table = parse_csv(data)
    assert table[0] == FINDING_HEADERS
    assert len(table) - 1 == len(report["findings"])
    assert all(len(r) == len(FINDING_HEADERS) for r in table)
    # Same rows as the sheet, numbers written plainly, multi-line evidence kept in one field.
    sheet = rows(load(report)["检查结果"])[1:]
    assert [r[0] for r in table[1:]] == [r[0] for r in sheet]
    gk201 = next(r for r in table[1:] if r[0] == "GK201")
    assert gk201[DEDUCTION] == "2.5" and gk201[EVIDENCE] == "最新 2024-01-02\n超期 120 天 | [x](javascript:alert(3))"
    assert {r[DEDUCTION] for r in table[1:]} == {"0", "2.5", "1"}
    assert {r[CHANGE] for r in table[1:]} == {""}
    assert b"\r\n" in data


def test_csv_neutralises_formulas():
    table = parse_csv(render_csv(make_report(hostile_report())))
    cells = [c for r in table for c in r]
    for payload in (EVIL_LINK, "+1", "-2+3", "@SUM(A1)", "\t=1+1"):
        assert "'" + payload in cells and payload not in cells
    assert all(c[:1] not in "=+-@\t\r＝＋－＠" for c in cells if c)
    assert XSS in "".join(cells)  # crawled markup is not a spreadsheet's concern: kept as text


# --- writing --------------------------------------------------------------------------------------------


def test_write_reports_writes_every_format(tmp_path):
    assert {"report.xlsx", "report.csv"} <= set(FILES)
    write_reports(make_report(sample_report()), tmp_path)
    for name in FILES:
        assert (tmp_path / name).stat().st_size > 0
    assert openpyxl.load_workbook(tmp_path / "report.xlsx").sheetnames == SHEETS
    assert (tmp_path / "report.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (tmp_path / "report.md").read_text(encoding="utf-8").startswith("# 示例市人民政府")


@pytest.mark.e2e
def test_demo_workbook_matches_its_report(tmp_path):
    result = gapcheck("demo", "--out", str(tmp_path), timeout=300)
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    wb = openpyxl.load_workbook(tmp_path / "report.xlsx")
    assert wb.sheetnames == SHEETS
    assert wb["检查结果"].max_row - 1 == len(report["findings"])
    assert wb["栏目"].max_row - 1 == len(report["columns"])
    assert wb["链接"].max_row - 1 == len(report["links"])
    assert wb["已整改"].max_row - 1 == len(report.get("fixed") or [])
    summary = wb["汇总"]
    assert summary_value(summary, "总体结论") == report["summary"]["verdict"]
    assert summary_value(summary, "得分") == report["summary"]["score"]
    assert summary_value(summary, "检查依据") == report["summary"]["basis"]
    deducted = {r[0]: r[2] for r in rows(summary) if r[0] in report["summary"]["deductions"]}
    assert deducted == report["summary"]["deductions"]
    assert not any(c.data_type == "f" for c in all_cells(wb))
    table = parse_csv((tmp_path / "report.csv").read_bytes())
    assert len(table) - 1 == len(report["findings"])


# --- history: 变化, the summary's comparison and 已整改 -------------------------------------------------


def history_report() -> dict:
    """The hostile sample as a second run: one finding new, two still open, two fixed (with formula payloads)."""
    report = hostile_report()
    f = report["findings"]
    f[0].update(change="new")
    f[1].update(change="open", since={"run": 40, "as_of": "2024-04-01"})
    f[2].update(change="open", since={"run": 41, "as_of": "2024-05-01"})
    report["summary"]["changes"] = {"previous_run": 41, "new": 1, "still_open": 2, "fixed": 2}
    report["fixed"] = [
        {
            "rule": "GK102",
            "title": EVIL_LINK,
            "subject": "@SUM(A1)",
            "url": "https://www.example.gov.cn/zt/",
            "fingerprint": "0123456789abcdef",
        },
        {
            "rule": "GK201",
            "title": "",
            "subject": "-2+3",
            "url": '=HYPERLINK("javascript:alert(1)")',
            "fingerprint": "fedcba9876543210",
        },
    ]
    return report


def test_findings_carry_their_change():
    report = history_report()
    body = rows(load(report)["检查结果"])[1:]
    by_subject = {r[5]: r[CHANGE] for r in body}
    assert by_subject["'" + EVIL_LINK] == "新增"
    assert by_subject["互动交流"] == "仍存在（自运行 #40，2024-04-01）"
    assert by_subject["工作动态" + QUOTES] == "仍存在（自运行 #41，2024-05-01）"
    assert [r[CHANGE] for r in body if r[STATUS] != "不合格"] == [None] * 3  # passes and warnings: no change
    table = parse_csv(render_csv(make_report(report)))
    assert table[0][CHANGE] == "变化"
    assert [r[CHANGE] for r in table[1:]] == [v or "" for v in (r[CHANGE] for r in body)]
    assert "新增" in [r[CHANGE] for r in table[1:]]


def test_open_without_since():
    report = sample_report()
    report["findings"][0]["change"] = "open"  # `since` missing: still 仍存在
    body = {r[5]: r[CHANGE] for r in rows(load(report)["检查结果"])[1:]}
    assert body["政府信息公开" + XSS] == "仍存在" and body["互动交流"] is None


def test_an_unknown_change_cannot_be_built():
    report = sample_report()
    report["findings"][1].update(change="=1+1", since={"run": "=1+1"})
    with pytest.raises(ValidationError):
        make_report(report)


def _section(ws, title: str) -> list[list]:
    table = rows(ws)
    start = next(i for i, r in enumerate(table) if r[0] == title)
    end = next((i for i in range(start + 1, len(table)) if table[i][0] is None), len(table))
    return [r[:2] for r in table[start + 1 : end]]


def test_summary_counts_the_changes():
    ws = load(history_report())["汇总"]
    section = _section(ws, "与上次检查相比（较运行 #41）")
    assert section[0] == ["变化", "数量"]
    assert section[1:4] == [["新增问题", 1], ["仍未整改", 2], ["已整改", 2]]
    assert section[4] == ["已整改的 2 个问题见“已整改”工作表。", None]
    first = sample_report()
    first["summary"]["changes"] = {"previous_run": None, "new": 3, "still_open": 0, "fixed": 0}
    section = _section(load(first)["汇总"], "与上次检查相比（首次检查）")
    assert section[1:] == [["新增问题", 3], ["仍未整改", 0], ["已整改", 0]]
    # Reports written before runs were compared have no such section.
    assert not any(str(r[0]).startswith("与上次检查相比") for r in rows(load(sample_report())["汇总"]))


def test_fixed_sheet_lists_what_was_fixed_inertly():
    wb = load(history_report())
    ws = wb["已整改"]
    assert rows(ws) == [
        FIXED_HEADERS,
        ["GK102", "'" + EVIL_LINK, "'@SUM(A1)", "https://www.example.gov.cn/zt/"],
        ["GK201", "栏目超期未更新", "'-2+3", '\'=HYPERLINK("javascript:alert(1)")'],
    ]
    assert ws["D2"].hyperlink.target == "https://www.example.gov.cn/zt/" and ws["D3"].hyperlink is None
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:D3"
    for cell in all_cells(wb):
        assert cell.data_type != "f"
        if isinstance(cell.value, str) and cell.value:
            assert cell.value[0] not in "=+-@\t\r＝＋－＠", (cell.parent.title, cell.coordinate, cell.value)


def test_two_runs_of_a_site_in_the_workbook(tmp_path):
    """Two runs stored and compared as `gapcheck check` does: the second run's workbook and CSV show the changes."""
    import datetime as dt

    from checks import Finding, Severity, SiteVerdict, Status
    from gapcheck import history
    from gapcheck.store import Store

    store = Store(tmp_path / "s.sqlite")
    url = "http://x.gov.cn/"

    def run(failing, as_of):
        run_id = store.start_run("局", url, "national", as_of, 100)
        findings = [Finding(r, Status.FAIL, s, url=u, evidence=f"证据 {s}") for r, s, u in failing]
        report = make_report(
            {
                "site": {"start_url": url, "name": "局"},
                "run": {"id": run_id, "as_of": as_of.isoformat(), "finished_at": f"{as_of}T00:00:00+00:00"},
                "summary": {"verdict": "不合格", "score": 80.0, "fail": len(findings)},
                "rules": {},
                "findings": [
                    {
                        "rule": f.rule,
                        "status": "fail",
                        "severity": "major",
                        "subject": f.subject,
                        "url": f.url,
                        "evidence": f.evidence,
                    }
                    for f in findings
                ],
            }
        )
        report = history.annotate(report, store, run_id)
        store.finish_run(
            run_id,
            findings,
            {f.rule: Severity.MAJOR for f in findings},
            report.data(),
            finished_at=f"{as_of}T00:00:00+00:00",
            verdict=SiteVerdict.FAILED,
            score=80.0,
        )
        return run_id, report

    stale = ("GK201", "商务动态", "http://x.gov.cn/swdt/")
    banner = ("GK102", "=中国梦", "http://x.gov.cn/")
    broken = ("GK301", "+http://x.gov.cn/logo.png", "http://x.gov.cn/sy/")
    r1, _ = run([stale, banner], dt.date(2026, 11, 1))
    _r2, report = run([stale, broken], dt.date(2026, 11, 15))
    wb = load(report)
    body = {r[5]: r[CHANGE] for r in rows(wb["检查结果"])[1:]}
    assert body == {"商务动态": f"仍存在（自运行 #{r1}，2026-11-01）", "'+http://x.gov.cn/logo.png": "新增"}
    assert _section(wb["汇总"], f"与上次检查相比（较运行 #{r1}）")[1:4] == [
        ["新增问题", 1],
        ["仍未整改", 1],
        ["已整改", 1],
    ]
    assert rows(wb["已整改"])[1:] == [["GK102", "首页专栏横幅缺失", "'=中国梦", "http://x.gov.cn/"]]
    csv_rows = parse_csv(render_csv(report))
    assert sorted(r[CHANGE] for r in csv_rows[1:]) == sorted(body.values())
