"""6xx interaction: GK601 consultation channel, GK602 unanswered messages, GK603 surveys, GK604 interviews.

As of 2026-11-20: three months back is 2026-08-20, one year back is 2025-11-20.
"""

from __future__ import annotations

import dataclasses

import pytest
from sitebuilder import BASE, build_site, check, news_list, outcomes, page, url

from checks import Options, Severity, Status
from core.model import CrawlStats, FetchError
from gapcheck.profile import load_profile
from gapcheck.sample import PORTAL_DIR
from spiders.extract import extract

NATIONAL = load_profile("national").options  # basis 2019
WUHAN = load_profile("wuhan-commerce").options
BASIS_2015 = dataclasses.replace(NATIONAL, basis="2015")
HOME = page("<h2>要闻</h2>")


def sample(path: str) -> str:
    """A page of the bundled sample portal, read as it is (read-only)."""
    return (PORTAL_DIR / path).read_text(encoding="utf-8")


def with_rules(options: Options, code: str, **settings: float) -> Options:
    return dataclasses.replace(options, rules={**options.rules, code: settings})


# -- GK601 consultation-channel-missing ------------------------------------------------------------


def test_gk601_sample_portal_has_a_consultation_channel():
    site = build_site(
        {
            "": sample("sy/index.html"),
            "hdjl/index.html": sample("hdjl/index.html"),
            "hdjl/jzxx/index.html": sample("hdjl/jzxx/index.html"),
        }
    )
    [finding] = check("GK601", site, WUHAN)
    assert outcomes([finding]) == [("GK601", "pass", "政务咨询栏目")]
    assert finding.evidence == f"链接「局长信箱」 → {BASE}hdjl/jzxx/index.html"


def test_gk601_finds_the_channel_on_the_hub_page():
    site = build_site(
        {
            "": HOME,
            "hdjl/index.html": "GK601/hdjl.html",
            "hdjl/jzxx/index.html": page("<h2>局长信箱</h2>", column="局长信箱"),
        }
    )
    [finding] = check("GK601", site, NATIONAL)
    assert (finding.status, finding.url) == (Status.PASS, url("hdjl/index.html"))
    assert finding.evidence == f"链接「局长信箱」 → {BASE}hdjl/jzxx/index.html"


@pytest.mark.parametrize(
    ("options", "severity", "deduction"),
    [
        pytest.param(NATIONAL, Severity.VETO, 0.0, id="2019-veto"),
        pytest.param(BASIS_2015, Severity.MAJOR, 5.0, id="2015-minus-5"),
        pytest.param(with_rules(BASIS_2015, "GK601", deduction=3), Severity.MAJOR, 3.0, id="2015-setting"),
    ],
)
def test_gk601_no_channel_is_a_veto_in_2019_and_a_deduction_in_2015(options, severity, deduction):
    site = build_site({"": HOME, "hdjl/index.html": "GK601/hdjl_no_channel.html"})
    [finding] = check("GK601", site, options)
    assert outcomes([finding]) == [("GK601", "fail", "政务咨询栏目")]
    assert (finding.severity, finding.deduction, finding.url) == (severity, deduction, BASE)
    assert finding.evidence == "在 2 个页面中未找到名称含信箱、咨询、留言、写信、来信、问政的政务咨询类入口"


def test_gk601_reporting_petitions_interviews_contact_details_and_news_are_not_channels():
    """投诉举报, 网上信访, 在线访谈, 纪检举报信箱, 调查征集, 咨询电话, 电子信箱, a dated news item: none counts."""
    site = build_site(
        {
            "": HOME,
            "hdjl/index.html": "GK601/hdjl_no_channel.html",
            "hdjl/tsjb/index.html": page("<h2>投诉举报</h2>", column="投诉举报"),
            "hdjl/jjjb/index.html": page("<h2>纪检监察举报信箱</h2>", column="纪检监察举报信箱"),
        }
    )
    [finding] = check("GK601", site, NATIONAL)
    assert finding.status is Status.FAIL


