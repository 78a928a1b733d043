"""2xx freshness: GK201 stale columns, GK202 blank columns, GK203 home page not updated (as of 2026-11-20)."""

from __future__ import annotations

import dataclasses

import pytest
from sitebuilder import BASE, build_site, check, news_list, outcomes, page, url

from checks import RULES, Options, Severity, SiteVerdict, Status, run, summarize
from checks.options import Period
from gapcheck.profile import load_profile

NATIONAL = load_profile("national").options
SEVERITY = {rule.code: rule.severity for rule in RULES}
HOME = url("sy/index.html")


def column_site(
    name: str, *items: tuple[str, str, str], path: str = "swdt/index.html", also: dict[str, str] | None = None
):
    """A home page and one column page (with ColumnName) listing `items`, and the pages in `also`."""
    return build_site({"": page("<h2>要闻</h2>"), path: page(news_list(*items), column=name), **(also or {})})


# -- GK201 column-not-updated ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shown", "status", "evidence", "deduction"),
    [
        ("商务动态", "2026-11-06", "pass", "动态要闻栏目，最新信息 2026-11-06，不早于 2026-11-06", 0),
        ("商务动态", "2026-11-05", "fail", "动态要闻栏目，最新信息 2026-11-05，应不早于 2026-11-06（14d）", 3),
        ("通知公告", "[2026-05-20]", "pass", "通知公告/政策文件栏目，最新信息 2026-05-20，不早于 2026-05-20", 0),
        (
            "通知公告",
            "[2026-05-19]",
            "fail",
            "通知公告/政策文件栏目，最新信息 2026-05-19，应不早于 2026-05-20（6m）",
            4,
        ),
        ("人事任免", "2025年11月20日", "pass", "人事/规划计划栏目，最新信息 2025-11-20，不早于 2025-11-20", 0),
        ("人事任免", "2025年11月19日", "fail", "人事/规划计划栏目，最新信息 2025-11-19，应不早于 2025-11-20（1y）", 5),
    ],
)
def test_gk201_limit_by_column_kind_and_the_cutoff_day_is_still_fresh(name, shown, status, evidence, deduction):
    site = column_site(
        name,
        ("/a/1.html", "较早的一条信息", "2025-01-02"),
        ("/a/2.html", "最新的一条信息", shown),
        path="lm/index.html",
    )
    [finding] = check("GK201", site, NATIONAL)
    assert outcomes([finding]) == [("GK201", status, name)]
    assert (finding.url, finding.evidence, finding.deduction) == (url("lm/index.html"), evidence, deduction)


def test_gk201_month_day_list_takes_the_year_from_the_article_url():
    """商务动态 shows 10-15 only; `t20261015_` says 2026: stale by the 14-day limit, across both list pages."""
    site = build_site(
        {"": page("<h2>要闻</h2>"), "swdt/index.html": "GK201/swdt.html", "swdt/index_1.html": "GK201/swdt_1.html"}
    )
    [finding] = check("GK201", site, NATIONAL)
    assert outcomes([finding]) == [("GK201", "fail", "商务动态")]
    assert finding.url == url("swdt/index.html")
    assert finding.evidence == "动态要闻栏目，最新信息 2026-10-15，应不早于 2026-11-06（14d）"
    assert finding.deduction == 3


def test_gk201_month_day_year_from_url_can_be_last_year():
    site = column_site("商务动态", ("202511/t20251118_1.html", "去年的同日信息", "11-18"))
    [finding] = check("GK201", site, NATIONAL)
    assert finding.status is Status.FAIL and "最新信息 2025-11-18" in finding.evidence


def test_gk201_undated_column_fails():
    site = column_site("商务动态", ("/swdt/a.html", "市商务局召开党组会", ""), ("/swdt/b.html", "市商务局走访企业", ""))
    [finding] = check("GK201", site, NATIONAL)
    assert outcomes([finding]) == [("GK201", "fail", "商务动态")]
    assert finding.evidence == "动态要闻栏目，2 条信息均无日期，视为未更新"
    assert finding.deduction == 3


