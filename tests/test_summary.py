"""What a supervisor reads first must not mislead (issue 15): the verdict and the counts beside it, an
incomplete crawl, the page limit the run used, why a finding costs no points, the open problems across
sites, the bureau's name as the title, and times in Beijing time with the date the rules counted from."""

from __future__ import annotations

import json
import re
from pathlib import Path

import lxml.html
import openpyxl
import pytest
from cli import SAMPLE_CHECK, gapcheck
from reports import make_report
from routeserver import Answer
from routeserver import serve as serve_route

from gapcheck.notify import SiteResult, compose, what_is_new
from gapcheck.report import render_html, render_markdown, render_xlsx, write_index
from gapcheck.report.view import fmt_time
from gapcheck.sample import PORTAL_DIR
from gapcheck.sample.server import serve

GAPS_MD = PORTAL_DIR.parent / "GAPS.md"


def text_of(html: str) -> str:
    return " ".join(lxml.html.fromstring(html).text_content().split())


def metrics(html: str) -> dict[str, str]:
    doc = lxml.html.fromstring(html)
    return {
        " ".join(m.find("span").text_content().split()): m.find("b").text_content().strip()
        for m in doc.xpath("//div[contains(@class, 'metric')]")
    }


# -- 1. one word for the count of findings, no tile that reads as a verdict --------------------------------


def passing_with_problems(**run: object) -> dict:
    return {
        "run": run,
        "summary": {"checked": 120, "pass": 25, "fail": 89, "warn": 6, "verdict": "合格", "score": 61.5},
    }


def test_a_passing_site_s_failing_findings_are_counted_as_problems_not_as_a_verdict():
    report = make_report(passing_with_problems())
    html = render_html(report)
    tiles = metrics(html)
    assert tiles["问题"] == "89" and "不合格" not in tiles
    assert "得分不低于 60 分且无单项否决即为合格" in text_of(html)
    markdown = render_markdown(report)
    assert "| 单项否决 | 检查项 | 通过 | 问题 | 警告 | 待核实 | 人工核查 |" in markdown
    assert "| 0 | 120 | 25 | 89 | 6 | 0 | 0 |" in markdown


# -- 2. an incomplete crawl: a banner, and a 合格 that is provisional ----------------------------------------


def test_a_page_limit_reached_shows_the_banner_and_a_provisional_verdict():
    report = make_report(passing_with_problems(pages=5, page_limit=5, page_limit_reached=True))
    html = render_html(report)
    doc = lxml.html.fromstring(html)
    [banner] = doc.xpath("//*[@id='incomplete']")
    assert "检查不完整" in banner.text_content()
    assert "抓取了 5 个页面，达到本次检查的页面数上限 5" in banner.text_content()
    [verdict] = doc.xpath("//div[contains(@class, 'verdict verdict-')]")
    assert verdict.text_content() == "合格（检查不完整）"
    markdown = render_markdown(report)
    assert "> **检查不完整**" in markdown and "达到本次检查的页面数上限 5" in markdown
    assert "## 总体结论：**合格（检查不完整）**" in markdown


def test_pages_the_crawl_gave_up_on_make_it_incomplete_and_a_fail_stays_a_fail():
    report = make_report(
        {"run": {"stopped_pages": 12}, "summary": {"fail": 3, "verdict": "不合格", "score": 40, "vetoes": 1}}
    )
    html = render_html(report)
    assert "12 个站内页面停止请求" in text_of(html)
    [verdict] = lxml.html.fromstring(html).xpath("//div[contains(@class, 'verdict verdict-')]")
    assert verdict.text_content() == "不合格"


def test_pages_gapcheck_failed_on_make_a_pass_provisional():
    # Their links and content were never judged: a 合格 holds only for the rest (GK907 says why).
    report = make_report(passing_with_problems(unprocessed_pages=2))
    html = render_html(report)
    assert "gapcheck 处理 2 个页面时内部出错" in text_of(html)
    [verdict] = lxml.html.fromstring(html).xpath("//div[contains(@class, 'verdict verdict-')]")
    assert verdict.text_content() == "合格（检查不完整）"
    assert "## 总体结论：**合格（检查不完整）**" in render_markdown(report)