@pytest.mark.parametrize(
    ("main", "evidence"),
    [
        pytest.param(
            '<ul><li><a href="/hdjl/zxts/index.html">咨询投诉</a></li></ul>',
            f"链接「咨询投诉」 → {BASE}hdjl/zxts/index.html",
            id="consult-and-complain",
        ),
        pytest.param(
            '<ul><li><a href="mailto:jz@shili.gov.cn">局长信箱</a></li></ul>',
            "链接「局长信箱」 → mailto:jz@shili.gov.cn（电子邮件）",
            id="mailbox-by-email",
        ),
        pytest.param(
            '<form action="/hdjl/submit" method="post"><p>我要留言</p><input type="text" name="title">'
            '<textarea name="content"></textarea><input type="submit" value="提交"></form>',
            "表单「我要留言 提交」",
            id="message-form",
        ),
    ],
)
def test_gk601_channel_forms(main, evidence):
    home = page(main)
    site = build_site({"": home, "hdjl/zxts/index.html": page("<h2>咨询投诉</h2>")})
    # sitebuilder does not carry forms over (the spider and the store do): add the extractor's.
    site.pages[BASE] = dataclasses.replace(site.pages[BASE], forms=extract(home, BASE).forms)
    [finding] = check("GK601", site, NATIONAL)
    assert (finding.status, finding.evidence) == (Status.PASS, evidence)


def test_gk601_a_channel_on_the_city_platform_counts_when_it_opens():
    target = "http://www.wuhan.gov.cn/hdjl/szxx/"
    site = build_site({"": page(f'<ul><li><a href="{target}">市长信箱</a></li></ul>')}, {target: (200, None)})
    [finding] = check("GK601", site, NATIONAL)
    assert (finding.status, finding.evidence) == (Status.PASS, f"链接「市长信箱」 → {target}")


@pytest.mark.parametrize(("basis", "deduction"), [("2019", 0.0), ("2015", 5.0)])
def test_gk601_a_broken_channel_is_not_usable(basis, deduction):
    target = "http://www.wuhan.gov.cn/hdjl/szxx/"
    site = build_site(
        {"": page(f'<ul><li><a href="{target}">市长信箱</a></li></ul>')}, {target: (404, None, "页面不存在")}
    )
    [finding] = check("GK601", site, dataclasses.replace(NATIONAL, basis=basis))
    assert (finding.status, finding.deduction) == (Status.FAIL, deduction)
    assert finding.evidence == f"链接「市长信箱」 → {target} 无法打开（页面不存在）"
    assert finding.message == "政务咨询类栏目无法使用"


@pytest.mark.parametrize("outcome", [(403, None, "拒绝访问"), (None, FetchError.TIMEOUT, "超时"), None])
def test_gk601_an_unverified_channel_is_not_a_veto(outcome):
    target = "http://www.wuhan.gov.cn/hdjl/szxx/"
    site = build_site(
        {"": page(f'<ul><li><a href="{target}">市长信箱</a></li></ul>')}, {target: outcome} if outcome else None
    )
    [finding] = check("GK601", site, NATIONAL)
    assert (finding.status, finding.deduction) == (Status.UNVERIFIED, 0.0)


def test_gk601_missing_after_a_truncated_crawl_is_unverified():
    site = build_site({"": HOME}, crawl=CrawlStats(pages=1, page_limit=1, page_limit_reached=True))
    [finding] = check("GK601", site, NATIONAL)
    assert finding.status is Status.UNVERIFIED
    assert "抓取达到页面数上限" in finding.evidence


# -- GK602 consultation-unanswered -----------------------------------------------------------------


def letter(title: str, asked: str, *, replied: str = "", status: str = "", reply: str = "") -> str:
    """One letter in the sample portal's layout."""
    parts = [f'<div class="letter"><p class="q"><b>来信标题：</b>{title}</p><p>来信时间：{asked}</p>']
    if replied:
        parts.append(f'<p class="a"><b>回复单位：</b>示例市商务局</p><p>回复时间：{replied}</p>')
    if reply:
        parts.append(f"<p>回复内容：{reply}</p>")
    if status:
        parts.append(f"<p>办理状态：{status}</p>")
    parts.append("</div>")
    return "".join(parts)