def test_gk201_undated_list_item_takes_the_article_pubdate():
    article = page("<h1>市商务局召开党组会</h1>", title="市商务局召开党组会", pubdate="2026-11-18 10:20")
    site = column_site("商务动态", ("/swdt/a.html", "市商务局召开党组会", ""), also={"swdt/a.html": article})
    [finding] = check("GK201", site, NATIONAL)
    assert finding.status is Status.PASS and "最新信息 2026-11-18" in finding.evidence


@pytest.mark.parametrize(
    "column",
    [
        pytest.param(page(news_list(("/a.html", "2019年机构职能调整", "2019-01-01")), column="机构职能"), id="no-kind"),
        pytest.param(page("<h2>商务动态</h2><p>暂无信息</p>", column="商务动态"), id="blank-left-to-gk202"),
    ],
)
def test_gk201_says_nothing_about_columns_without_a_duty_or_without_items(column):
    site = build_site({"": page("<h2>要闻</h2>"), "lm/index.html": column})
    assert check("GK201", site, NATIONAL) == []


def test_gk201_a_date_after_the_as_of_is_not_an_update():
    site = column_site(
        "商务动态",
        ("/swdt/a.html", "市商务局召开党组会", "2026-12-01"),
        ("/swdt/b.html", "市商务局走访企业", "2026-10-01"),
    )
    [finding] = check("GK201", site, NATIONAL)
    assert finding.status is Status.FAIL


# -- GK202 blank-column ------------------------------------------------------------------------------


def test_gk202_column_showing_only_no_information_is_blank():
    site = build_site({"": page("<h2>要闻</h2>"), "zwgk/zxzj/index.html": "GK202/zxzj.html"})
    [finding] = check("GK202", site, NATIONAL)
    assert outcomes([finding]) == [("GK202", "fail", "专项资金")]
    assert (finding.url, finding.evidence, finding.deduction) == (
        url("zwgk/zxzj/index.html"),
        "栏目页面没有任何信息条目，页面只显示「暂无信息」；位置：首页 > 政务公开 > 专项资金（全站空白栏目 1 个）",
        0.0,
    )


def test_gk202_deduction_comes_from_the_profile():
    site = build_site({"": page("<h2>要闻</h2>"), "zwgk/zxzj/index.html": "GK202/zxzj.html"})
    [finding] = check("GK202", site, Options(rules={"GK202": {"deduction": 1.5}}))
    assert (finding.status, finding.deduction) == (Status.FAIL, 1.5)


def test_gk202_column_with_items_passes():
    site = column_site(
        "专项资金",
        ("/zwgk/zxzj/1.html", "2026年外经贸发展专项资金分配结果公示", "2026-10-20"),
        ("/zwgk/zxzj/2.html", "2026年服务业发展专项资金项目公示", "2026-08-03"),
    )
    [finding] = check("GK202", site, NATIONAL)
    assert outcomes([finding]) == [("GK202", "pass", "专项资金")]
    assert finding.evidence == "2 条信息"


def test_gk202_template_links_in_the_list_area_are_not_items():
    """A 专题 link every page carries in its main area belongs to the template, not to the column."""
    topic = '<div class="zt"><a href="/ztzl/zgm/index.html">中国梦</a></div>'
    site = build_site(
        {
            "": page(topic + "<h2>要闻</h2>"),
            "zwgk/zxzj/index.html": page(topic + "<h2>专项资金</h2><p>暂无信息</p>", column="专项资金"),
            "zwgk/bmys/index.html": page(
                topic + news_list(("/bmys/2026.pdf", "2026年部门预算", "2026-02-10")), column="部门预算"
            ),
            "ztzl/zgm/index.html": page(
                topic + "<h2>中国梦</h2><p>" + "实现中华民族伟大复兴，就是中华民族近代以来最伟大的梦想。" * 2 + "</p>"
            ),
        }
    )
    assert outcomes(check("GK202", site, NATIONAL)) == [("GK202", "fail", "专项资金"), ("GK202", "pass", "部门预算")]


def test_gk202_a_page_of_text_is_not_a_blank_column():
    text = "示例市商务局是市人民政府工作部门，负责推进流通产业结构调整，拟订全市国内外贸易和国际经济合作的发展规划。"
    site = build_site(
        {"": page("<h2>要闻</h2>"), "zwgk/jgzn/index.html": page(f"<h2>机构职能</h2><p>{text}</p>", column="机构职能")}
    )
    assert outcomes(check("GK202", site, NATIONAL)) == [("GK202", "pass", "机构职能")]


