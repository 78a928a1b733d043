"""checks/columns.py: which pages are columns, their kind, items, dates, pagination and blankness."""

from __future__ import annotations

import datetime as dt

import pytest
from sitebuilder import AS_OF, build_site, news_list, page, url

from checks import Options
from checks.columns import ColumnStatus, find_columns, kind_of, resolve_date
from checks.options import Requirement
from gapcheck.profile import load_profile

NATIONAL = load_profile("national").options
ITEMS = news_list(
    ("/swdt/202611/t20261118_1.html", "市商务局召开党组会", "2026-11-18"),
    ("/swdt/202611/t20261110_1.html", "市商务局走访外贸企业", "2026-11-10"),
    ("/swdt/202610/t20261020_1.html", "我市举办金秋消费季启动仪式", "2026-10-20"),
)


def columns(pages: dict[str, str], options: Options = NATIONAL, **kwargs) -> dict[str, tuple[str, str]]:
    """Column name → (path of its page, status), for the site built from `pages`."""
    site = build_site(pages, **kwargs)
    return {c.name: (c.url.removeprefix(url("")), c.status(site.as_of)) for c in find_columns(site, options)}


# -- which pages are columns -----------------------------------------------------------------------


def test_column_named_by_its_column_name_meta():
    found = columns({"": page("<h2>首页</h2>"), "lm/index.html": page(ITEMS, column="工作动态")})
    assert found == {"工作动态": ("lm/index.html", ColumnStatus.FRESH)}


def test_column_named_by_the_home_page_navigation():
    nav = '<div class="nav"><ul><li><a href="/swdt/index.html">商务动态</a></li></ul></div>'
    found = columns({"": page("<h2>首页</h2>", nav=nav), "swdt/index.html": page(ITEMS, title="列表页")})
    assert found == {"商务动态": ("swdt/index.html", ColumnStatus.FRESH)}


def test_column_named_by_a_link_with_a_known_label_on_any_page():
    hub = '<ul class="grid"><li><a href="/zwgk/jgzn/index.html">机构职能</a></li></ul>'
    jgzn = page("<h2>机构职能</h2>" + news_list(("/zwgk/jgzn/P020260210413687.pdf", "2026年机构职能", "2026-02-10")))
    pages = {"": page("<h2>首页</h2>"), "zwgk/index.html": page(hub), "zwgk/jgzn/index.html": jgzn}
    assert "机构职能" not in columns(pages)  # neither a column kind of the national profile nor on the home nav
    with_requirement = Options(requirements=(Requirement("机构职能", ("机构职能", "机构设置")),))
    assert columns(pages, with_requirement)["机构职能"] == ("zwgk/jgzn/index.html", ColumnStatus.UNLIMITED)


def test_budget_columns_are_yearly_duty_columns():
    hub = '<ul class="grid"><li><a href="/zwgk/bmys/index.html">部门预算</a></li></ul>'
    for published, status in (("2026-02-10", ColumnStatus.FRESH), ("2025-11-19", ColumnStatus.STALE)):
        budget = page("<h2>部门预算</h2>" + news_list(("/zwgk/bmys/P020250210413687.pdf", "部门预算", published)))
        pages = {"": page("<h2>首页</h2>"), "zwgk/index.html": page(hub), "zwgk/bmys/index.html": budget}
        assert columns(pages)["部门预算"] == ("zwgk/bmys/index.html", status)  # a year back from 2026-11-20


def test_list_page_without_a_name_is_named_by_its_heading():
    found = columns({"": page("<h2>首页</h2>"), "gzdt/index.html": page("<h2>工作动态</h2>" + ITEMS, title="x")})
    assert found == {"工作动态": ("gzdt/index.html", ColumnStatus.FRESH)}


@pytest.mark.parametrize(
    "pages",
    [
        pytest.param({"": page(ITEMS, column="首页")}, id="start-page"),
        pytest.param(
            {"": '<script>window.location.href="sy/index.html";</script>', "sy/index.html": page(ITEMS, column="首页")},
            id="landing-page",
        ),
        pytest.param(
            {
                "": page("<h2>首页</h2>"),
                "swdt/t20261118_1.html": page(
                    "<h1>市商务局召开党组会</h1>" + ITEMS,
                    column="商务动态",
                    title="市商务局召开党组会",
                    pubdate="2026-11-18 09:00",
                ),
            },
            id="article-with-column-meta",
        ),
        pytest.param(
            {
                "": page('<p><a href="/jgzn/index.html">机构职能</a></p>'),
                "jgzn/index.html": page("<h2>机构职能</h2><p>负责全市商务工作。</p>"),
            },
            id="page-named-by-a-plain-link",
        ),
        pytest.param(
            {
                "": page(
                    "",
                    nav='<div class="nav"><a href="/swdt/index.html">示例市商务局关于开展外贸稳增长工作的通知</a>'
                    "</div>",
                ),
                "swdt/index.html": page("<p>正文</p>", nav=""),
            },
            id="long-link-text",
        ),
        pytest.param(
            {
                "": page("<h2>首页</h2>"),
                "lm/index.html": page(
                    news_list(("/a.html", "外贸工作会", "2026-11-01"), ("/b.html", "消费季启动", "2026-11-02"))
                ),
            },
            id="two-dated-links",
        ),
    ],
)
def test_pages_that_are_not_columns(pages):
    assert columns(pages) == {}


