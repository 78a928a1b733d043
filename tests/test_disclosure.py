"""4xx 政府信息公开: GK401 annual report, GK402 disclosure guide, GK403 disclosure catalogue."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from sitebuilder import BASE, FIXTURES, build_site, check, news_list, outcomes, page, url

from checks import Options, Severity, Status
from checks.options import Requirement
from spiders.encoding import decode_html

REALPAGES = Path(__file__).resolve().parents[1].parent / "shared" / "realpages"


def settings(code: str, **values: float) -> Options:
    return Options(rules={code: values})


# -- GK401 annual-report-missing-or-late -------------------------------------------------------------

GK401_SITE = {"": "GK401/home.html", "zwgk/ndbg/index.html": "GK401/ndbg.html"}
NDBG = url("zwgk/ndbg/index.html")
R2025 = url("zwgk/ndbg/202601/t20260120_2440001.html")
OLDER = "2024年（2025-01-24）、2023年（2024-01-30）、2022年（2023-01-18）、2020年（2021-01-29）；其间缺少：2021年"
TITLE_2025 = "示例市商务局2025年政府信息公开工作年度报告"


def ndbg(replace: str = "", by: str = "") -> str:
    html = (FIXTURES / "GK401/ndbg.html").read_text(encoding="utf-8")
    if replace:
        assert replace in html
        html = html.replace(replace, by)
    return html


WITHOUT_2025 = (
    f'<li><a href="./202601/t20260120_2440001.html" target="_blank">{TITLE_2025}</a>'
    '<span class="date">2026-01-20</span></li>'
)


def test_gk401_passes_on_time_and_lists_every_year_found():
    [finding] = check("GK401", build_site(GK401_SITE), Options())
    assert outcomes([finding]) == [("GK401", "pass", "2025年政府信息公开工作年度报告")]
    assert finding.url == R2025
    assert finding.evidence == (
        f"「{TITLE_2025}」2026-01-20 发布，不晚于期限 2026-01-31；网站上的年度报告：2025年（2026-01-20）、{OLDER}"
    )
    assert finding.deduction == 0.0


@pytest.mark.parametrize(
    ("shown", "status", "evidence"),
    [
        pytest.param("2026-01-31", "pass", "2026-01-31 发布，不晚于期限 2026-01-31", id="on-the-deadline"),
        pytest.param("2026-02-10", "fail", "2026-02-10 发布，晚于期限 2026-01-31 10 天", id="late"),
        pytest.param("2026-09-30", "fail", "2026-09-30 发布，晚于期限 2026-01-31 242 天", id="very-late"),
    ],
)
def test_gk401_a_report_published_after_31_january_is_late(shown, status, evidence):
    site = build_site({**GK401_SITE, "zwgk/ndbg/index.html": ndbg("2026-01-20", shown)})
    [finding] = check("GK401", site, settings("GK401", late_deduction=1.5))
    assert (finding.status, finding.url) == (status, R2025)
    assert finding.evidence.startswith(f"「{TITLE_2025}」{evidence}；网站上的年度报告：2025年（{shown}）")
    assert finding.deduction == (1.5 if status == "fail" else 0.0)
    assert finding.message == ("2025年度报告逾期发布" if status == "fail" else "2025年度报告按期发布")


def test_gk401_late_is_a_major_failure_without_deduction_by_default():
    from checks import BY_CODE

    site = build_site({**GK401_SITE, "zwgk/ndbg/index.html": ndbg("2026-01-20", "2026-02-10")})
    [finding] = check("GK401", site, Options())
    assert (finding.status, finding.deduction, BY_CODE["GK401"].severity) == (Status.FAIL, 0.0, Severity.MAJOR)


def test_gk401_fails_when_the_previous_years_report_is_missing():
    site = build_site({**GK401_SITE, "zwgk/ndbg/index.html": ndbg(WITHOUT_2025)})
    [finding] = check("GK401", site, settings("GK401", deduction=3))
    assert outcomes([finding]) == [("GK401", "fail", "2025年政府信息公开工作年度报告")]
    assert finding.url == NDBG
    assert finding.evidence == (
        f"未找到2025年度报告（期限 2026-01-31）；网站上的年度报告：{OLDER}；年报栏目「政府信息公开年报」：{NDBG}"
    )
    assert (finding.message, finding.deduction) == ("缺少2025年度政府信息公开工作年度报告", 3)


@pytest.mark.parametrize(
    ("as_of", "outcome", "evidence"),
    [
        pytest.param(
            dt.date(2026, 1, 20),
            ("pass", "2024年政府信息公开工作年度报告"),
            "2025-01-24 发布，不晚于期限 2025-01-31（2025年度报告的期限 2026-01-31 未到，检查上一年度）",
            id="before-the-deadline",
        ),
        pytest.param(
            dt.date(2026, 1, 31),
            ("pass", "2024年政府信息公开工作年度报告"),
            "2025-01-24 发布，不晚于期限 2025-01-31（2025年度报告的期限 2026-01-31 未到，检查上一年度）",
            id="on-the-deadline",
        ),
        pytest.param(
            dt.date(2026, 2, 1),
            ("fail", "2025年政府信息公开工作年度报告"),
            "未找到2025年度报告（期限 2026-01-31）",
            id="the-day-after",
        ),
        pytest.param(
            dt.date(2027, 3, 1),
            ("fail", "2026年政府信息公开工作年度报告"),
            "未找到2026年度报告（期限 2027-01-31）",
            id="a-year-later",
        ),
    ],
)
def test_gk401_before_the_deadline_the_year_before_is_checked(as_of, outcome, evidence):
    site = build_site({**GK401_SITE, "zwgk/ndbg/index.html": ndbg(WITHOUT_2025)}, as_of=as_of)
    [finding] = check("GK401", site, Options())
    assert (finding.status, finding.subject) == outcome
    assert evidence in finding.evidence


OLD_REPORTS = (
    ("./201803/t20180320_1.html", "示例市商务局2017年政府信息公开工作年度报告", "2018-03-20"),
    ("./201903/t20190325_1.html", "示例市商务局2018年政府信息公开工作年度报告", "{d2018}"),
    ("./202002/t20200215_1.html", "示例市商务局2019年政府信息公开工作年度报告", "2020-02-15"),
)


def old_site(as_of: dt.date, d2018: str = "2019-03-25") -> dict[str, str]:
    items = [
        (href, title, shown.format(d2018=d2018))
        for href, title, shown in OLD_REPORTS
        if dt.date.fromisoformat(shown.format(d2018=d2018)) <= as_of
    ]
    return {
        "": page('<a href="/zwgk/ndbg/index.html">政府信息公开年报</a>'),
        "zwgk/ndbg/index.html": page(news_list(*items), column="政府信息公开年报"),
    }


@pytest.mark.parametrize(
    ("as_of", "d2018", "status", "subject_year", "evidence"),
    [
        pytest.param(
            dt.date(2019, 6, 1),
            "2019-03-25",
            "pass",
            2018,
            "2019-03-25 发布，不晚于期限 2019-03-31",
            id="2018-report-by-31-march",
        ),
        pytest.param(
            dt.date(2019, 6, 1),
            "2019-04-02",
            "fail",
            2018,
            "2019-04-02 发布，晚于期限 2019-03-31 2 天",
            id="2018-report-after-31-march",
        ),
        pytest.param(
            dt.date(2019, 3, 1),
            "2019-03-25",
            "pass",
            2017,
            "2018-03-20 发布，不晚于期限 2018-03-31（2018年度报告的期限 2019-03-31 未到，检查上一年度）",
            id="2017-report-checked-until-31-march-2019",
        ),
        pytest.param(
            dt.date(2020, 1, 15),
            "2019-03-25",
            "pass",
            2018,
            "2019-03-25 发布，不晚于期限 2019-03-31（2019年度报告的期限 2020-01-31 未到，检查上一年度）",
            id="2019-report-not-yet-due",
        ),
        pytest.param(
            dt.date(2020, 3, 1),
            "2019-03-25",
            "fail",
            2019,
            "2020-02-15 发布，晚于期限 2020-01-31 15 天",
            id="2019-report-due-31-january",
        ),
    ],
)
def test_gk401_reports_of_years_up_to_2018_were_due_by_31_march(as_of, d2018, status, subject_year, evidence):
    [finding] = check("GK401", build_site(old_site(as_of, d2018), as_of=as_of), Options())
    assert (finding.status, finding.subject) == (status, f"{subject_year}年政府信息公开工作年度报告")
    assert evidence in finding.evidence


@pytest.mark.parametrize(
    ("as_of", "shown", "status", "subject"),
    [
        pytest.param(dt.date(2026, 11, 20), "2026-03-15", "pass", "2025年政府信息公开工作年度报告", id="by-31-march"),
        pytest.param(dt.date(2026, 11, 20), "2026-04-01", "fail", "2025年政府信息公开工作年度报告", id="after"),
        pytest.param(dt.date(2026, 3, 20), "2026-03-15", "pass", "2024年政府信息公开工作年度报告", id="not-yet-due"),
    ],
)
def test_gk401_a_whole_governments_report_is_due_by_31_march(as_of, shown, status, subject):
    site = build_site({**GK401_SITE, "zwgk/ndbg/index.html": ndbg("2026-01-20", shown)}, as_of=as_of)
    [finding] = check("GK401", site, settings("GK401", deadline_month=3, deadline_day=31))
    assert (finding.status, finding.subject) == (status, subject)


def test_gk401_other_reports_are_not_the_disclosure_report():
    """政府工作报告 and 统计年报 carry a year and 报告/年报 but are other documents."""
    site = build_site(
        {"": "GK401/home.html", "zwgk/ndbg/index.html": page("<p>暂无信息</p>", column="政府信息公开年报")}
    )
    [finding] = check("GK401", site, Options())
    assert (finding.status, finding.url) == (Status.FAIL, NDBG)
    assert finding.evidence == (
        "未找到2025年度报告（期限 2026-01-31）；在 2 个页面的链接和标题中未找到："
        "年度报告、公开年报、年报（标题中须有年份，如「2025年」）；"
        f"年报栏目「政府信息公开年报」：{NDBG}"
    )


def test_gk401_an_uncrawled_report_column_is_for_a_person():
    """Bureaus often keep their 年报 on the city's disclosure platform, outside the crawl."""
    platform = "http://zfxxgk.example.gov.cn/110089/zfxxgknb/list.shtml"
    site = build_site({"": page(f'<ul><li><a href="{platform}">公开年报</a></li></ul>')})
    [finding] = check("GK401", site, Options())
    assert (finding.status, finding.url, finding.deduction) == (Status.MANUAL, platform, 0.0)
    assert finding.evidence == (
        "未找到2025年度报告（期限 2026-01-31）；在 1 个页面的链接和标题中未找到："
        "年度报告、公开年报、年报（标题中须有年份，如「2025年」）；"
        f"年报栏目入口「公开年报」 → {platform} 未抓取（站外或未到达），"
        "请人工核对该栏目中的2025年度报告及其发布日期"
    )


