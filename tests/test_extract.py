"""Page extraction: what a person sees on a page, read from real and synthetic markup."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.model import LinkTag, Region
from spiders.encoding import decode_html
from spiders.extract import extract

REALPAGES = Path(__file__).resolve().parents[1].parent / "shared" / "realpages"
BASE = "http://www.example.gov.cn/a/index.html"


def links(html: str):
    return {link.url: link for link in extract(html, BASE).links}


def test_regions_from_tags_classes_and_ids():
    html = """<body><div class="nav"><a href="/n">新闻</a></div><div id="footer"><a href="/f">联系我们</a></div>
    <div class="position"><a href="/">首页</a></div><header><a href="/h">Logo</a></header>
    <div class="content"><a href="/m">正文</a></div></body>"""
    got = {url.rsplit("/", 1)[1]: link.region for url, link in links(html).items()}
    assert got == {"n": Region.NAV, "f": Region.FOOTER, "": Region.NAV, "h": Region.HEADER, "m": Region.MAIN}


@pytest.mark.parametrize(
    ("item", "date"),
    [
        ('<li><a href="t.html">关于开展工作的通知</a><span>2026-11-03</span></li>', "2026-11-03"),
        ('<li><span>[2026/06/30]</span><a href="t.html">政策</a></li>', "2026-06-30"),
        ('<li><a href="t.html">要闻</a> 10-15</li>', "--10-15"),
        ('<tr><td><a href="t.html">人事任免</a></td><td>2025年09月01日</td></tr>', "2025-09-01"),
        ('<li><a href="t.html">2025年政府信息公开工作年度报告</a></li>', None),
    ],
)
def test_list_item_dates_exclude_the_title(item, date):
    html = f"<body><ul class='list'>{item}</ul></body>" if item.startswith("<li") else f"<table>{item}</table>"
    assert links(html)["http://www.example.gov.cn/a/t.html"].date == date


def test_banner_image_words_reach_the_link():
    html = (
        '<body><a href="/zt/" title="武汉精神"><img src="/i/b.jpg" alt=""></a>'
        '<a href="/zgm/"><img src="/i/zgm.jpg" alt="中国梦"></a><img src="/i/%E5%9B%BE.png"></body>'
    )
    got = links(html)
    assert got["http://www.example.gov.cn/zt/"].title == "武汉精神"
    assert got["http://www.example.gov.cn/zgm/"].text == "中国梦"
    assert got["http://www.example.gov.cn/i/zgm.jpg"].tag is LinkTag.IMG
    assert got["http://www.example.gov.cn/i/%E5%9B%BE.png"].text == "图.png"  # the file name, decoded


@pytest.mark.parametrize(
    "script",
    [
        'window.location.href="../sy/index.html";',
        "location.replace('../sy/index.html')",
        "document.location = '../sy/index.html'",
    ],
)
def test_script_redirects_of_entry_pages(script):
    got = links(f"<html><head><script>{script}</script></head><body></body></html>")
    assert got["http://www.example.gov.cn/sy/index.html"].tag is LinkTag.SCRIPT_REDIRECT


def test_script_built_url_is_not_followed():
    assert links("<script>function go(id){ location.href = 'seal/details?id=' + id; }</script>") == {}


def test_meta_refresh_base_href_and_fragments():
    html = """<head><base href="http://www.example.gov.cn/b/"><meta http-equiv="refresh" content="0; url=next.html">
    </head><body><a href="page.html#part2">x</a><a href="#top">top</a></body>"""
    got = links(html)
    assert got["http://www.example.gov.cn/b/next.html"].tag is LinkTag.REFRESH
    assert got["http://www.example.gov.cn/b/page.html"].fragment == "part2"
    assert len(got) == 2


def test_text_outside_the_template_is_counted():
    page = extract(
        '<body><div class="nav">导航导航导航</div><div class="main"><h2>专项资金</h2>暂无信息</div>'
        '<div class="footer">主办单位：某某局</div></body>',
        BASE,
    )
    assert page.main_chars == len("专项资金暂无信息")
    assert "主办单位" in page.text


def test_page_dates_prefer_meta_and_labels():
    page = extract(
        '<head><meta name="PubDate" content="2026-10-15 09:30"></head>'
        "<body><div class='info'>发布日期：2026-10-15</div></body>",
        "http://x.gov.cn/t20261015_1.html",
    )
    assert [(d.value, d.source.value) for d in page.dates] == [
        ("2026-10-15", "meta"),
        ("2026-10-15", "label"),
        ("2026-10-15", "url"),
    ]


realpages = pytest.mark.skipif(not REALPAGES.is_dir(), reason="../shared/realpages is not present")


def real(name: str):
    text, encoding = decode_html((REALPAGES / name).read_bytes())
    return extract(text, f"http://www.example.gov.cn/{name}"), encoding


@realpages
@pytest.mark.parametrize("name", sorted(p.name for p in REALPAGES.glob("*.html")) if REALPAGES.is_dir() else [])
def test_every_real_page_parses_with_links_and_title(name):
    page, _ = real(name)
    assert page.links and page.title


@realpages
@pytest.mark.parametrize(
    ("name", "dated_at_least"),
    [
        ("silverfoxy__JSCryptoMinerStudy_bjrbj.gov.cn.html", 10),
        ("silverfoxy__JSCryptoMinerStudy_bjgjj.gov.cn.html", 30),
        ("silverfoxy__JSCryptoMinerStudy_bjda.gov.cn.html", 50),
        ("kevin3691__renmin_affairs_index.jsp.html", 3),
    ],
)
def test_real_home_pages_yield_dated_list_items(name, dated_at_least):
    page, _ = real(name)
    assert sum(1 for link in page.links if link.date) >= dated_at_least


@realpages
@pytest.mark.parametrize(
    ("name", "target"),
    [
        ("silverfoxy__JSCryptoMinerStudy_bjgtj.gov.cn.html", "/col/col3664/index.html"),
        ("silverfoxy__JSCryptoMinerStudy_12333sh.gov.cn.html", "http://www.12333sh.gov.cn/201712333/index.shtml"),
    ],
)
def test_real_entry_pages_redirect_by_script(name, target):
    page, _ = real(name)
    assert any(link.tag is LinkTag.SCRIPT_REDIRECT and link.url.endswith(target) for link in page.links)


@realpages
def test_stray_closing_html_keeps_the_article():
    page, _ = real("GeneralNewsExtractor__tests_other_1.html")
    assert "特别国债" in page.text and page.main_chars > 300


@realpages
@pytest.mark.parametrize(
    ("name", "date"),
    [
        ("GeneralNewsExtractor__tests_shanxi_1.html", "2019-09-18"),
        ("kevin3691__renmin_affairs_details.jsp.html", "2020-08-02"),
        ("GeneralNewsExtractor__tests_gzggw_1.html", "2016-11-22"),
        ("GeneralNewsExtractor__tests_cmse_1.html", "2012-06-24"),
    ],
)
def test_real_articles_publication_date(name, date):
    page, _ = real(name)
    assert next(d.value for d in page.dates) == date


@realpages
def test_real_identity_meta():
    page, _ = real("kevin3691__renmin_affairs_index.jsp.html")
    assert page.meta["siteidcode"] == "1304000009" and page.meta["columnname"] == "邯郸市政府信息公开"


def test_forms_and_the_error_widget_sitecode():
    page = extract(
        """<body><form action="/search/" method="GET"><input type="text" name="searchword" placeholder="请输入关键词">
    <input type="submit" value="搜索"></form><form action="/msg" method="post"><textarea name="content"></textarea></form>
    <script id="_jiucuo_" sitecode='4201000099' src='https://pucha.kaipuyun.cn/exposure/jiucuo.js'></script></body>""",
        BASE,
    )
    search, message = page.forms
    assert (search.action, search.method, search.fields) == (
        "http://www.example.gov.cn/search/",
        "get",
        ("searchword",),
    )
    assert "搜索" in search.text and "请输入关键词" in search.text
    assert (message.method, message.fields) == ("post", ("content",))
    assert page.meta["jiucuo:sitecode"] == "4201000099"


def test_badge_script_written_by_document_write_is_recorded():
    html = """<body><script type="text/javascript">document.write(unescape("%3Cspan id='_ideConac' %3E%3C/span%3E
    %3Cscript src='http://dcs.conac.cn/js/01/000/0000/60429971/CA010000000604299710004.js' type='text/javascript'%3E
    %3C/script%3E"));</script></body>"""
    assert "http://dcs.conac.cn/js/01/000/0000/60429971/CA010000000604299710004.js" in links(html)


@pytest.mark.parametrize(
    ("html", "trail"),
    [
        (
            '<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="../">政务公开</a> &gt; 专项资金</div>',
            "首页 > 政务公开 > 专项资金",
        ),
        ('<div id="dqwz">您现在的位置： 首页 » 通知公告 字号：大 中 小 | 打印</div>', "首页 > 通知公告"),
        ('<div class="crumb">首页</div>', None),
    ],
)
def test_breadcrumb_trail(html, trail):
    assert extract(f"<body>{html}</body>", BASE).meta.get("page:breadcrumb") == trail


@realpages
@pytest.mark.parametrize(
    ("name", "trail"),
    [
        ("GeneralNewsExtractor__tests_shanxi_1.html", "首页 > 要闻 > 山西要闻"),
        ("GeneralNewsExtractor__tests_other_1.html", "首页 > 国务院公报 > 2007年第23号"),
        ("GeneralNewsExtractor__tests_gzggw_1.html", "首页 > 发展改革工作 > 投资管理和项目推进 > 投资运行"),
    ],
)
def test_real_breadcrumbs(name, trail):
    page, _ = real(name)
    assert page.meta["page:breadcrumb"] == trail


def test_list_blocks_are_named_by_the_heading_above_them():
    html = """<body><div class="nav"><a href="/">首页</a></div>
    <div class="block"><div class="tit"><span>要闻</span><a class="more" href="/tpxw/">更多&gt;&gt;</a></div>
    <ul><li><a href="/tpxw/t20261119_1.html">新闻一</a><span>2026-11-19</span></li></ul></div>
    <div class="block"><h3>通知公告</h3><table><tr><td><a href="/tzgg/t20261103_1.html">通知一</a></td>
    <td>[2026-11-03]</td></tr></table></div><ul><li><a href="/x.html">无日期</a></li></ul></body>"""
    got = {url.rsplit("/", 2)[1]: link.block for url, link in links(html).items() if link.date}
    assert got == {"tpxw": "要闻", "tzgg": "通知公告"}
    assert links(html)["http://www.example.gov.cn/x.html"].block == ""


@realpages
@pytest.mark.parametrize(
    ("name", "block", "newest"),
    [
        ("silverfoxy__JSCryptoMinerStudy_bjda.gov.cn.html", "国务院要闻", "2018-03-21"),
        ("silverfoxy__JSCryptoMinerStudy_bjda.gov.cn.html", "通知公告", "2018-03-21"),
        ("silverfoxy__JSCryptoMinerStudy_bjda.gov.cn.html", "质量公告", "2018-03-19"),
        ("silverfoxy__JSCryptoMinerStudy_bjrbj.gov.cn.html", "公示公告", "--03-20"),
        ("silverfoxy__JSCryptoMinerStudy_bjgjj.gov.cn.html", "中心新闻", "--03-08"),
        ("kevin3691__renmin_affairs_index.jsp.html", "市政府文件", "2020-07-29"),
    ],
)
def test_real_home_pages_show_their_blocks(name, block, newest):
    """The blocks a person reading the saved home page sees, with the newest date shown in each."""
    page, _ = real(name)
    dates = [link.date for link in page.links if link.block == block and link.date]
    assert dates and dates[0] == newest  # lists put the newest item first


def test_scheme_and_host_case_is_folded():
    assert "http://www.example.com/Path/A.html" in links('<a href="HtTP://WwW.ExaMple.cOm/Path/A.html">x</a>')
