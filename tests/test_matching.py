"""checks/matching.py: labels compared the way an inspector reads them, and where on a page they are found."""

from __future__ import annotations

import pytest
from sitebuilder import BASE, build_site, page, url

from checks.matching import (
    Aliases,
    Match,
    TargetNames,
    Via,
    find_on_page,
    find_on_site,
    has_words,
    normalize,
    text_snippet,
)


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("讲文明 树新风", "讲文明树新风"),
        ("讲文明\u3000树新风", "讲文明树新风"),
        ("志愿精神——奉献、友爱、互助、进步", "志愿精神奉献友爱互助进步"),
        ("志愿精神－奉献", "志愿精神奉献"),  # full-width hyphen
        ("志愿精神–奉献", "志愿精神奉献"),  # en dash
        ("【通知公告】", "通知公告"),
        ("《政府信息公开条例》", "政府信息公开条例"),
        ("ＡＢＣ１２３", "abc123"),
        ("政务公开：", "政务公开"),
        ("  局长 信箱\n", "局长信箱"),
        ("", ""),
    ],
)
def test_normalize(text, normal):
    assert normalize(text) == normal


@pytest.mark.parametrize(
    ("labels", "text", "hit"),
    [
        (("讲文明树新风",), "讲文明 树新风 公益广告联播", True),
        (("讲文明 树新风",), "讲文明树新风", True),
        (("志愿精神",), "志愿精神——奉献、友爱、互助、进步", True),
        (("年度报告",), "政府信息公开年报（２０２５）", False),
        (("信息公开年报",), "政府信息公开年报（２０２５）", True),
        (("权力清单", "权责清单"), "部门权责清单", True),
        (("权力清单",), "权力运行流程图", False),
        (("ICP",), "鄂ｉｃｐ备12345678号", True),
        (("中国梦",), "", False),
        (("", " "), "任何文字", False),
    ],
)
def test_aliases_hit_when_the_text_contains_any_label(labels, text, hit):
    assert Aliases(labels).hit(text) is hit


PAGE = page(
    '<ul><li><a href="/zwgk/qlqd/index.html">权力清单</a></li>'
    '<li><a href="/zwgk/zrqd/index.html" title="责任清单"><img src="/images/zrqd.png" alt=""></a></li></ul>'
    '<img src="/images/banner/zgm.jpg" alt="中国梦">'
    "<h2>程序清单</h2><p>本局行政权力已在武汉精神专栏公布。</p>",
    title="权责清单_示例市商务局",
    column="机构概况",
)


@pytest.mark.parametrize(
    ("label", "in_text", "expected"),
    [
        ("权力清单", False, [Match(BASE, Via.LINK, "权力清单", url("zwgk/qlqd/index.html"))]),
        ("责任清单", False, [Match(BASE, Via.LINK, "责任清单", url("zwgk/zrqd/index.html"))]),
        ("中国梦", False, [Match(BASE, Via.IMAGE, "中国梦", url("images/banner/zgm.jpg"))]),
        ("权责清单", False, [Match(BASE, Via.TITLE, "权责清单_示例市商务局")]),
        ("机构概况", False, [Match(BASE, Via.META, "机构概况")]),
        ("程序清单", False, [Match(BASE, Via.HEADING, "程序清单")]),
        ("武汉精神", False, []),
    ],
)
def test_find_on_page_says_what_carried_the_words(label, in_text, expected):
    site = build_site({"": PAGE})
    assert find_on_page(site.home, Aliases((label,)), in_text=in_text) == expected


def test_text_is_searched_only_when_asked_and_nothing_else_matched():
    site = build_site({"": PAGE})
    [match] = find_on_page(site.home, Aliases(("武汉精神",)), in_text=True)
    assert (match.via, match.target) == (Via.TEXT, "")
    assert "本局行政权力已在武汉精神专栏公布" in match.text
    assert [m.via for m in find_on_page(site.home, Aliases(("程序清单",)), in_text=True)] == [Via.HEADING]


def test_find_on_site_starts_with_the_landing_page():
    site = build_site(
        {
            "": '<script>window.location.href="sy/index.html";</script>',
            "zwgk/index.html": page("<h2>中国梦</h2>"),
            "sy/index.html": page('<img src="/images/zgm.jpg" alt="中国梦">'),
        }
    )
    assert [(m.page, m.via) for m in find_on_site(site, Aliases(("中国梦",)))] == [
        (url("sy/index.html"), Via.IMAGE),
        (url("zwgk/index.html"), Via.HEADING),
    ]


@pytest.mark.parametrize(
    ("text", "snippet"),
    [
        ("示例市商务局弘扬武汉精神建设现代化大武汉", "示例市商务局弘扬武汉精神建设现代化大武汉"),
        ("没有", ""),
        ("武汉 精神", "武汉 精神"),  # the label spans a space: the start of the text stands in
    ],
)
def test_text_snippet(text, snippet):
    assert text_snippet(text, Aliases(("武汉精神",))) == snippet