def test_gk401_a_report_column_that_does_not_open_is_a_failure():
    site = build_site({"": "GK401/home.html"}, failed={"zwgk/ndbg/index.html": (404, None, "页面不存在")})
    [finding] = check("GK401", site, settings("GK401", deduction=2))
    assert (finding.status, finding.url, finding.deduction) == (Status.FAIL, NDBG, 2)
    assert finding.evidence.endswith(f"；年报栏目入口「政府信息公开年报」 → {NDBG} 无法打开")


def test_gk401_missing_on_a_site_without_any_report_points_to_the_home_page():
    [finding] = check("GK401", build_site({"": page("<h2>要闻</h2>")}), Options())
    assert (finding.status, finding.url) == (Status.FAIL, BASE)


ARTICLE = "zwgk/202601/t20260122_2440050.html"


def test_gk401_finds_the_report_as_an_article_with_its_pubdate():
    site = build_site(
        {
            "": page(f'<ul><li><a href="/{ARTICLE}">最新年报</a></li></ul>'),
            ARTICLE: page(
                f"<h1>{TITLE_2025}</h1><p>本报告根据《中华人民共和国政府信息公开条例》编制。</p>",
                title=TITLE_2025,
                pubdate="2026-01-22 10:00",
            ),
        }
    )
    [finding] = check("GK401", site, Options())
    assert (finding.status, finding.url) == (Status.PASS, url(ARTICLE))
    assert finding.evidence.startswith(f"「{TITLE_2025}」2026-01-22 发布")