def mailbox(*letters: str, column: str = "局长信箱") -> dict[str, str]:
    return {"": HOME, "hdjl/jzxx/index.html": page(f"<h2>{column}</h2>" + "".join(letters), column=column)}


def test_gk602_sample_portal_letters_are_all_answered():
    site = build_site(
        {
            "": sample("sy/index.html"),
            "hdjl/jzxx/index.html": sample("hdjl/jzxx/index.html"),
            "hdjl/ywzx/index.html": sample("hdjl/ywzx/index.html"),
            "hdjl/tsjb/index.html": sample("hdjl/tsjb/index.html"),
        }
    )
    [finding] = check("GK602", site, WUHAN)
    assert outcomes([finding]) == [("GK602", "pass", "政务咨询留言")]
    assert finding.url == url("hdjl/jzxx/index.html")
    assert finding.evidence == "公开留言 5 条，2025-11-20 以来 5 条，无超过 3 个月未回复的留言"


def test_gk602_fixture_page_vetoes_only_the_letter_over_three_months():
    """处理中 since 2026-10-10 is within time; since 2026-08-19 is over; 2025-10-08 is outside the year."""
    site = build_site({"": HOME, "hdjl/jzxx/index.html": "GK602/jzxx.html"})
    findings = check("GK602", site, NATIONAL)
    assert outcomes(findings) == [("GK602", "fail", "关于农贸市场改造的建议")]
    [veto] = findings
    assert (veto.severity, veto.url, veto.deduction) == (Severity.VETO, url("hdjl/jzxx/index.html"), 0.0)
    assert veto.evidence == (
        "「关于农贸市场改造的建议」，留言日期 2026-08-19，页面显示「处理中」；"
        "至 2026-11-20 已超过 3 个月（2026-08-20 之前）未回复"
    )
    assert veto.message == "留言超过 3 个月未回复"


@pytest.mark.parametrize(
    ("asked", "status"),
    [
        ("2026-08-21", "pass"),
        ("2026-08-20", "pass"),
        ("2026-08-19", "fail"),
        ("2026-02-01", "fail"),
        ("2025-11-20", "fail"),
        ("2025-11-19", "pass"),
    ],
    ids=[
        "under-3-months",
        "exactly-3-months",
        "a-day-over",
        "months-over",
        "first-day-of-the-year",
        "older-than-a-year",
    ],
)
def test_gk602_three_month_and_one_year_boundaries(asked, status):
    site = build_site(mailbox(letter("商品房配套商业网点规划咨询", asked, status="未回复")))
    [finding] = check("GK602", site, NATIONAL)
    assert finding.status == status


@pytest.mark.parametrize("basis", ["2019", "2015"])
def test_gk602_is_a_veto_under_both_bases(basis):
    """The 2015 普查评分表 has the same veto (互动回应差: 1 年内超过三个月未回应)."""
    site = build_site(mailbox(letter("夜市摊位审批进度", "2026-05-06", status="待回复")))
    [finding] = check("GK602", site, dataclasses.replace(NATIONAL, basis=basis))
    assert (finding.status, finding.severity) == (Status.FAIL, Severity.VETO)


def test_gk602_months_setting():
    site = build_site(mailbox(letter("夜市摊位审批进度", "2026-09-10", status="处理中")))
    assert check("GK602", site, NATIONAL)[0].status is Status.PASS
    [finding] = check("GK602", site, with_rules(NATIONAL, "GK602", months=2))
    assert finding.status is Status.FAIL
    assert "已超过 2 个月（2026-09-20 之前）未回复" in finding.evidence


@pytest.mark.parametrize(
    "shown",
    [
        pytest.param(
            letter("夜市摊位审批进度", "2026-05-06", replied="2026-05-08", status="处理中"),
            id="reply-date-wins-over-a-stale-status",
        ),
        pytest.param(
            letter("夜市摊位审批进度", "2026-05-06", reply="已转区商务局办理，请留意短信通知。"),
            id="reply-text-without-date",
        ),
        pytest.param(letter("夜市摊位审批进度", "2026-05-06", status="已办结"), id="answered-status"),
        pytest.param(
            '<div class="letter"><p>留言标题：夜市摊位审批进度</p><p>留言日期：2026年5月6日</p>'
            "<p>答复日期：2026年5月9日</p></div>",
            id="other-labels",
        ),
        pytest.param(
            '<div class="letter"><p>提问时间：2026-05-06</p><p>主题：夜市摊位审批进度</p>'
            "<p>答复时间：2026-05-09</p></div>",
            id="title-after-date",
        ),
    ],
)
def test_gk602_answered_letters_pass(shown):
    [finding] = check("GK602", build_site(mailbox(shown)), NATIONAL)
    assert finding.status is Status.PASS


