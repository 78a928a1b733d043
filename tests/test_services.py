"""7xx online services: GK701 service-guide elements, GK702 forms named in guides downloadable."""

from __future__ import annotations

import dataclasses

import pytest
from sitebuilder import BASE, build_site, check, news_list, outcomes, page, url

from checks import Options, Severity, Status
from core.model import CrawlStats, FetchError
from gapcheck.profile import load_profile
from gapcheck.sample import PORTAL_DIR

NATIONAL = load_profile("national").options  # basis 2019
WUHAN = load_profile("wuhan-commerce").options
BASIS_2015 = dataclasses.replace(NATIONAL, basis="2015")

GUIDES = {
    "": "GK701/bszn.html",  # a home page in the same template (footer with 联系电话)
    "bszn/index.html": "GK701/bszn.html",
    "bszn/202606/t20260601_1.html": "GK701/guide_synonyms.html",
    "bszn/202603/t20260320_2.html": "GK701/guide_missing.html",
    "bszn/202511/t20251111_3.html": "GK701/guide_unnamed.html",
}


def sample(path: str) -> str:
    return (PORTAL_DIR / path).read_text(encoding="utf-8")


def sample_guides() -> tuple[dict[str, str], dict[str, tuple]]:
    """The sample portal's home, 办事指南 column and its three guides, with their forms answering 200."""
    paths = [
        "sy/index.html",
        "bszn/index.html",
        "bszn/202606/t20260601_2433596.html",
        "bszn/202603/t20260320_2433082.html",
        "bszn/202511/t20251111_2431874.html",
    ]
    pages = {"" if p == "sy/index.html" else p: sample(p) for p in paths}
    forms = ["bszn/202606/P020260601469120.doc", "bszn/202603/P020260320477039.xls", "bszn/202511/P020251111484958.doc"]
    return pages, {f: (200, None) for f in forms}


def with_rules(options: Options, code: str, **settings: float) -> Options:
    return dataclasses.replace(options, rules={**options.rules, code: settings})


def guide(title: str, body: str, *, column: str = "办事指南") -> str:
    return page(f"<h1>{title}</h1>{body}", title=title, column=column, pubdate="2026-06-01 10:00")


COMPLETE = (
    "<p>事项名称：酒类流通备案</p><p>设定依据：《酒类流通管理办法》</p><p>申请条件：从事酒类批发、零售的经营者</p>"
    "<p>办理材料：备案登记表</p><p>办理地点：市民之家</p><p>办理时间：工作日</p><p>联系电话：027-12345604</p>"
    "<p>办理流程：申请→备案</p>"
)


# -- GK701 service-guide-incomplete ----------------------------------------------------------------


def test_gk701_sample_portal_guides_carry_all_eight_elements():
    pages, forms = sample_guides()
    findings = check("GK701", build_site(pages, forms), WUHAN)
    assert outcomes(findings) == [
        ("GK701", "pass", "单用途商业预付卡发卡企业备案办事指南"),
        ("GK701", "pass", "成品油零售经营资格审批办事指南"),
        ("GK701", "pass", "再生资源回收经营者备案办事指南"),
    ]
    assert all(f.evidence == "八类要素齐全" for f in findings)


def test_gk701_one_finding_per_guide_and_each_class_deducted_once():
    findings = check("GK701", build_site(GUIDES), BASIS_2015)
    assert outcomes(findings) == [
        ("GK701", "pass", "单用途商业预付卡发卡企业备案办事指南"),
        ("GK701", "fail", "拍卖企业分公司设立审批办事指南"),
        ("GK701", "fail", "对外贸易经营者备案登记"),
    ]
    _, missing, unnamed = findings
    assert missing.url == url("bszn/202603/t20260320_2.html")
    assert missing.evidence == (
        "缺少 3 类要素：设定依据、办理时间、联系电话；已有：事项名称、申请条件、办理材料、办理地点、办理流程"
    )
    assert missing.deduction == 6
    # 设定依据 was charged on the first guide; 事项名称 is new: the title does not end in 办事指南.
    assert unnamed.evidence == (
        "缺少 2 类要素：事项名称、设定依据（设定依据已在其他指南中扣分）；"
        "已有：申请条件、办理材料、办理地点、办理时间、联系电话、办理流程"
    )
    assert unnamed.deduction == 2
    assert sum(f.deduction for f in findings) == 8  # four classes missing somewhere, 2 points each
    assert {f.severity for f in findings} == {None}