def test_gk401_an_undated_list_item_takes_the_articles_date():
    site = build_site(
        {
            "": page(f'<ul><li><a href="/{ARTICLE}">{TITLE_2025}</a></li></ul>'),
            ARTICLE: page(f"<h1>{TITLE_2025}</h1>", title="示例市商务局", pubdate="2026-02-03 09:00"),
        }
    )
    [finding] = check("GK401", site, Options())
    assert finding.status is Status.FAIL
    assert finding.evidence.startswith(f"「{TITLE_2025}」2026-02-03 发布，晚于期限 2026-01-31 3 天")


def test_gk401_a_month_day_list_date_takes_its_year_from_the_url():
    site = build_site({**GK401_SITE, "zwgk/ndbg/index.html": ndbg("2026-01-20", "01-20")})
    [finding] = check("GK401", site, Options())
    assert finding.status is Status.PASS and "2025年（2026-01-20）" in finding.evidence


def test_gk401_a_report_without_any_date_is_unverified():
    site = build_site({"": page(f'<ul><li><a href="/zwgk/ndbg/2025.html">{TITLE_2025}</a></li></ul>')})
    [finding] = check("GK401", site, Options())
    assert (finding.status, finding.url, finding.deduction) == (Status.UNVERIFIED, url("zwgk/ndbg/2025.html"), 0.0)
    assert finding.evidence == (
        f"「{TITLE_2025}」没有发布日期，无法判断是否在 2026-01-31 前发布；网站上的年度报告：2025年（发布日期不详）"
    )