def test_gk602_no_reply_and_no_status_is_left_to_a_person():
    site = build_site(
        mailbox(
            letter("商业网点规划咨询", "2026-11-02", replied="2026-11-04"), letter("夜市摊位审批进度", "2026-05-06")
        )
    )
    [finding] = check("GK602", site, NATIONAL)
    assert outcomes([finding]) == [("GK602", "manual", "夜市摊位审批进度")]
    assert finding.evidence == "「夜市摊位审批进度」，留言日期 2026-05-06，页面未显示回复或办理状态"
    assert finding.severity is None and finding.deduction == 0


def test_gk602_a_reply_later_than_three_months_is_left_to_a_person():
    site = build_site(mailbox(letter("夜市摊位审批进度", "2026-03-01", replied="2026-07-15")))
    [finding] = check("GK602", site, NATIONAL)
    assert outcomes([finding]) == [("GK602", "manual", "夜市摊位审批进度")]
    assert (
        finding.evidence == "「夜市摊位审批进度」，留言日期 2026-03-01，回复时间：2026-07-15：回复晚于留言 3 个月以上"
    )


def test_gk602_table_of_messages_with_status_column():
    site = build_site({"": HOME, "hdjl/zxzx/index.html": "GK602/zxzx.html"})
    findings = check("GK602", site, NATIONAL)
    assert outcomes(findings) == [("GK602", "fail", "外资企业设立备案咨询")]
    assert findings[0].evidence == (
        "「外资企业设立备案咨询」，留言日期 2026-07-02，页面显示「未回复」；"
        "至 2026-11-20 已超过 3 个月（2026-08-20 之前）未回复"
    )


def test_gk602_a_listed_message_without_status_is_read_from_its_own_page():
    listing = page(
        news_list(("/hdjl/zxzx/202605/t20260506_1.html", "夜市摊位审批进度", "2026-05-06")), column="在线咨询"
    )
    detail = page(
        letter("夜市摊位审批进度", "2026-05-06", replied="2026-05-07"), title="夜市摊位审批进度", column="在线咨询"
    )
    site = build_site({"": HOME, "hdjl/zxzx/index.html": listing, "hdjl/zxzx/202605/t20260506_1.html": detail})
    [finding] = check("GK602", site, NATIONAL)
    assert finding.status is Status.PASS
    assert finding.evidence.startswith("公开留言 1 条")


def test_gk602_a_letter_page_dated_by_its_publication_is_read_for_its_reply():
    """A TRS letter page: 发布时间, the letter, then 答复时间 / 答复内容; its 【字体：大 中 小】 are no letters."""
    tools = '【字体：<a href="javascript:doZoom(16)">大</a> <a href="javascript:doZoom(14)">中</a>】'
    listing = page(
        news_list(("/art/2026/11/8/art_1220_1.html", "关于白沙镇食品安全问题的咨询", "2026-11-08")), column="县长信箱"
    )
    detail = page(
        f'<div class="art_info"><span>发布时间：2026-11-08</span> {tools}</div><p>近日……</p>'
        '<div class="reply"><p>答复时间：2026-11-13</p><p>答复内容：您好！已转交相关部门办理。</p></div>',
        title="关于白沙镇食品安全问题的咨询",
    )
    site = build_site({"": HOME, "hdjl/xzxx/index.html": listing, "art/2026/11/8/art_1220_1.html": detail})
    [finding] = check("GK602", site, NATIONAL)
    assert finding.status is Status.PASS and finding.evidence.startswith("公开留言 1 条")


def test_gk602_reporting_columns_are_outside_the_indicator():
    site = build_site({"": HOME, "hdjl/tsjb/index.html": "GK602/tsjb.html"})
    [finding] = check("GK602", site, NATIONAL)
    assert outcomes([finding]) == [("GK602", "unverified", "政务咨询留言")]