def test_gk202_blank_required_column_found_through_a_hub_link():
    hub = '<ul class="grid"><li><a href="/zwgk/zxzj/index.html">专项资金</a></li></ul>'
    site = build_site(
        {
            "": page("<h2>要闻</h2>"),
            "zwgk/index.html": page(hub),
            "zwgk/zxzj/index.html": page("<h2>专项资金</h2><p>暂无信息</p>"),
        }
    )
    wuhan = load_profile("wuhan-commerce").options
    assert ("GK202", "fail", "专项资金") in outcomes(check("GK202", site, wuhan))


def test_gk202_five_blank_columns_fail_the_site():
    blank = {f"zwgk/lm{i}/index.html": page("<h2>栏目</h2><p>暂无信息</p>", column=f"栏目{i}") for i in range(5)}
    site = build_site({"": page("<h2>要闻</h2>"), **blank})
    findings, _ = run(site, NATIONAL, [r for r in RULES if r.code == "GK202"])
    assert [f.status for f in findings] == [Status.FAIL] * 5
    assert summarize(findings, SEVERITY).verdict is SiteVerdict.FAILED


# -- GK203 homepage-not-updated ---------------------------------------------------------------------


def test_gk203_passes_with_recent_items_on_the_page_the_entry_redirects_to():
    site = build_site({"": "GK203/entry.html", "sy/index.html": "GK203/home.html"})
    [finding] = check("GK203", site, NATIONAL)
    assert outcomes([finding]) == [("GK203", "pass", "首页")]
    assert (finding.url, finding.evidence) == (
        HOME,
        "2026-11-06 以来有 2 条信息，最新 2026-11-19；首页区块：要闻 最新 2026-11-19、通知公告 最新 2026-11-03",
    )


@pytest.mark.parametrize(
    ("items", "status", "evidence"),
    [
        pytest.param(
            [("t20261106_1.html", "11-06")], "pass", "2026-11-06 以来有 1 条信息，最新 2026-11-06", id="on-cutoff"
        ),
        pytest.param(
            [("t20261105_1.html", "11-05")],
            "fail",
            "2026-11-06 以来没有新信息，最新 2026-11-05",
            id="day-before-cutoff",
        ),
        pytest.param(
            [("t20251118_1.html", "11-18")],
            "fail",
            "2026-11-06 以来没有新信息，最新 2025-11-18",
            id="month-day-of-last-year-by-url",
        ),
        pytest.param(
            [("a.html", "11-18")], "pass", "2026-11-06 以来有 1 条信息，最新 2026-11-18", id="month-day-this-year"
        ),
        pytest.param(
            [("a.html", "2026-12-01"), ("b.html", "2026-10-27")],
            "fail",
            "2026-11-06 以来没有新信息，最新 2026-10-27",
            id="future-date-ignored",
        ),
        pytest.param(
            [("a.html", ""), ("b.html", "")], "fail", "2026-11-06 以来没有新信息，首页信息均无日期", id="undated"
        ),
    ],
)
def test_gk203_needs_a_dated_item_within_two_weeks(items, status, evidence):
    rows = [(f"/swdt/{href}", f"示例市商务局工作动态{i}", shown) for i, (href, shown) in enumerate(items)]
    site = build_site({"": page(news_list(*rows))})
    [finding] = check("GK203", site, NATIONAL)
    assert outcomes([finding]) == [("GK203", status, "首页")]
    assert (finding.url, finding.evidence) == (BASE, evidence)


def test_gk203_failure_is_a_veto_that_fails_the_site():
    site = build_site({"": page(news_list(("/tzgg/t20261027_1.html", "关于开展安全生产专项检查的通知", "2026-10-27")))})
    findings = check("GK203", site, NATIONAL)
    [finding] = findings
    assert (finding.status, finding.severity, finding.deduction) == (Status.FAIL, Severity.VETO, 0.0)
    summary = summarize(findings, SEVERITY)
    assert (summary.score, summary.vetoes, summary.verdict) == (100.0, 1, SiteVerdict.FAILED)