def test_gk701_the_footers_phone_number_is_not_the_guides():
    """Every page's footer says 联系电话; the guide without its own phone lacks the element."""
    findings = check("GK701", build_site(GUIDES), NATIONAL)
    assert "联系电话" in findings[1].evidence.split("；")[0]


def test_gk701_synonyms_and_spaced_labels_count():
    """法律依据, 受理条件, 申请材料, 受 理 窗 口, 受理时间, 咨询电话, 办理程序."""
    [finding] = [f for f in check("GK701", build_site(GUIDES), NATIONAL) if f.url.endswith("t20260601_1.html")]
    assert finding.status is Status.PASS


@pytest.mark.parametrize(
    ("basis", "veto_at", "severity"),
    [("2019", 0, None), ("2019", 2, Severity.VETO), ("2019", 3, None), ("2015", 1, None)],
)
def test_gk701_veto_only_when_configured_and_under_2019(basis, veto_at, severity):
    options = with_rules(dataclasses.replace(NATIONAL, basis=basis), "GK701", veto_at=veto_at)
    failing = [f for f in check("GK701", build_site(GUIDES), options) if f.status is Status.FAIL]
    assert len(failing) == 2
    assert {f.severity for f in failing} == {severity}


def test_gk701_pages_titled_as_guides_outside_a_column():
    site = build_site(
        {"": page("<h2>要闻</h2>"), "xzfy/guide.html": guide("行政许可事项办事指南（2026年版）", COMPLETE, column="")}
    )
    [finding] = check("GK701", site, NATIONAL)
    assert (finding.status, finding.subject) == (Status.PASS, "行政许可事项办事指南（2026年版）")


def test_gk701_news_about_a_guide_is_not_a_guide():
    title = "关于印发《示例市商务领域政务服务事项办事指南》的通知"
    site = build_site(
        {
            "": page("<h2>要闻</h2>"),
            "tzgg/202611/t20261101_1.html": page(
                "<p>各区商务局：现将办事指南印发给你们。</p>", title=title, pubdate="2026-11-01 10:00"
            ),
        }
    )
    [finding] = check("GK701", site, NATIONAL)
    assert (finding.status, finding.subject) == (Status.FAIL, "办事指南")


def test_gk701_no_guides_at_all_fails():
    [finding] = check("GK701", build_site({"": page("<h2>要闻</h2>")}), NATIONAL)
    assert outcomes([finding]) == [("GK701", "fail", "办事指南")]
    assert (finding.deduction, finding.message) == (16.0, "网站未提供办事指南")
    assert finding.evidence == "在 1 个页面中未找到办事指南（办事指南、服务指南）"
    [light] = check("GK701", build_site({"": page("<h2>要闻</h2>")}), with_rules(NATIONAL, "GK701", deduction_none=2))
    assert light.deduction == 2


def test_gk701_a_blank_guide_column_fails():
    site = build_site({"": page("<h2>要闻</h2>"), "bszn/index.html": page("<p>暂无信息</p>", column="办事指南")})
    [finding] = check("GK701", site, NATIONAL)
    assert (finding.status, finding.url, finding.evidence) == (
        Status.FAIL,
        url("bszn/index.html"),
        "栏目「办事指南」中没有可检查的指南",
    )


def test_gk701_guides_on_the_provincial_service_platform_are_unverified():
    home = page('<ul><li><a href="http://zwfw.hubei.gov.cn/swj/">办事服务</a></li></ul>')
    [finding] = check("GK701", build_site({"": home}), NATIONAL)
    assert (finding.status, finding.deduction) == (Status.UNVERIFIED, 0.0)
    assert finding.evidence.startswith("入口「办事服务」 → http://zwfw.hubei.gov.cn/swj/（zwfw.hubei.gov.cn）")


def test_gk701_guides_published_as_attachments_are_unverified():
    column = page(
        news_list(
            ("/bszn/P0201.pdf", "酒类流通备案办事指南", "2026-06-01"),
            ("/bszn/P0202.pdf", "拍卖企业设立审批办事指南", "2026-05-01"),
        ),
        column="办事指南",
    )
    site = build_site(
        {"": page("<h2>要闻</h2>"), "bszn/index.html": column},
        {"bszn/P0201.pdf": (200, None), "bszn/P0202.pdf": (200, None)},
    )
    [finding] = check("GK701", site, NATIONAL)
    assert (finding.status, finding.url) == (Status.UNVERIFIED, url("bszn/P0201.pdf"))
    assert finding.evidence == "「酒类流通备案办事指南」等 2 份指南为附件、在站外或未抓取，未检查要素"