def test_the_spreadsheet_and_the_notice_say_the_check_is_incomplete(tmp_path):
    data = passing_with_problems(pages=5, page_limit=5, page_limit_reached=True)
    data["findings"] = [{"rule": "GK201", "status": "fail", "subject": "商务动态", "change": "new", "deduction": 2.0}]
    report = make_report(data)
    (tmp_path / "r.xlsx").write_bytes(render_xlsx(report))
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx")["汇总"]
    values = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert ["总体结论", "合格（检查不完整）"] in values
    assert ["检查不完整", "抓取了 5 个页面，达到本次检查的页面数上限 5，其余页面未检查"] in values
    assert ["问题", 89] in values
    notice = compose(what_is_new([SiteResult("甲局", "http://a.gov.cn/", report, tmp_path / "r.html")]))
    assert "结论：合格（检查不完整）　得分：61.5" in notice.body
    assert "检查不完整：抓取了 5 个页面，达到本次检查的页面数上限 5" in notice.body
    assert notice.payload["sites"][0]["incomplete"] == ["抓取了 5 个页面，达到本次检查的页面数上限 5，其余页面未检查"]


def test_a_complete_crawl_shows_no_banner():
    html = render_html(make_report(passing_with_problems()))
    assert not lxml.html.fromstring(html).xpath("//*[@id='incomplete']") and "检查不完整" not in html


@pytest.fixture(scope="module")
def five_pages(tmp_path_factory) -> dict:
    """The sample portal checked with --max-pages 5 (its profile allows 5000), then indexed."""
    tmp = tmp_path_factory.mktemp("five")
    with serve() as server:
        result = gapcheck(
            "check",
            server.url,
            *SAMPLE_CHECK,
            "--max-pages",
            "5",
            "--out",
            str(tmp / "reports" / "sample"),
            "--db",
            str(tmp / "db.sqlite"),
        )
    assert result.returncode in (0, 1), result.stderr
    index = gapcheck("index", str(tmp / "reports"))
    assert index.returncode == 0, index.stderr
    out = tmp / "reports" / "sample"
    return {
        "stdout": result.stdout,
        "report": json.loads((out / "report.json").read_text(encoding="utf-8")),
        "html": (out / "report.html").read_text(encoding="utf-8"),
        "md": (out / "report.md").read_text(encoding="utf-8"),
        "index": (tmp / "reports" / "index.html").read_text(encoding="utf-8"),
        "index_stdout": index.stdout,
    }


@pytest.mark.e2e
def test_gk901_names_the_page_limit_the_run_used(five_pages):
    [gk901] = [f for f in five_pages["report"]["findings"] if f["rule"] == "GK901"]
    assert gk901["status"] == "warn"
    assert gk901["evidence"] == "已抓取 5 个页面，达到上限 5"
    assert five_pages["report"]["run"]["page_limit"] == 5


@pytest.mark.e2e
def test_a_crawl_stopped_by_the_page_limit_says_so_everywhere(five_pages):
    reason = "抓取了 5 个页面，达到本次检查的页面数上限 5"
    assert "检查不完整" in text_of(five_pages["html"]) and reason in text_of(five_pages["html"])
    assert "> **检查不完整**" in five_pages["md"] and reason in five_pages["md"]
    assert f"检查不完整：{reason}" in five_pages["stdout"]
    [row] = lxml.html.fromstring(five_pages["index"]).xpath("//table[@id='sites']/tbody/tr")
    assert f"检查不完整：{reason}" in " ".join(row.text_content().split())
    verdict = five_pages["report"]["summary"]["verdict"]
    shown = "合格（检查不完整）" if verdict == "合格" else "不合格"
    assert f"结论：{shown}　" in five_pages["stdout"]


