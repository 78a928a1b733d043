"""Entries and the site search on saved home pages of real portals (../shared/realpages), as a person reads
them: what is a text link, what is a picture with no words, and what GK506 concludes.

Each site is the real page through the real extractor; a target page is added only where a test says so
(a stub standing for a page that was not saved), to show a picture link named by the page it leads to.
"""

from __future__ import annotations

import pytest
from sitebuilder import build_site, check, page, url
from test_identity import real_html

from checks import Options, Status
from checks.matching import Aliases, find_on_site, is_wordless
from checks.options import Requirement
from gapcheck.profile import load_profile

NATIONAL = load_profile("national").options
YICHUN = "SimonXinw__job_yichun_home.html"
BJRBJ = "silverfoxy__JSCryptoMinerStudy_bjrbj.gov.cn.html"


def evidence(site, label: str) -> list[str]:
    return [m.evidence() for m in find_on_site(site, Aliases((label,)))]


# -- 中国宜春 (2023) ----------------------------------------------------------------------------------

# The 政府信息公开 block lists its entries as text links (<a><span>…</span></a>).
YICHUN_ENTRIES = [
    ("政府信息公开指南", "ycsrmzf/zfxxgkzn/xxgk_tt.shtml"),
    ("政府信息公开目录", "ycsrmzf/fdzdgknr/redirect_firstChannel.shtml"),
    ("政府信息公开年度报告", "ycsrmzf/zfxxgknb/redirect_firstChannel.shtml"),
    ("依申请公开", "ycsrmzf/ysqgk/ysqgk.shtml"),
]
# 专题专栏: a carousel of pictures with no alt, every one a link with no words.
YICHUN_BANNERS = [
    "ycsrmzf/szfhyzt/szfhy.shtml",
    "ycsrmzf/yhyshjjxs/yhyshjjxs.shtml",
    "ycsrmzf/dsjzcfgzl/dashuju.shtml",
    "ycsrmzf/fjxzcjgxsdffs/guidang_list.shtml",
    "http://www.gov.cn/hudong/index.htm",
    "ycsrmzf/ztbd/202201/89932811c4984fde8f96164db49ac2a6.shtml",
    "ycsrmzf/qmtjjczwgkbzhgfhzt/jczwgk.shtml",
    "ycsrmzf/xxgzbdgrdfyyqfk/guidang_list.shtml",
    "ycsrmzf/wxzfjs/wxzfjs.shtml",
    "http://www.credit.yichun.gov.cn/cms//creditpublic/toXzcf.action",
    "ycsrmzf/sswgh/145guihua.shtml",
]


@pytest.mark.parametrize(("label", "path"), YICHUN_ENTRIES)
def test_yichun_disclosure_entries_are_text_links(label, path):
    site = build_site({"": real_html(YICHUN)})
    assert evidence(site, label)[0] == f"链接「{label}」 → {url(path)}"


def test_yichun_special_topic_banners_are_pictures_without_words():
    home = build_site({"": real_html(YICHUN)}).home
    wordless = [link.url for link in home.links if is_wordless(link)]
    assert [url(b) for b in YICHUN_BANNERS] == [u for u in wordless if u in {url(b) for b in YICHUN_BANNERS}]


def test_yichun_a_banner_is_named_by_the_page_it_leads_to():
    # Stub for the page the banner leads to (not saved); its name as the path spells it (jczwgk).
    topic = "全面推进基层政务公开标准化规范化专题"
    site = build_site(
        {
            "": real_html(YICHUN),
            "ycsrmzf/qmtjjczwgkbzhgfhzt/jczwgk.shtml": page("<p>专题</p>", title=f"{topic}_中国宜春"),
        }
    )
    options = Options(requirements=(Requirement("基层政务公开专题", ("基层政务公开",), on_homepage=True),))
    [finding] = check("GK102", site, options)
    assert (finding.status, finding.evidence) == (
        Status.PASS,
        f"图片链接（目标页「{topic}_中国宜春」） → {url('ycsrmzf/qmtjjczwgkbzhgfhzt/jczwgk.shtml')}",
    )