def test_gk701_truncated_crawl_without_guides_is_unverified():
    site = build_site({"": page("<h2>要闻</h2>")}, crawl=CrawlStats(pages=1, page_limit=1, page_limit_reached=True))
    assert check("GK701", site, NATIONAL)[0].status is Status.UNVERIFIED


# -- GK702 guide-form-not-downloadable -------------------------------------------------------------

FORMS_SITE = {
    "": page("<h2>要闻</h2>"),
    "bszn/index.html": page(
        news_list(
            ("/bszn/202603/t20260320_1.html", "成品油零售经营资格审批办事指南", "2026-03-20"),
            ("/bszn/202602/t20260210_2.html", "酒类流通备案办事指南", "2026-02-10"),
        ),
        column="办事指南",
    ),
    "bszn/202603/t20260320_1.html": "GK702/guide_forms.html",
    "bszn/202602/t20260210_2.html": "GK702/guide_no_download.html",
}
XLS = url("bszn/202603/P020260320477039.xls")
PDF = url("bszn/202603/P020260320477040.pdf")


def test_gk702_sample_portal_forms_download():
    pages, forms = sample_guides()
    findings = check("GK702", build_site(pages, forms), WUHAN)
    assert [f.status for f in findings] == [Status.PASS] * 3
    assert findings[1].evidence == (f"链接「成品油零售经营资格申请表.xls」 → {BASE}bszn/202603/P020260320477039.xls")


def test_gk702_broken_form_and_form_not_offered():
    findings = check("GK702", build_site(FORMS_SITE, {XLS: (404, None, "页面不存在"), PDF: (200, None)}), NATIONAL)
    assert outcomes(findings) == [
        ("GK702", "fail", "成品油零售经营资格申请表.xls"),
        ("GK702", "pass", "《成品油市场管理办法》全文"),
        ("GK702", "fail", "酒类流通备案办事指南：申请表"),
    ]
    broken, _, missing = findings
    assert (broken.url, broken.deduction) == (url("bszn/202603/t20260320_1.html"), 1.0)
    assert broken.evidence == f"链接「成品油零售经营资格申请表.xls」 → {XLS} 无法下载（页面不存在）"
    assert (missing.url, missing.deduction, missing.message) == (
        url("bszn/202602/t20260210_2.html"),
        1.0,
        "办事表格未提供下载",
    )
    assert missing.evidence == "指南正文提到「申请表」，页面上没有可下载的附件"


@pytest.mark.parametrize(
    "outcome",
    [(403, None, "拒绝访问"), (None, FetchError.TIMEOUT, "超时"), None],
    ids=["forbidden", "timeout", "never-checked"],
)
def test_gk702_unverified_forms_cost_nothing(outcome):
    checks = {PDF: (200, None)} | ({XLS: outcome} if outcome else {})
    [form, *_] = check("GK702", build_site(FORMS_SITE, checks), NATIONAL)
    assert (form.subject, form.status, form.deduction) == ("成品油零售经营资格申请表.xls", Status.UNVERIFIED, 0.0)


def test_gk702_deduction_setting_and_one_finding_per_form():
    shared = '<div class="attach"><a href="/bszn/files/tysqb.doc">通用申请表下载</a></div>'
    site = build_site(
        {
            "": page("<h2>要闻</h2>"),
            "bszn/a.html": guide("酒类流通备案办事指南", shared),
            "bszn/b.html": guide("拍卖企业设立审批办事指南", shared),
        },
        {"bszn/files/tysqb.doc": (500, None, "服务器内部错误")},
    )
    [finding] = check("GK702", site, with_rules(NATIONAL, "GK702", deduction=0.5))
    assert (finding.status, finding.deduction, finding.url) == (Status.FAIL, 0.5, url("bszn/a.html"))


def test_gk702_guides_without_forms_have_nothing_to_check():
    site = build_site({"": page("<h2>要闻</h2>"), "bszn/a.html": guide("酒类流通备案办事指南", COMPLETE)})
    assert check("GK702", site, NATIONAL) == []