# -- kinds ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("商务动态", "news"),
        ("工作动态", "news"),
        ("图片新闻", "news"),
        ("区县动态", "news"),
        ("通知公告", "notice"),
        ("公示公告", "notice"),
        ("政策法规", "notice"),
        ("规范性文件", "notice"),
        ("人事任免", "personnel"),
        ("公务员招录", "personnel"),
        ("商务发展规划", "personnel"),
        ("人事任免公告", "personnel"),  # the longest keyword wins: 人事任免 over 公告
        ("通 知 公 告", "notice"),
        ("ＸＸ工作动态", "news"),
        ("部门预算", "yearly"),
        ("专项资金", "yearly"),
        ("县政府文件", "notice"),
        ("统计数据", "yearly"),
        ("机构职能", None),
        ("领导信息", None),
    ],
)
def test_kind_by_the_longest_keyword_in_the_name(name, kind):
    found = kind_of(name, NATIONAL)
    assert (found.key if found else None) == kind


@pytest.mark.parametrize(("override", "kind"), [("notice", "notice"), ("no-such-kind", None)])
def test_kind_override_by_column_name(override, kind):
    options = Options(column_kinds=NATIONAL.column_kinds, column_names={"图片新闻": override})
    found = kind_of("图片新闻", options)
    assert (found.key if found else None) == kind


# -- dates of list items -------------------------------------------------------------------------------

ARTICLE = page("<h1>关于开展安全生产专项检查的通知</h1>", title="通知", pubdate="2025-11-18 10:00")


@pytest.mark.parametrize(
    ("shown", "href", "as_of", "expected"),
    [
        pytest.param("2026-11-15", "a.html", AS_OF, dt.date(2026, 11, 15), id="full-date"),
        pytest.param("--10-15", "202610/t20261015_2435331.html", AS_OF, dt.date(2026, 10, 15), id="year-from-url"),
        pytest.param("--11-15", "202511/t20251115_1.html", AS_OF, dt.date(2025, 11, 15), id="url-year-beats-guess"),
        pytest.param("--11-15", "a.html", AS_OF, dt.date(2026, 11, 15), id="this-year"),
        pytest.param("--11-25", "a.html", AS_OF, dt.date(2025, 11, 25), id="never-after-as-of"),
        pytest.param("--11-20", "a.html", AS_OF, dt.date(2026, 11, 20), id="as-of-itself"),
        pytest.param("--10-15", "t20251016_1.html", AS_OF, dt.date(2026, 10, 15), id="url-of-another-day-ignored"),
        pytest.param("--02-29", "a.html", AS_OF, None, id="feb-29-without-leap-year"),
        pytest.param("--02-29", "a.html", dt.date(2028, 3, 1), dt.date(2028, 2, 29), id="feb-29-leap-year"),
        pytest.param("--11-18", "tz.html", AS_OF, dt.date(2025, 11, 18), id="year-from-the-article"),
        pytest.param(None, "tz.html", AS_OF, dt.date(2025, 11, 18), id="undated-item-article-pubdate"),
        pytest.param(None, "a.html", AS_OF, None, id="undated-item-article-not-crawled"),
    ],
)
def test_resolve_date(shown, href, as_of, expected):
    site = build_site({"": page("<h2>首页</h2>"), "tz.html": ARTICLE}, as_of=as_of)
    assert resolve_date(shown, url(href), site) == expected


def test_undated_item_of_a_failed_article_has_no_date():
    site = build_site({"": page("<h2>首页</h2>")}, failed={"t20261118_1.html": (404, None)})
    assert resolve_date(None, url("t20261118_1.html"), site) is None


# -- pagination, items, template links ------------------------------------------------------------------

SWDT = {"": page("<h2>首页</h2>"), "swdt/index.html": "GK201/swdt.html", "swdt/index_1.html": "GK201/swdt_1.html"}


def test_column_spans_its_pagination_pages():
    site = build_site(SWDT)
    [column] = find_columns(site, NATIONAL)
    assert column.pages == (url("swdt/index.html"), url("swdt/index_1.html"))
    assert [(i.url.removeprefix(url("swdt/")), i.date) for i in column.items] == [
        ("202610/t20261015_2435331.html", dt.date(2026, 10, 15)),
        ("202609/t20260926_2434984.html", dt.date(2026, 9, 26)),
        ("202608/t20260828_2434470.html", dt.date(2026, 8, 28)),
        ("202607/t20260717_2434123.html", dt.date(2026, 7, 17)),
        ("202512/t20251226_2432041.html", dt.date(2025, 12, 26)),
    ]
    assert column.newest == dt.date(2026, 10, 15)