def test_gk203_limit_comes_from_the_profile():
    site = build_site({"": page(news_list(("/tzgg/t20261027_1.html", "关于开展安全生产专项检查的通知", "2026-10-27")))})
    lenient = Options(homepage_limit=Period.parse("1m"))
    [finding] = check("GK203", site, lenient)
    assert (finding.status, finding.evidence) == (Status.PASS, "2026-10-20 以来有 1 条信息，最新 2026-10-27")


def test_gk203_dates_in_navigation_do_not_count():
    nav = (
        '<div class="nav"><ul><li><a href="/swdt/t20261119_1.html">最新动态</a><span>2026-11-19</span></li></ul></div>'
    )
    site = build_site({"": page(news_list(("/swdt/t20260101_1.html", "元旦假期安排", "2026-01-01")), nav=nav)})
    [finding] = check("GK203", site, NATIONAL)
    assert finding.status is Status.FAIL


@pytest.mark.parametrize(("days", "expected"), [(range(10, 18), 95.0), (range(8, 18), 100.0)])
def test_gk204_fewer_than_ten_recent_items_cost_five_points(days, expected):
    rows = [(f"/swdt/t202611{day:02d}_1.html", f"工作动态{day}", f"2026-11-{day:02d}") for day in days]
    findings = check("GK203", build_site({"": page(news_list(*rows))}), NATIONAL) + check(
        "GK204", build_site({"": page(news_list(*rows))}), NATIONAL
    )
    summary = summarize(findings, SEVERITY)
    assert (summary.score, summary.verdict) == (expected, SiteVerdict.PASSED)


# -- GK205 overdue-columns-veto ----------------------------------------------------------------------


def stale_columns_site(news: int, notice_linked: int, notice_unlinked: int):
    """A home page linking `news` stale news columns and `notice_linked` stale notice columns; more notice
    columns reachable only from a hub page."""
    pages: dict[str, str] = {}
    home_links, hub_links = [], []
    for i in range(news):
        pages[f"dt{i}/index.html"] = page(news_list((f"/dt{i}/a.html", "旧闻", "2026-10-01")), column=f"工作动态{i}")
        home_links.append(f'<a href="/dt{i}/index.html">工作动态{i}</a>')
    for i in range(notice_linked + notice_unlinked):
        pages[f"tz{i}/index.html"] = page(news_list((f"/tz{i}/a.html", "旧通知", "2026-01-01")), column=f"通知公告{i}")
        (home_links if i < notice_linked else hub_links).append(f'<a href="/tz{i}/index.html">通知公告{i}</a>')
    pages[""] = page("".join(home_links) + '<a href="/hub/index.html">政务公开</a>')
    pages["hub/index.html"] = page("".join(hub_links), column="政务公开")
    return build_site(pages)


@pytest.mark.parametrize(
    ("news", "linked", "unlinked", "basis", "status"),
    [
        (5, 0, 0, "2019", "fail"),
        (4, 0, 0, "2019", "pass"),
        (3, 2, 0, "2019", "fail"),
        (3, 0, 2, "2019", "pass"),  # 2019: only top-level 通知公告/政策文件 columns count
        (3, 0, 2, "2015", "fail"),
        (0, 0, 10, "2019", "fail"),  # ten columns that should update are overdue, whatever their level
    ],
)
def test_gk205_overdue_columns_veto(news, linked, unlinked, basis, status):
    options = dataclasses.replace(NATIONAL, basis=basis)
    [finding] = check("GK205", stale_columns_site(news, linked, unlinked), options)
    assert finding.status == status
    summary = summarize([finding], SEVERITY)
    assert (summary.vetoes == 1) is (status == "fail")


# -- GK203 on a navigation-only home page ------------------------------------------------------------


def test_gk203_navigation_only_home_is_judged_by_its_second_level_pages():
    site = build_site(
        {
            "": page('<a href="/swdt/index.html">商务动态</a><a href="/tzgg/index.html">通知公告</a>'),
            "swdt/index.html": page(news_list(("/swdt/t20261118_1.html", "新闻", "2026-11-18")), column="商务动态"),
            "tzgg/index.html": page(news_list(("/tzgg/t20261001_1.html", "通知", "2026-10-01")), column="通知公告"),
        }
    )
    [finding] = check("GK203", site, NATIONAL)
    assert finding.status is Status.PASS
    assert finding.evidence.startswith("首页为导航页，按二级页面判断：") and "最新 2026-11-18" in finding.evidence