# -- entries that are pictures: named by the page they lead to ----------------------------------------

PICTURES = page(
    '<div class="rukou">'
    '<a href="/zwgk/gkzn/"><img src="/images/gkzn.png"></a>'
    '<a href="/zwgk/ndbg/"><img src="/images/ndbg.png"></a>'
    '<a href="/zwgk/ysqgk/"><img src="/images/ysqgk.png"></a>'
    '<a href="/gywm/"><img src="/images/gywm.png"></a>'
    "</div>"
)
CRUMB = '<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; {}</div>'
PICTURE_SITE = {
    "": PICTURES,
    "zwgk/gkzn/": page("<p>本指南依据条例编制。</p>", title="政府信息公开指南_示例市商务局"),
    "zwgk/ndbg/": page(CRUMB.format("政府信息公开年报") + "<p>暂无信息</p>"),
    "zwgk/ysqgk/": page("<p>申请人可当面提出申请。</p>", column="依申请公开"),
    # A page whose own title names it otherwise: its breadcrumb (a column's) does not rename the link.
    "gywm/": page(CRUMB.format("依申请公开") + "<p>本局简介</p>", title="关于我们_示例市商务局"),
}


def test_the_extractor_gives_an_image_link_without_alt_no_words():
    links = build_site({"": PICTURES}).home.links
    gkzn = [link for link in links if link.url in (url("zwgk/gkzn/"), url("images/gkzn.png"))]
    assert [(link.tag, link.text, link.title) for link in gkzn] == [("a", "", ""), ("img", "gkzn.png", "")]


@pytest.mark.parametrize(
    ("label", "evidence"),
    [
        ("信息公开指南", f"图片链接（目标页「政府信息公开指南_示例市商务局」） → {url('zwgk/gkzn/')}"),
        ("年报", f"图片链接（目标页当前位置「政府信息公开年报」） → {url('zwgk/ndbg/')}"),
        ("依申请公开", f"图片链接（目标页栏目标识「依申请公开」） → {url('zwgk/ysqgk/')}"),
    ],
)
def test_find_on_site_names_an_image_link_by_its_target(label, evidence):
    found = find_on_site(build_site(PICTURE_SITE), Aliases((label,)))
    assert found[0].page == BASE and found[0].via is Via.LINK
    assert found[0].evidence() == evidence


def test_an_image_link_whose_target_is_titled_otherwise_is_not_a_hit():
    found = find_on_site(build_site(PICTURE_SITE), Aliases(("依申请公开",)))
    assert url("gywm/") not in {m.target for m in found}
    assert find_on_site(build_site(PICTURE_SITE), Aliases(("关于我们",)))[0].target == url("gywm/")


def test_an_image_file_name_is_not_words():
    site = build_site({"": page('<a href="/x/"><img src="/images/nianbao.png"></a>'), "x/": page("<p>x</p>")})
    assert find_on_site(site, Aliases(("nianbao",))) == []


def test_find_on_page_names_image_links_only_when_given_the_site():
    site = build_site(PICTURE_SITE)
    assert find_on_page(site.home, Aliases(("信息公开指南",))) == []
    assert [m.target for m in find_on_page(site.home, Aliases(("信息公开指南",)), names=TargetNames(site))] == [
        url("zwgk/gkzn/")
    ]


def test_a_notice_about_a_thing_is_not_its_entry():
    site = build_site({"": page('<a href="/tz/1.html">关于做好2025年度政府信息公开工作年度报告编制公布工作的通知</a>')})
    assert find_on_site(site, Aliases(("年度报告",))) == []


def test_an_alt_that_is_a_file_name_is_not_words():
    """CMSs fill alt with the uploaded file's name: a person sees the picture, named by where it leads."""
    site = build_site(
        {
            "": page('<a href="/xxgk/zwwznb/"><img src="/images/a.jpg" alt="政务网站年报.jpg"></a>'),
            "xxgk/zwwznb/": page("<p>报表</p>", title="2017年政府网站工作年度报表"),
        }
    )
    assert find_on_site(site, Aliases(("年报",))) == []
    assert [m.evidence() for m in find_on_site(site, Aliases(("年度报表",)))] == [
        f"图片链接（目标页「2017年政府网站工作年度报表」） → {url('xxgk/zwwznb/')}",
        "页面标题「2017年政府网站工作年度报表」",
    ]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("政府信息公开指南", True),
        ("Blog", True),
        ("ping", True),
        ("年报 ", True),
        ("gkzn.png", False),
        ("政务网站年报.jpg", False),
        ("主题海报(GAI-8-28).jpg", False),
        ("IMG_01.JPEG ", False),
        ("a.tiff", False),
        ("", False),
        ("  ", False),
    ],
)
def test_has_words(text, words):
    assert has_words(text) is words