def test_yichun_search_is_the_header_form_not_the_jiucuo_widget():
    # Two forms (the header's and the floating one) submit searchWord to search4/s; the page also carries
    # the national 找错 widget (a script), which is no search.
    [finding] = check("GK506", build_site({"": real_html(YICHUN)}), NATIONAL)
    assert (finding.status, finding.evidence) == (
        Status.PASS,
        "搜索表单：字段 searchWord，提交到 https://www.yichun.gov.cn/search4/s",
    )


# -- 北京市人力资源和社会保障局 (2018) ---------------------------------------------------------------------

# 信息公开 links to the city's disclosure platform, as text; 依申请公开 stays on the bureau's site.
BJRBJ_ENTRIES = [
    (
        "公开指南",
        "链接「公开指南」 → http://zfxxgk.beijing.gov.cn/110070/zfxxgkzn/2017-03/17/"
        "content_15822baf639848638566acf3b497de25.shtml",
    ),
    ("公开目录", "链接「公开目录」 → http://zfxxgk.beijing.gov.cn/110070/jgzz12j/list.shtml"),
    ("依申请公开", "链接「依申请公开」 → http://www.bjrbj.gov.cn/yishenqing/ysqgk/index"),
]
# The 政务网站年报 picture's alt is its file name, "政务网站年报.jpg": a person sees a picture (and it is the
# website's annual statistics, not the disclosure report). It leads to an article on the bureau's host.
ZWWZNB = "http://www.bjrbj.gov.cn/xxgk/rb_zwwznb/201801/t20180130_70799.html"


@pytest.mark.parametrize(("label", "expected"), BJRBJ_ENTRIES)
def test_bjrbj_disclosure_entries(label, expected):
    assert evidence(build_site({"": real_html(BJRBJ)}), label)[0] == expected


def test_bjrbj_an_image_file_name_in_alt_is_no_words():
    site = build_site({"": real_html(BJRBJ)})
    assert evidence(site, "年报") == ["链接「公开年报」 → http://zfxxgk.beijing.gov.cn/110070/zfxxgknb/list.shtml"]
    [link] = [link for link in site.home.links if link.url == ZWWZNB]
    assert (link.text, is_wordless(link)) == ("政务网站年报.jpg", True)


def test_bjrbj_the_picture_is_named_by_its_target_and_is_not_the_disclosure_report():
    # Stub for the article the picture leads to (not saved).
    title = "北京市人力资源和社会保障局2017年政府网站工作年度报表"
    site = build_site({"": real_html(BJRBJ), ZWWZNB: page("<p>报表</p>", title=title, pubdate="2018-01-30 10:00")})
    assert evidence(site, "工作年度报表") == [f"图片链接（目标页「{title}」） → {ZWWZNB}"]
    assert evidence(site, "年报") == ["链接「公开年报」 → http://zfxxgk.beijing.gov.cn/110070/zfxxgknb/list.shtml"]


def test_bjrbj_interaction_pictures_are_links_without_words():
    # 交流互动: four pictures (咨询, 意见征集, 投诉, 监督平台), no alt.
    home = build_site({"": real_html(BJRBJ)}).home
    pictures = [
        "http://www.bjrbj.gov.cn/mzhd/postZX.htm",
        "http://www.bjrbj.gov.cn/jlhd/yjzj/",
        "http://www.bjrbj.gov.cn/mzhd/postNew.htm",
        "http://www.bjrbj.gov.cn/jlhd/201801/t20180117_70496.html",
    ]
    assert all(is_wordless(link) for link in home.links if link.url in pictures)
    assert {link.url for link in home.links if link.url in pictures} == set(pictures)


def test_bjrbj_search_form():
    [finding] = check("GK506", build_site({"": real_html(BJRBJ)}), NATIONAL)
    assert (finding.status, finding.evidence) == (
        Status.PASS,
        f"搜索表单：字段 searchWords，提交到 {url('LDJAPP/search/search_new/rlsbjzzcx/search_rlsbjzzcx.jsp')}，"
        "文字「搜索」",
    )
