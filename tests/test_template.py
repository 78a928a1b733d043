"""checks/template.py: the site's template vs each page's own content, and the columns that rest on it.

Pages are built like a CMS template: every inner page carries a side menu and a box of the site-wide latest
items with their dates. Those must never make a blank column look full or a stale one fresh.
"""

from __future__ import annotations

import dataclasses

from sitebuilder import build_site, news_list, page, url

from checks.columns import ColumnStatus, column_url, find_columns
from checks.options import Options
from checks.template import Template
from gapcheck.profile import load_profile
from gapcheck.store import Store

NATIONAL = load_profile("national").options
LATEST = (
    '<div class="right_box"><h3>最新信息</h3>'
    + news_list(
        ("/swdt/202611/t20261119_1.html", "全市外贸运行情况通报", "2026-11-19"),
        ("/swdt/202611/t20261118_1.html", "市商务局召开党组会", "2026-11-18"),
        ("/swdt/202611/t20261117_1.html", "消费季启动", "2026-11-17"),
    )
    + "</div>"
)
MENU = (
    '<div id="left"><ul class="sub_menu"><li><a href="/zwgk/czzj/index.html">财政资金</a></li>'
    '<li><a href="/zwgk/zxzj/index.html">专项资金</a></li><li><a href="/zwgk/bmys/index.html">部门预算</a></li></ul></div>'
)


def inner(main: str, **kwargs) -> str:
    return page(MENU + f'<div class="list">{main}</div>' + LATEST, **kwargs)


def site_of(**extra: str):
    return build_site(
        {
            "": page("<h2>首页</h2>" + LATEST),
            "zwgk/czzj/index.html": inner('<p class="nodata">暂无信息</p>'),
            "zwgk/zxzj/index.html": inner(""),
            "zwgk/bmys/index.html": inner(news_list(("/zwgk/bmys/P020260210.pdf", "2026年部门预算", "2026-02-10"))),
            **extra,
        }
    )


def test_a_latest_box_on_every_page_is_template_and_never_a_columns_item():
    site = site_of()
    found = {c.name: (c.status(site.as_of), len(c.items)) for c in find_columns(site, NATIONAL)}
    assert found == {
        "财政资金": (ColumnStatus.BLANK, 0),
        "专项资金": (ColumnStatus.BLANK, 0),
        "部门预算": (ColumnStatus.FRESH, 1),
    }
    template = Template(site)
    keys = {b.key for b in template.blocks()}
    assert any(k.endswith("div.right_box/ul.list") for k in keys)  # the 最新信息 box
    assert any(k.endswith("ul.sub_menu") for k in keys)  # the side menu


def test_the_latest_boxs_items_are_a_columns_own_items_on_its_own_list():
    """The 最新信息 box shows 商务动态's newest items; on 商务动态's own list they are its items."""
    own = news_list(
        ("/swdt/202611/t20261119_1.html", "全市外贸运行情况通报", "2026-11-19"),
        ("/swdt/202611/t20261118_1.html", "市商务局召开党组会", "2026-11-18"),
    )
    site = site_of(**{"swdt/index.html": inner(own, column="商务动态")})
    [column] = [c for c in find_columns(site, NATIONAL) if c.name == "商务动态"]
    assert column.status(site.as_of) is ColumnStatus.FRESH and str(column.newest) == "2026-11-19"


def test_one_column_whatever_url_reaches_it():
    assert {
        column_url(url(p))
        for p in (
            "zwgk/czzj/",
            "zwgk/czzj/index.html",
            "zwgk/czzj/index.shtml",
            "zwgk/czzj/index_2.html",
            "zwgk/czzj/index.html?page=3",
        )
    } == {url("zwgk/czzj/")}
    assert column_url(url("list.jsp?cid=3&page=2")) == url("list.jsp?cid=3")
    assert column_url(url("index.jsp?channel=7")) == url("index.jsp?channel=7")
    pages = {
        "zwgk/czzj/index.html": inner(news_list(("/a/t20261101_1.html", "一", "2026-11-01")), column="财政资金"),
        "zwgk/czzj/index.shtml": inner(news_list(("/a/t20261101_1.html", "一", "2026-11-01")), column="财政资金"),
        "zwgk/czzj/index_1.html": inner(news_list(("/a/t20251101_1.html", "二", "2025-11-01")), column="财政资金"),
    }
    site = build_site({"": page("<h2>首页</h2>"), **pages})
    [column] = [c for c in find_columns(site, NATIONAL) if c.name == "财政资金"]
    assert len(column.pages) == 3 and [i.title for i in column.items] == ["一", "二"]


def test_home_page_tabs_are_the_home_page():
    tabs = '<div class="nav"><a href="/index.html?tab=1">要闻</a><a href="/index.html?tab=2">通知公告</a></div>'
    site = build_site(
        {"": page(tabs + LATEST), "index.html?tab=1": page(tabs + LATEST), "index.html?tab=2": page(tabs + LATEST)}
    )
    assert find_columns(site, NATIONAL) == []


def test_a_hub_showing_other_columns_is_not_a_column():
    hub = (
        '<div class="box"><h3>财政资金</h3><a href="/zwgk/czzj/index.html">更多</a></div>'
        '<div class="box"><h3>部门预算</h3><a href="/zwgk/bmys/index.html">更多</a></div>'
    )
    site = site_of(**{"zwgk/index.html": page(hub, title="政务公开")})
    assert "政务公开" not in {c.name for c in find_columns(site, NATIONAL)}


def test_a_profile_classifies_a_column_by_url_and_says_why():
    options = dataclasses.replace(NATIONAL, column_urls={r"/zwgk/bmys/": "notice"})
    site = site_of()
    by_name = {c.name: c for c in find_columns(site, options)}
    assert (by_name["部门预算"].kind.key, by_name["部门预算"].why) == ("notice", "配置 column_urls「/zwgk/bmys/」")
    assert (by_name["财政资金"].kind.key, by_name["财政资金"].why) == ("yearly", "名称含「财政资金」")
    nameless = Options(column_kinds=NATIONAL.column_kinds)
    assert (
        find_columns(build_site({"": page("x"), "a/index.html": page("<p>x</p>", column="领导之窗")}), nameless)[0].why
        == "未分类"
    )


def test_kind_from_the_breadcrumb_when_the_name_says_nothing():
    crumb = '<div class="dqwz">当前位置：<a href="/">首页</a> &gt; <a href="/ysgk/">预算公开</a> &gt; 2026年</div>'
    site = build_site(
        {
            "": page("x"),
            "ysgk/2026/index.html": page(
                crumb + news_list(("/ysgk/2026/P1.pdf", "2026年预算", "2026-02-01")), column="2026年"
            ),
        }
    )
    [column] = find_columns(site, NATIONAL)
    assert (column.kind.key, column.why) == ("yearly", "面包屑「预算公开」含「预算公开」")


def test_blocks_survive_the_store(tmp_path):
    site = site_of()
    store = Store(tmp_path / "s.sqlite")
    run = store.start_run("示例市商务局", url(""), "national", site.as_of, 100)
    store.add_crawled(run, list(site.pages.values()))
    loaded = store.load_site(run)
    for address, p in site.pages.items():
        assert loaded.pages[address].zones == p.zones
        assert [ln.zone for ln in loaded.pages[address].links] == [ln.zone for ln in p.links]
    assert {c.name: c.status(site.as_of) for c in find_columns(loaded, NATIONAL)} == {
        c.name: c.status(site.as_of) for c in find_columns(site, NATIONAL)
    }