def test_gk401_full_width_years_and_the_title_attribute():
    site = build_site(
        {
            "": page(
                news_list(
                    ("/zwgk/a.html", "２０２５年政府信息公开工作年度报告", "2026-01-15"),
                    ("/zwgk/b.html", "示例市商务局2024年政府信息公开…", "2025-01-15"),
                ).replace(
                    '<a href="/zwgk/b.html"',
                    '<a href="/zwgk/b.html" title="示例市商务局2024年政府信息公开工作年度报告"',
                )
            )
        }
    )
    [finding] = check("GK401", site, Options())
    assert finding.status is Status.PASS
    assert finding.evidence.endswith("网站上的年度报告：2025年（2026-01-15）、2024年（2025-01-15）")


def test_gk401_a_year_on_time_once_is_on_time():
    """A report re-posted later (another URL) does not make the year late."""
    site = build_site(
        {
            "": page(
                news_list(
                    ("/zwgk/ndbg/2025b.html", TITLE_2025, "2026-03-02"),
                    ("/zwgk/ndbg/2025a.html", TITLE_2025, "2026-01-29"),
                )
            )
        }
    )
    [finding] = check("GK401", site, Options())
    assert (finding.status, finding.url) == (Status.PASS, url("zwgk/ndbg/2025a.html"))


# -- GK402 disclosure-guide-incomplete -------------------------------------------------------------

GK402_SITE = {"": "GK402/home.html", "zwgk/gkzn/index.html": "GK402/gkzn.html"}
GUIDE = url("zwgk/gkzn/index.html")
ELEMENTS = [
    "政府信息公开指南：工作机构",
    "政府信息公开指南：地址",
    "政府信息公开指南：办公时间",
    "政府信息公开指南：电话",
]


def guide(replace: str = "", by: str = "") -> str:
    html = (FIXTURES / "GK402/gkzn.html").read_text(encoding="utf-8")
    if replace:
        assert replace in html
        html = html.replace(replace, by)
    return html


def test_gk402_a_complete_guide():
    findings = check("GK402", build_site(GK402_SITE), Options())
    assert outcomes(findings) == [("GK402", "pass", "政府信息公开指南")] + [("GK402", "pass", e) for e in ELEMENTS]
    assert all(f.url == GUIDE for f in findings)
    assert [f.evidence for f in findings] == [
        f"指南页面：链接「政府信息公开指南」（{BASE}）；传真：有「传真：027-12345679」；"
        "互联网联系方式：有「电子邮箱：gk@bureau.example.gov.cn」",
        "正文「受理机构：示例市商务局办公室」",
        "正文「办公地址：示例市江汉区建设大道568号商务大厦12楼」",
        "正文「办公时间：周一至周五 上午9:00-12:00，下午13:30-17:00（法定节假日除」",
        "正文「联系电话：027-12345680」",
    ]


@pytest.mark.parametrize(
    ("line", "element", "evidence"),
    [
        pytest.param(
            "<p>受理机构：示例市商务局办公室</p>",
            "工作机构",
            f"在指南页面 {GUIDE} 的正文中未找到：工作机构、办公机构、受理机构、机构名称",
            id="office",
        ),
        pytest.param(
            "<p>办公地址：示例市江汉区建设大道568号商务大厦12楼</p>",
            "地址",
            f"在指南页面 {GUIDE} 的正文中未找到：地址、办公地址、通信地址、办公地点"
            "（只在页眉页脚等全站通用部分有「地址：示例市江岸区沿江大道188号」，那是网站主办单位的信息，不是指南写明的）",
            id="address-only-in-the-footer",
        ),
        pytest.param(
            "<p>办公时间：周一至周五 上午9:00-12:00，下午13:30-17:00（法定节假日除外）</p>",
            "办公时间",
            f"在指南页面 {GUIDE} 的正文中未找到：办公时间、受理时间、工作时间、接待时间",
            id="hours",
        ),
        pytest.param(
            "<p>联系电话：027-12345680</p>",
            "电话",
            f"在指南页面 {GUIDE} 的正文中未找到：电话、联系电话、咨询电话、热线"
            "（只在页眉页脚等全站通用部分有「电话：027-12345678」，那是网站主办单位的信息，不是指南写明的）",
            id="phone-only-in-the-footer",
        ),
    ],
)
def test_gk402_each_missing_element_is_its_own_failure(line, element, evidence):
    site = build_site({**GK402_SITE, "zwgk/gkzn/index.html": guide(line)})
    findings = check("GK402", site, settings("GK402", deduction=0.5))
    failed = [f for f in findings if f.status is Status.FAIL]
    assert outcomes(failed) == [("GK402", "fail", f"政府信息公开指南：{element}")]
    [fail] = failed
    assert (fail.url, fail.evidence, fail.deduction) == (GUIDE, evidence, 0.5)
    assert fail.message == f"指南未写明{element}"
    assert len(findings) == 5