# -- 4. why a serious finding costs no points ---------------------------------------------------------------


def fail(rule: str, subject: str, deduction: float, severity: str = "major") -> dict:
    return {"rule": rule, "status": "fail", "severity": severity, "subject": subject, "deduction": deduction}


def test_the_deduction_column_says_why_a_finding_costs_no_points_or_fewer():
    report = make_report(
        {
            "summary": {
                "fail": 6,
                "vetoes": 1,
                "verdict": "不合格",
                "score": 83,
                "deductions": {"GK201": 5.0, "GK302": 0.2},
            },
            "findings": [
                fail("GK203", "首页", 0.0, "veto"),
                fail("GK202", "专项资金", 0.0),
                fail("GK201", "人事任免", 5.0),
                fail("GK104", "人事任免", 2.0),
                fail("GK302", "http://a.gov.cn/1", 0.1, "minor"),
                fail("GK302", "http://a.gov.cn/2", 0.1, "minor"),
                fail("GK302", "http://a.gov.cn/3", 0.1, "minor"),
            ],
        }
    )
    cells = [
        (tr.xpath("./td")[-1].text.strip(), " ".join(tr.xpath("./td")[-1].xpath("string(div[@class='why'])").split()))
        for tr in lxml.html.fromstring(render_html(report)).xpath("//section[@id='checks']//tbody/tr")
    ]
    assert cells == [
        ("2", "同一检查对象已按 GK201 扣分，不重复扣"),
        ("5", ""),
        ("0", "本规则不单独扣分，见规则说明"),
        ("0", "单项否决项，不扣分，直接判定不合格"),
        *[("0.1", "本规则合计最多扣 0.2 分，已扣满")] * 3,
    ]
    assert "| 0（单项否决项，不扣分，直接判定不合格） |" in render_markdown(report)


def test_a_finding_that_counts_in_full_shows_its_points_alone():
    report = make_report(
        {
            "summary": {"fail": 1, "score": 98, "deductions": {"GK201": 2.0}},
            "findings": [fail("GK201", "商务动态", 2.0), {"rule": "GK101", "status": "pass"}],
        }
    )
    cells = [
        " ".join(tr.xpath("./td")[-1].text_content().split())
        for tr in lxml.html.fromstring(render_html(report)).xpath("//section[@id='checks']//tbody/tr")
    ]
    assert cells == ["", "2"]


# -- 5. the supervisors' index: open problems per site and across sites ------------------------------------


def site(reports: Path, slug: str, data: dict) -> None:
    (reports / slug).mkdir(parents=True)
    (reports / slug / "report.json").write_text(make_report(data).json_text(), encoding="utf-8")


def test_the_index_shows_open_problems_per_site_and_in_total(tmp_path):
    changes = {"previous_run": 3, "new": 0, "still_open": 89, "fixed": 0}
    site(tmp_path, "a", {"site": {"name": "甲局"}, "summary": {"fail": 89, "score": 61, "changes": changes}})
    site(tmp_path, "b", {"site": {"name": "乙局"}, "summary": {"fail": 4, "score": 90}})
    doc = lxml.html.fromstring(write_index(tmp_path).read_text(encoding="utf-8"))
    head = [" ".join(th.text_content().split()) for th in doc.xpath("//table[@id='sites']/thead//th")]
    column = head.index("问题")
    assert head[column + 1] == "新增问题"
    open_counts = {
        tr.get("data-name"): " ".join(tr.xpath("./td")[column].text_content().split())
        for tr in doc.xpath("//table[@id='sites']/tbody/tr")
    }
    assert open_counts == {"甲局": "89", "乙局": "4"}
    tiles = {
        " ".join(m.find("span").text_content().split()): m.find("b").text_content()
        for m in doc.xpath("//*[@id='totals']/div")
    }
    assert tiles["现有问题"] == "93"
    listed = gapcheck("index", str(tmp_path))
    assert listed.returncode == 0, listed.stderr
    assert "现有问题 93" in listed.stdout