def test_pagination_stays_in_the_column_folder():
    first = page(
        "<h2>商务动态</h2>" + ITEMS + '<div class="page"><a href="/tzgg/index_1.html">下一页</a></div>',
        column="商务动态",
    )
    other = page(news_list(("/tzgg/t20261119_1.html", "关于举办培训班的通知", "2026-11-19")), column="通知公告")
    site = build_site({"": page("<h2>首页</h2>"), "swdt/index.html": first, "tzgg/index_1.html": other})
    found = {c.name: c.pages for c in find_columns(site, NATIONAL)}
    assert found == {"商务动态": (url("swdt/index.html"),), "通知公告": (url("tzgg/index_1.html"),)}


def test_pagination_pages_are_not_columns_of_their_own():
    assert list(columns(SWDT)) == ["商务动态"]


def test_breadcrumb_sidebar_and_pagination_links_are_not_items():
    side = (
        '<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/index.html">政务公开</a></div>'
        '<div class="left"><ul class="menu"><li><a href="/zwgk/bmys/index.html">部门预算</a></li></ul></div>'
    )
    pager = '<div class="page"><a href="index.html">1</a> <a href="index.html">首页</a></div>'
    site = build_site({"": page("<h2>首页</h2>"), "swdt/index.html": page(side + ITEMS + pager, column="商务动态")})
    [column] = find_columns(site, NATIONAL)
    assert [i.title for i in column.items] == [
        "市商务局召开党组会",
        "市商务局走访外贸企业",
        "我市举办金秋消费季启动仪式",
    ]


@pytest.mark.parametrize(("pages", "is_item"), [(3, False), (2, True)])
def test_a_block_the_same_on_three_pages_is_template(pages, is_item):
    hot = '<div class="rd"><a href="/ztzl/zgm/index.html">中国梦专题</a></div>'
    site = build_site(
        {
            "": page(hot),
            "swdt/index.html": page(hot + ITEMS, column="商务动态"),
            **{f"p{i}.html": page(hot) for i in range(pages - 2)},
        }
    )
    [column] = find_columns(site, NATIONAL)
    assert ("中国梦专题" in [i.title for i in column.items]) is is_item


def test_a_link_on_half_the_pages_is_template_wherever_it_sits():
    site = build_site(
        {
            "": page('<div class="a"><a href="/zt.html">专题</a></div>'),
            "swdt/index.html": page(
                '<ul class="b"><li><a href="/zt.html">专题</a></li></ul>' + ITEMS, column="商务动态"
            ),
            "p.html": page('<p class="c"><a href="/zt.html">专题</a></p>'),
            "q.html": page("<p>q</p>"),
        }
    )
    [column] = find_columns(site, NATIONAL)
    assert "专题" not in [i.title for i in column.items]


# -- status -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "main", "status"),
    [
        pytest.param(
            "专项资金", '<h2>专项资金</h2><ul class="list"><li>暂无信息</li></ul>', ColumnStatus.BLANK, id="blank"
        ),
        pytest.param("商务动态", "<h2>商务动态</h2>", ColumnStatus.BLANK, id="blank-kind"),
        pytest.param(
            "机构职能",
            "<h2>机构职能</h2><p>" + "负责拟订全市国内外贸易和国际经济合作的发展规划。" * 2 + "</p>",
            ColumnStatus.UNLIMITED,
            id="page-of-text",
        ),
        pytest.param(
            "领导信息", news_list(("/a.pdf", "2019年领导分工", "2019-02-10")), ColumnStatus.UNLIMITED, id="no-duty"
        ),
        pytest.param(
            "商务动态",
            news_list(("/a.html", "党组会", ""), ("/b.html", "座谈会", "")),
            ColumnStatus.UNDATED,
            id="undated",
        ),
        pytest.param("商务动态", ITEMS, ColumnStatus.FRESH, id="fresh"),
        pytest.param("通知公告", news_list(("/a.html", "通知", "2026-05-19")), ColumnStatus.STALE, id="stale"),
    ],
)
def test_column_status(name, main, status):
    assert columns({"": page("<h2>首页</h2>"), "lm/index.html": page(main, column=name)}) == {
        name: ("lm/index.html", status)
    }


def test_list_page_without_a_column_name_is_named_by_its_breadcrumb():
    rows = [(f"/xx/t202611{d:02d}_1.html", f"信息{d}", f"2026-11-{d:02d}") for d in (10, 11, 12)]
    crumb = '<div class="position">当前位置：<a href="/">首页</a> &gt; 工作动态</div>'
    site = build_site({"": page("<h2>要闻</h2>"), "xx/index.html": page(crumb + "<h2>列表</h2>" + news_list(*rows))})
    [column] = [c for c in find_columns(site, NATIONAL) if c.url == url("xx/index.html")]
    assert column.name == "工作动态" and column.kind.key == "news"


def test_kind_from_the_column_type_meta_when_the_name_says_nothing():
    html = page(news_list(("/qt/t20261110_1.html", "信息", "2026-11-10")), column="其他信息").replace(
        '<meta name="ColumnName"', '<meta name="ColumnType" content="通知公告"><meta name="ColumnName"'
    )
    site = build_site({"": page("<h2>要闻</h2>"), "qt/index.html": html})
    [column] = [c for c in find_columns(site, NATIONAL) if c.url == url("qt/index.html")]
    assert column.name == "其他信息" and column.kind.key == "notice"