@pytest.mark.parametrize(
    ("line", "by", "element", "quoted"),
    [
        pytest.param(
            "<p>受理机构：示例市商务局办公室</p>",
            "<p>政府信息公开工作机构：示例市商务局办公室</p>",
            "工作机构",
            "公开工作机构：示例市商务局办公室",
            id="office",
        ),
        pytest.param(
            "<p>办公地址：示例市江汉区建设大道568号商务大厦12楼</p>",
            "<p>受理地点：商务大厦一楼服务窗口</p>",
            "地址",
            "受理地点：商务大厦一楼服务窗口",
            id="place",
        ),
        pytest.param(
            "<p>办公地址：示例市江汉区建设大道568号商务大厦12楼</p>",
            "<p>通信地址：示例市江汉区建设大道568号</p>",
            "地址",
            "通信地址：示例市江汉区建设大道568号",
            id="postal-address",
        ),
        pytest.param(
            "<p>办公时间：周一至周五 上午9:00-12:00，下午13:30-17:00（法定节假日除外）</p>",
            "<p>受理时间：工作日9:00-17:00</p>",
            "办公时间",
            "受理时间：工作日9:00-17:00",
            id="hours",
        ),
        pytest.param(
            "<p>联系电话：027-12345680</p>",
            "<p>咨询热线：12345</p>",
            "电话",
            "咨询热线：12345 传真：027-12345679",
            id="hotline-with-its-number",
        ),
    ],
)
def test_gk402_element_label_variants(line, by, element, quoted):
    site = build_site({**GK402_SITE, "zwgk/gkzn/index.html": guide(line, by)})
    [finding] = [f for f in check("GK402", site, Options()) if f.subject == f"政府信息公开指南：{element}"]
    assert (finding.status, finding.evidence) == (Status.PASS, f"正文「{quoted}」")


def test_gk402_an_email_address_is_not_the_office_address_nor_a_fax_a_phone():
    body = guide(
        "<p>办公地址：示例市江汉区建设大道568号商务大厦12楼</p>", "<p>电子邮箱地址：gk@bureau.example.gov.cn</p>"
    )
    body = body.replace("<p>联系电话：027-12345680</p>", "").replace(
        "<p>传真：027-12345679</p>", "<p>传真电话：027-12345679</p>"
    )
    findings = check("GK402", build_site({**GK402_SITE, "zwgk/gkzn/index.html": body}), Options())
    assert {f.subject for f in findings if f.status is Status.FAIL} == {
        "政府信息公开指南：地址",
        "政府信息公开指南：电话",
    }
    assert "传真：有「传真电话：027-12345679」" in findings[0].evidence


def test_gk402_optional_elements_are_reported_in_the_guides_evidence():
    body = guide("<p>传真：027-12345679</p>").replace("<p>电子邮箱：gk@bureau.example.gov.cn</p>", "")
    findings = check("GK402", build_site({**GK402_SITE, "zwgk/gkzn/index.html": body}), Options())
    assert all(f.status is Status.PASS for f in findings)
    assert findings[0].evidence.endswith("传真：未写明；互联网联系方式：未写明")


def test_gk402_fails_once_when_there_is_no_guide():
    site = build_site(
        {
            "": page('<ul><li><a href="/zwgk/ysqgk/zn.html">依申请公开指南</a></li></ul>'),
            "zwgk/ysqgk/zn.html": page("<h2>依申请公开指南</h2><p>受理机构：办公室</p>"),
        }
    )
    [finding] = check("GK402", site, settings("GK402", deduction=2))
    assert outcomes([finding]) == [("GK402", "fail", "政府信息公开指南")]
    assert (finding.url, finding.deduction, finding.message) == (BASE, 2, "缺少政府信息公开指南")
    assert finding.evidence == "在 2 个页面的链接和标题中未找到：政府信息公开指南、信息公开指南、公开指南"


def test_gk402_a_guide_that_does_not_open_fails():
    site = build_site({"": "GK402/home.html"}, failed={"zwgk/gkzn/index.html": (404, None, "页面不存在")})
    [finding] = check("GK402", site, Options())
    assert (finding.status, finding.subject, finding.url) == (Status.FAIL, "政府信息公开指南", BASE)
    assert finding.evidence == f"链接「政府信息公开指南」（{BASE}） → {GUIDE} 无法打开（HTTP 404）"