# -- 6. GAPS.md says how many findings the demo report lists -----------------------------------------------


@pytest.mark.e2e
def test_gaps_md_states_the_number_of_failing_findings_the_demo_report_lists(tmp_path):
    stated = re.search(r"lists \*\*(\d+) failing findings\*\*", GAPS_MD.read_text(encoding="utf-8"))
    assert stated, "GAPS.md must say how many failing findings the demo report lists"
    demo = gapcheck("demo", "--out", str(tmp_path))
    assert demo.returncode == 0, demo.stderr
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["fail"] == int(stated[1])
    assert f"问题 {stated[1]}" in demo.stdout


# -- 7. the bureau's name is the title ---------------------------------------------------------------------


@pytest.mark.e2e
def test_the_sites_list_name_titles_the_report_the_index_and_the_notice(tmp_path):
    sites = tmp_path / "sites.yaml"
    (tmp_path / "quick.yaml").write_text(
        "name: 快速检查\nextends: national\ncrawl: {delay: 0, concurrency: 8, max_pages: 5}\n", encoding="utf-8"
    )
    (tmp_path / "bureau.yaml").write_text(
        "name: 某某区商务局\nextends: national\ncrawl: {delay: 0, concurrency: 8, max_pages: 5}\n", encoding="utf-8"
    )
    # Two hosts (both loopback): one host with two ports would be one site.
    with serve() as named, serve(host="127.0.0.2") as unnamed, serve_route(lambda req: Answer(204)) as hook:
        sites.write_text(
            f'defaults: {{out: reports, db: db.sqlite}}\nnotify: {{webhook: "{hook.url}hook"}}\nsites:\n'
            f'  - {{name: 某某市测试局, url: "{named.url}", profile: quick.yaml, slug: named}}\n'
            f'  - {{url: "{unnamed.url}", profile: bureau.yaml, slug: unnamed}}\n',
            encoding="utf-8",
        )
        result = gapcheck("batch", str(sites), "--as-of", "2026-11-20")
        [post] = [json.loads(r.body) for r in hook.requests if r.method == "POST"]
    assert result.returncode in (0, 1), result.stderr
    out = tmp_path / "reports" / "named"
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["site"]["name"] == "某某市测试局"
    html = lxml.html.fromstring((out / "report.html").read_text(encoding="utf-8"))
    assert html.findtext(".//title") == "某某市测试局 检查报告" and html.findtext(".//h1") == "某某市测试局 检查报告"
    assert (out / "report.md").read_text(encoding="utf-8").startswith("# 某某市测试局 检查报告\n")
    unnamed_report = json.loads((tmp_path / "reports" / "unnamed" / "report.json").read_text(encoding="utf-8"))
    assert unnamed_report["site"]["name"] == "某某区商务局"  # the profile's bureau, not the page title 首页
    index = lxml.html.fromstring((tmp_path / "reports" / "index.html").read_text(encoding="utf-8"))
    assert sorted(n.text_content() for n in index.xpath("//div[@class='site-name']")) == [
        "某某区商务局",
        "某某市测试局",
    ]
    assert sorted(site["name"] for site in post["sites"]) == ["某某区商务局", "某某市测试局"]
    assert "【1】某某" in post["text"] and "某某区商务局" in post["text"]


@pytest.mark.e2e
def test_without_a_name_the_profile_s_bureau_titles_the_report(tmp_path):
    bureau = tmp_path / "bureau.yaml"
    bureau.write_text("name: 某某区商务局\nextends: national\ncrawl: {delay: 0, max_pages: 3}\n", encoding="utf-8")
    with serve() as server:
        result = gapcheck(
            "check",
            server.url,
            "--profile",
            str(bureau),
            "--out",
            str(tmp_path / "out"),
            "--db",
            str(tmp_path / "db.sqlite"),
        )
    assert result.returncode in (0, 1), result.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["site"]["name"] == "某某区商务局"


