"""checks/matching.py: labels compared the way an inspector reads them, and where on a page they are found."""

from __future__ import annotations

import pytest
from sitebuilder import BASE, build_site, page, url

from gapcheck.checks.matching import Aliases, Match, Via, find_on_page, find_on_site, normalize, text_snippet


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
    title="权责清单_示例市商务局", column="机构概况",
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
    site = build_site({"": '<script>window.location.href="sy/index.html";</script>',
                       "zwgk/index.html": page("<h2>中国梦</h2>"),
                       "sy/index.html": page('<img src="/images/zgm.jpg" alt="中国梦">')})
    assert [(m.page, m.via) for m in find_on_site(site, Aliases(("中国梦",)))] == [
        (url("sy/index.html"), Via.IMAGE), (url("zwgk/index.html"), Via.HEADING)]


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