def test_gk602_no_published_messages_is_unverified_not_pass():
    site = build_site({"": HOME, "hdjl/jzxx/index.html": sample("hdjl/tsjb/index.html")})
    [finding] = check("GK602", site, NATIONAL)
    assert (finding.status, finding.message) == (Status.UNVERIFIED, "站点未公开留言，无法判断")
    assert finding.evidence == "在 2 个页面中未找到带日期的留言（来信时间、留言时间、提问时间……）"


def test_gk602_no_veto_from_pages_that_only_mention_dates_or_states():
    """A notice with 咨询时间 and 处理中 in its text, and a news list, carry no letters."""
    notice = page(
        "<h1>关于开展消费券咨询服务的通知</h1><p>咨询时间：工作日9:00-17:00。提交时间：2026-05-01前。"
        "目前系统升级处理中。</p>",
        title="关于开展消费券咨询服务的通知",
        pubdate="2026-04-20 10:00",
    )
    site = build_site({"": HOME, "tzgg/202604/t20260420_1.html": notice})
    [finding] = check("GK602", site, NATIONAL)
    assert finding.status is Status.UNVERIFIED


def test_gk602_status_words_in_the_pages_notes_are_not_the_letters():
    note = "<p>" + "温馨提示：来信内容应客观真实，不得含有违法信息，本信箱只受理本局职责范围内的事项。" * 5 + "</p>"
    site = build_site(mailbox(letter("夜市摊位审批进度", "2026-05-06"), note, "<p>注：处理中的来信不予公开。</p>"))
    [finding] = check("GK602", site, NATIONAL)
    assert finding.status is Status.MANUAL


def test_gk602_full_width_digits():
    site = build_site(mailbox(letter("夜市摊位审批进度", "２０２６－０５－０６", status="未答复")))
    [finding] = check("GK602", site, NATIONAL)
    assert (finding.status, finding.severity) == (Status.FAIL, Severity.VETO)
    assert "留言日期 2026-05-06" in finding.evidence


def test_gk602_a_date_after_the_check_is_ignored():
    site = build_site(mailbox(letter("夜市摊位审批进度", "2027-05-06", status="未回复")))
    [finding] = check("GK602", site, NATIONAL)
    assert finding.status is Status.UNVERIFIED


# -- GK603 survey-missing --------------------------------------------------------------------------


def survey_site(*dates: str, column: str = "调查征集") -> dict[str, str]:
    items = [(f"/hdjl/dczj/t{i}.html", f"第{i}期意见征集", d) for i, d in enumerate(dates, 1)]
    return {
        "": page('<ul><li><a href="/hdjl/dczj/index.html">调查征集</a></li></ul>'),
        "hdjl/dczj/index.html": page(news_list(*items), column=column),
    }


@pytest.mark.parametrize(
    ("dates", "status", "deduction", "evidence"),
    [
        pytest.param(
            ["2026-11-01", "2026-09-01", "2026-07-01", "2026-05-01", "2026-03-01", "2025-11-20"],
            "pass",
            0,
            "栏目「调查征集」2025-11-20 以来 6 条，最新 2026-11-01",
            id="six-in-a-year",
        ),
        pytest.param(
            ["2026-11-01", "2026-09-01", "2026-07-01", "2026-05-01", "2026-03-01", "2025-11-19"],
            "fail",
            3,
            "栏目「调查征集」2025-11-20 以来 5 条，少于 6 条，最新 2026-11-01",
            id="five-in-a-year",
        ),
        pytest.param(
            ["2025-10-01", "2025-06-01"],
            "fail",
            5,
            "栏目「调查征集」共 2 条信息，2025-11-20 以来没有",
            id="none-in-a-year",
        ),
    ],
)
def test_gk603_counts_dated_items_within_a_year(dates, status, deduction, evidence):
    [finding] = check("GK603", build_site(survey_site(*dates)), BASIS_2015)
    assert outcomes([finding]) == [("GK603", status, "调查征集")]
    assert (finding.deduction, finding.evidence, finding.url) == (deduction, evidence, url("hdjl/dczj/index.html"))