@pytest.mark.parametrize(
    ("href", "checks", "why"),
    [
        pytest.param("/zwgk/gkzn.doc", {"zwgk/gkzn.doc": (200, None)}, "指南为附件", id="attachment"),
        pytest.param("http://xxgk.example.gov.cn/bureau/gkzn/", {}, "指南页面未抓取（站外或未到达）", id="elsewhere"),
    ],
)
def test_gk402_a_guide_that_cannot_be_read_here_is_for_a_person(href, checks, why):
    site = build_site({"": page(f'<ul><li><a href="{href}">政府信息公开指南</a></li></ul>')}, checks)
    [finding] = check("GK402", site, Options())
    assert (finding.status, finding.url) == (Status.MANUAL, url(href))
    assert finding.evidence == (
        f"{why}，链接「政府信息公开指南」（{BASE}）；请人工核对指南是否写明工作机构、地址、办公时间、电话"
    )


def test_gk402_a_guide_page_that_points_to_an_attachment_leaves_missing_elements_to_a_person():
    main = '<h2>政府信息公开指南</h2><p>请下载：<a href="/zwgk/gkzn.pdf">政府信息公开指南（PDF）</a></p>'
    site = build_site({"": "GK402/home.html", "zwgk/gkzn/index.html": page(main)}, {"zwgk/gkzn.pdf": (200, None)})
    findings = check("GK402", site, Options())
    assert [str(f.status) for f in findings] == ["pass", "manual", "manual", "manual", "manual"]
    assert findings[1].url == url("zwgk/gkzn.pdf")
    assert findings[1].evidence.endswith(
        f"；指南为附件，链接「政府信息公开指南（PDF）」（{GUIDE}），请人工核对附件或该页面是否写明工作机构"
    )


def test_gk402_a_name_without_a_link_is_for_a_person():
    site = build_site({"": page('<div class="entry"><a onclick="zhinan(2)">政府信息公开指南</a></div>')})
    [finding] = check("GK402", site, Options())
    assert (finding.status, finding.url) == (Status.MANUAL, BASE)
    assert finding.evidence.startswith("页面文字中有「") and "政府信息公开指南" in finding.evidence


def test_gk402_the_guide_as_an_article_in_its_column():
    article = "zwgk/gkzn/202001/t20200110_1.html"
    text = (FIXTURES / "GK402/gkzn.html").read_text(encoding="utf-8")
    main = text[text.index('<div class="main">') + len('<div class="main">') : text.index('<div class="footer">')]
    main = main.rsplit("</div>", 1)[0]
    site = build_site(
        {
            "": page('<ul><li><a href="/zwgk/gkzn/index.html">公开指南</a></li></ul>'),
            "zwgk/gkzn/index.html": page(
                news_list((f"/{article}", "示例市商务局政府信息公开指南", "2020-01-10")), column="政府信息公开指南"
            ),
            article: page(main, title="示例市商务局政府信息公开指南", pubdate="2020-01-10 09:00"),
        }
    )
    findings = check("GK402", site, Options())
    assert [str(f.status) for f in findings] == ["pass"] * 5
    assert findings[0].url == GUIDE and findings[0].evidence.startswith(
        "指南页面：栏目标识「政府信息公开指南」；页面标题「"
    )
    assert {f.url for f in findings[1:]} == {url(article)}


# -- GK403 disclosure-catalogue-missing --------------------------------------------------------------


def test_gk403_passes_on_an_entry_link():
    site = build_site({"": page('<a href="/zwgk/index.html">政务公开</a>'), "zwgk/index.html": "GK403/zwgk.html"})
    [finding] = check("GK403", site, Options())
    assert outcomes([finding]) == [("GK403", "pass", "政府信息公开目录")]
    assert (finding.url, finding.evidence) == (
        url("zwgk/index.html"),
        f"链接「政府信息公开目录」 → {BASE}zwgk/gkml/index.html",
    )


def test_gk403_passes_on_a_page_that_names_itself():
    site = build_site(
        {
            "": page("<h2>要闻</h2>"),
            "zwgk/gkml/index.html": page("<p>索引号 名称 生成日期</p>", column="政府信息公开目录"),
        }
    )
    [finding] = check("GK403", site, Options())
    assert (finding.status, finding.url, finding.evidence) == (
        Status.PASS,
        url("zwgk/gkml/index.html"),
        "栏目标识「政府信息公开目录」",
    )