# -- 8. Beijing time, configurable, and the date the rules counted from -------------------------------------


def test_times_are_shown_in_beijing_time_and_the_as_of_date_is_stated():
    report = make_report(
        {
            "run": {
                "as_of": "2026-11-20",
                "started_at": "2026-11-20T16:00:00+00:00",
                "finished_at": "2026-11-20T17:05:09+00:00",
            }
        }
    )
    html = text_of(render_html(report))
    assert "检查时间：2026-11-21 01:05:09（Asia/Shanghai）" in html
    assert "数据截至：2026-11-20（更新时限等按此日倒推计算）" in html
    assert "开始时间2026-11-21 00:00:00" in html and "时区Asia/Shanghai" in html  # the footer's <dt><dd>
    markdown = render_markdown(report)
    assert "- **结束时间**：2026-11-21 01:05:09" in markdown
    assert "检查时间：2026-11-21 01:05:09（Asia/Shanghai）" in markdown


def test_another_timezone_from_the_report():
    report = make_report({"run": {"finished_at": "2026-11-20T17:05:09+00:00", "timezone": "Europe/London"}})
    assert "检查时间：2026-11-20 17:05:09（Europe/London）" in text_of(render_html(report))
    assert fmt_time("2026-11-20T17:05:09") == "2026-11-21 01:05:09"  # a time without a zone is UTC


def test_the_index_shows_times_in_beijing_time(tmp_path):
    site(tmp_path, "a", {"run": {"finished_at": "2026-11-27T09:30:00+00:00"}})
    doc = lxml.html.fromstring(write_index(tmp_path).read_text(encoding="utf-8"))
    assert "2026-11-27 17:30:00" in doc.xpath("//table[@id='sites']/tbody/tr")[0].text_content()
    assert "（Asia/Shanghai）" in doc.xpath("//header//div[@class='sub']")[0].text_content()


@pytest.mark.e2e
def test_timezone_from_the_command_line_and_the_profile(tmp_path):
    profile = tmp_path / "p.yaml"
    profile.write_text(
        "name: 某某区商务局\nextends: national\ntimezone: Asia/Urumqi\ncrawl: {delay: 0, max_pages: 2}\n",
        encoding="utf-8",
    )
    with serve() as server:
        base = ("check", server.url, "--profile", str(profile), "--db", str(tmp_path / "db.sqlite"))
        by_profile = gapcheck(*base, "--out", str(tmp_path / "a"))
        by_option = gapcheck(*base, "--out", str(tmp_path / "b"), "--timezone", "UTC")
    assert by_profile.returncode in (0, 1), by_profile.stderr
    assert "（Asia/Urumqi）" in by_profile.stdout
    assert json.loads((tmp_path / "b" / "report.json").read_text(encoding="utf-8"))["run"]["timezone"] == "UTC"
    assert "（UTC）" in by_option.stdout


def test_an_unknown_timezone_names_the_key_and_the_fix(tmp_path):
    bad = gapcheck("check", "http://127.0.0.1:9/", "--timezone", "Beijing", "--db", str(tmp_path / "d.sqlite"))
    assert bad.returncode == 2 and "--timezone 'Beijing'" in bad.stderr and "Asia/Shanghai" in bad.stderr
    assert "Traceback" not in bad.stderr
    profile = tmp_path / "p.yaml"
    profile.write_text("extends: national\ntimezone: Beijing\n", encoding="utf-8")
    bad = gapcheck("check", "http://127.0.0.1:9/", "--profile", str(profile), "--db", str(tmp_path / "d.sqlite"))
    assert bad.returncode == 2 and "p.yaml:2: 键 'timezone'" in bad.stderr and "Asia/Shanghai" in bad.stderr