def test_gk603_no_column_costs_five():
    site = build_site({"": HOME, "hdjl/index.html": "GK601/hdjl.html"})
    [finding] = check("GK603", site, BASIS_2015)
    assert (finding.status, finding.deduction, finding.message) == (Status.FAIL, 5.0, "未开设调查征集栏目")


def test_gk603_column_linked_only_from_the_hub_without_column_meta():
    """The profile's keyword map does not name 调查征集: the rule still finds the column through the hub's link."""
    site = build_site({"": HOME, "hdjl/index.html": "GK603/hdjl.html", "hdjl/dczj/index.html": "GK603/dczj.html"})
    [finding] = check("GK603", site, NATIONAL)
    assert (finding.status, finding.deduction, finding.url) == (Status.FAIL, 3.0, url("hdjl/dczj/index.html"))
    assert finding.evidence == "栏目「调查征集」2025-11-20 以来 2 条，少于 6 条，最新 2026-10-12"


def test_gk603_other_sites_need_three_and_deductions_are_settings():
    site = build_site(survey_site("2026-11-01", "2026-09-01", "2026-07-01", column="民意征集"))
    assert check("GK603", site, NATIONAL)[0].status is Status.FAIL
    assert check("GK603", site, with_rules(NATIONAL, "GK603", minimum=3))[0].status is Status.PASS
    [few] = check("GK603", site, with_rules(NATIONAL, "GK603", deduction_few=2))
    assert few.deduction == 2


def test_gk603_survey_on_another_platform_is_unverified():
    site = build_site({"": page('<ul><li><a href="http://www.wuhan.gov.cn/hdjl/myzj/">民意征集</a></li></ul>')})
    [finding] = check("GK603", site, NATIONAL)
    assert (finding.status, finding.deduction) == (Status.UNVERIFIED, 0.0)
    assert "www.wuhan.gov.cn" in finding.evidence


def test_gk603_sample_portal_has_no_survey_column():
    site = build_site({"": sample("sy/index.html"), "hdjl/index.html": sample("hdjl/index.html")})
    [finding] = check("GK603", site, WUHAN)
    assert (finding.status, finding.deduction) == (Status.FAIL, 5.0)


# -- GK604 online-interview-missing ----------------------------------------------------------------


def test_gk604_fixture_two_interviews_in_a_year():
    site = build_site({"": HOME, "hdjl/zxft/index.html": "GK604/zxft.html"})
    [finding] = check("GK604", site, NATIONAL)
    assert outcomes([finding]) == [("GK604", "fail", "在线访谈")]
    assert (finding.deduction, finding.url) == (3.0, url("hdjl/zxft/index.html"))
    assert finding.evidence == "栏目「在线访谈」2025-11-20 以来 2 条，少于 6 条，最新 2026-09-15"
    assert check("GK604", site, with_rules(NATIONAL, "GK604", minimum=2))[0].status is Status.PASS


def test_gk604_no_interview_column_costs_five():
    [finding] = check("GK604", build_site({"": HOME}), BASIS_2015)
    assert (finding.status, finding.deduction) == (Status.FAIL, 5.0)


def test_gk604_no_interview_within_a_year_costs_five():
    items = news_list(("/hdjl/zxft/1.html", "解读年货节活动安排", "2025-01-10"))
    site = build_site({"": HOME, "hdjl/zxft/index.html": page(items, column="网上访谈")})
    [finding] = check("GK604", site, NATIONAL)
    assert (finding.status, finding.deduction, finding.message) == (Status.FAIL, 5.0, "1 年内未开展在线访谈")


def test_gk604_six_interviews_pass():
    items = news_list(*[(f"/hdjl/zxft/{m}.html", f"第{m}期政策访谈", f"2026-{m:02d}-10") for m in range(1, 7)])
    site = build_site({"": HOME, "hdjl/zxft/index.html": page(items, column="在线访谈")})
    [finding] = check("GK604", site, NATIONAL)
    assert (finding.status, finding.evidence) == (Status.PASS, "栏目「在线访谈」2025-11-20 以来 6 条，最新 2026-06-10")