def test_gk403_news_about_the_catalogue_is_not_the_catalogue():
    news = news_list(("/zwgk/tzgg/202610/t20261020_2444001.html", "关于更新政府信息公开目录的通知", "2026-10-20"))
    article = page(
        "<p>本局已更新政府信息公开目录。</p>", title="关于更新政府信息公开目录的通知", pubdate="2026-10-20 09:00"
    )
    site = build_site({"": page(news), "zwgk/tzgg/202610/t20261020_2444001.html": article})
    [finding] = check("GK403", site, settings("GK403", deduction=1))
    assert outcomes([finding]) == [("GK403", "fail", "政府信息公开目录")]
    assert (finding.url, finding.deduction) == (BASE, 1)
    assert finding.evidence == "在 2 个页面中未找到：政府信息公开目录、信息公开目录、公开目录"


def test_gk403_a_name_without_a_link_is_for_a_person():
    site = build_site({"": page('<div class="entry"><span onclick="gkml()">信息公开目录</span></div>')})
    [finding] = check("GK403", site, Options())
    assert (finding.status, finding.url) == (Status.MANUAL, BASE)


def test_gk403_is_minor():
    from checks import BY_CODE

    assert [BY_CODE[c].severity for c in ("GK401", "GK402", "GK403")] == [
        Severity.MAJOR,
        Severity.MAJOR,
        Severity.MINOR,
    ]


# -- real pages (邯郸市政府信息公开, saved 2020-08) --------------------------------------------------

realpages = pytest.mark.skipif(not REALPAGES.is_dir(), reason="../shared/realpages is not present")
HANDAN = "http://hdzfxxgk.hd.gov.cn/"
SAVED = dt.date(2020, 8, 12)


def real(name: str) -> str:
    return decode_html((REALPAGES / name).read_bytes())[0]


def handan(pages: dict[str, str]):
    site = build_site({HANDAN + path: real(name) for path, name in pages.items()}, as_of=SAVED)
    return dataclasses.replace(site, start_url=HANDAN)


GKZN = {"zfxxgkzn/": "kevin3691__renmin_affairs_gkzn.jsp.html"}
INDEX = {"": "kevin3691__renmin_affairs_index.jsp.html"}


@realpages
def test_real_guide_page_is_a_directory_of_department_guides_without_the_elements():
    """The 市政府 guide column names itself the guide but only lists 44 departments (each with its own
    guide behind the link): no office, address, hours or phone is written on the page."""
    site = handan(GKZN)
    guide_page = site.page(HANDAN + "zfxxgkzn/")
    assert guide_page.meta["columnname"] == "政府信息公开指南"
    departments = [link for link in guide_page.links if link.region.value == "main" and "/gszbm/" in link.url]
    assert len(departments) == 44 and departments[0].text == "市政府办公室"
    findings = check("GK402", site, Options())
    assert outcomes(findings) == [("GK402", "pass", "政府信息公开指南")] + [("GK402", "fail", e) for e in ELEMENTS]
    assert (
        findings[0].evidence
        == "指南页面：页面标题「邯郸市人民政府-政府信息公开指南」；传真：未写明；互联网联系方式：未写明"
    )
    # Its column link 清晨热线 is not a phone number, nor 机构职责 the office.
    assert all(f.url == HANDAN + "zfxxgkzn/" for f in findings)


@realpages
def test_real_guide_page_links_the_annual_report_column_which_a_person_must_open():
    [report] = check("GK401", handan(GKZN), Options())
    assert (report.status, report.subject, report.url) == (
        Status.MANUAL,
        "2019年政府信息公开工作年度报告",
        HANDAN + "zfxxgknb/",
    )
    assert f"；年报栏目入口「政府信息 公开年报」 → {HANDAN}zfxxgknb/ 未抓取" in report.evidence
    [catalogue] = check("GK403", handan(GKZN), Options())
    assert catalogue.status is Status.FAIL


@realpages
def test_real_disclosure_home_has_its_guide_entry_only_as_a_script():
    """`<a onclick="zhinan(2)">政府信息公开指南</a>` has no address: the extractor records no link, the
    rule sees the words and leaves the guide to a person."""
    site = handan(INDEX)
    home = site.page(HANDAN)
    assert "政府信息公开指南" in home.text
    assert not any("指南" in link.text for link in home.links)
    [guide_finding] = check("GK402", site, Options())
    assert (guide_finding.status, guide_finding.url) == (Status.MANUAL, HANDAN)
    assert guide_finding.evidence.startswith("页面文字中有「高级搜索 政府信息公开指南 近期信息公开")
    [report] = check("GK401", site, Options())
    assert (report.status, report.url) == (Status.FAIL, HANDAN)
    assert report.evidence == (
        "未找到2019年度报告（期限 2020-01-31）；在 1 个页面的链接和标题中未找到："
        "年度报告、公开年报、年报（标题中须有年份，如「2025年」）"
    )
    [catalogue] = check("GK403", site, Options())
    assert (catalogue.status, catalogue.url) == (Status.FAIL, HANDAN)


@realpages
def test_real_disclosure_home_and_guide_together():
    site = handan({**INDEX, **GKZN})
    assert [str(f.status) for f in check("GK402", site, Options())] == ["pass", "fail", "fail", "fail", "fail"]
    assert [(f.status, f.url) for f in check("GK401", site, Options())] == [(Status.MANUAL, HANDAN + "zfxxgknb/")]


# -- entries that are pictures (issue 12) ---------------------------------------------------------------

CRUMB = '<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; {}</div>'


def test_gk403_a_catalogue_entry_that_is_a_picture_is_named_by_its_target():
    site = build_site(
        {
            "": page('<a href="/zwgk/gkml/"><img src="/images/gkml.png"></a>'),
            "zwgk/gkml/": page(CRUMB.format("政府信息公开目录") + "<p>索引号</p>"),
        }
    )
    [finding] = check("GK403", site, Options())
    assert (finding.status, finding.evidence) == (
        Status.PASS,
        f"图片链接（目标页当前位置「政府信息公开目录」） → {url('zwgk/gkml/')}",
    )


def test_gk401_the_report_column_behind_a_picture_is_read_as_the_report_column():
    """In the annual-report column a year alone ("2025年度") titles a report: the column is known by the
    picture link's target."""
    listing = news_list(("/zwgk/ndbg/2025ndbg.pdf", "2025年度", "2026-01-20"))
    site = build_site(
        {
            "": page('<a href="/zwgk/ndbg/"><img src="/images/ndbg.png"></a>'),
            "zwgk/ndbg/": page(CRUMB.format("政府信息公开年报") + listing),
        }
    )
    [finding] = check("GK401", site, Options())
    assert (finding.status, finding.url) == (Status.PASS, url("zwgk/ndbg/2025ndbg.pdf"))


# -- GK401: the report, not a notice about reports (issue 12) ----------------------------------------

NOTICE_2025 = "关于做好2025年度政府信息公开工作年度报告编制公布工作的通知"
REPORT_2025 = "示范县人民政府2025年政府信息公开工作年度报告"


@pytest.mark.parametrize(
    "notice",
    [
        NOTICE_2025,
        "关于2025年政府信息公开工作年度报告发布工作的通知",
        "关于报送2025年度政府信息公开年报的通知",
        "2025年政府信息公开年报编制工作培训会召开",
    ],
)
def test_gk401_a_notice_about_compiling_reports_is_not_the_report(notice):
    listing = news_list(
        ("/zwgk/ndbg/202512/t20251210_1.html", notice, "2025-12-10"),
        ("/zwgk/ndbg/202501/t20250124_2.html", "示范县人民政府2024年政府信息公开工作年度报告", "2025-01-24"),
    )
    site = build_site(
        {"": page('<a href="/zwgk/ndbg/">政府信息公开年报</a>'), "zwgk/ndbg/": page(listing, column="政府信息公开年报")}
    )
    [finding] = check("GK401", site, Options())
    assert (finding.status, finding.subject) == (Status.FAIL, "2025年政府信息公开工作年度报告")
    assert notice not in finding.evidence and "网站上的年度报告：2024年（2025-01-24）" in finding.evidence


def test_gk401_a_list_with_the_notice_and_the_report_picks_the_report():
    listing = news_list(
        ("/zwgk/ndbg/202512/t20251210_1.html", NOTICE_2025, "2025-12-10"),
        ("/zwgk/ndbg/202601/t20260125_2.html", REPORT_2025, "2026-01-25"),
    )
    site = build_site(
        {"": page('<a href="/zwgk/ndbg/">政府信息公开年报</a>'), "zwgk/ndbg/": page(listing, column="政府信息公开年报")}
    )
    [finding] = check("GK401", site, Options())
    assert (finding.status, finding.url) == (Status.PASS, url("zwgk/ndbg/202601/t20260125_2.html"))
    assert finding.evidence.startswith(f"「{REPORT_2025}」2026-01-25 发布")


def test_gk101_a_notice_about_reports_is_not_the_annual_report_entry():
    site = build_site({"": page(f'<a href="/tz/1.html">{NOTICE_2025}</a>')})
    req = Requirement("政府信息公开年度报告", ("政府信息公开工作年度报告", "年度报告", "年报"))
    [finding] = check("GK101", site, Options(requirements=(req,)))
    assert finding.status is Status.FAIL
