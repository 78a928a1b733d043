"""1xx required content: GK101 columns, GK102 home-page banners, GK103 city-portal links, GK104 parts."""

from __future__ import annotations

import pytest
from sitebuilder import BASE, FIXTURES, build_site, check, outcomes, page, url

from checks import Options, Severity, Status
from checks.options import Requirement
from core.model import FetchError
from gapcheck.profile import load_profile

WUHAN = load_profile("wuhan-commerce").options
CITY = ("wuhan.gov.cn", "www.wuhan.gov.cn", "zwfw.wuhan.gov.cn")


def options(*requirements: Requirement, city_portal: tuple[str, ...] = ()) -> Options:
    return Options(requirements=requirements, city_portal=city_portal)


# -- GK101 required-column-missing -----------------------------------------------------------------

GK101_SITE = {"": "GK101/home.html", "zwgk/index.html": "GK101/zwgk.html"}


@pytest.mark.parametrize(
    ("requirement", "found_on", "evidence"),
    [
        pytest.param(
            Requirement("依申请公开", ("依申请公开",)),
            "",
            f"链接「依申请公开」 → {BASE}zwgk/ysqgk/index.html",
            id="link-text-on-home",
        ),
        pytest.param(
            Requirement("政府信息公开年度报告", ("年度报告", "公开年报")),
            "",
            f"链接「公开年报」 → {BASE}zwgk/ndbg/index.html",
            id="alias",
        ),
        pytest.param(
            Requirement("权力清单", ("权力清单", "权责清单")),
            "zwgk/index.html",
            f"链接「权责清单」 → {BASE}zwgk/qlqd/index.html",
            id="alias-on-other-page",
        ),
        pytest.param(
            Requirement("部门预算", ("部门预算",)),
            "zwgk/index.html",
            f"链接「部门预算」 → {BASE}zwgk/bmys/index.html",
            id="image-alt-in-link",
        ),
        pytest.param(
            Requirement("人事任免", ("人事任免",)),
            "zwgk/index.html",
            f"链接「人事」 → {BASE}zwgk/rsrm/index.html",
            id="link-title",
        ),
        pytest.param(Requirement("政务公开", ("政务公开",)), "", f"链接「政务公开」 → {BASE}zwgk/index.html", id="nav"),
    ],
)
def test_gk101_passes_when_any_alias_is_on_any_page(requirement, found_on, evidence):
    [finding] = check("GK101", build_site(GK101_SITE), options(requirement))
    assert outcomes([finding]) == [("GK101", "pass", requirement.name)]
    assert (finding.url, finding.evidence, finding.deduction) == (url(found_on), evidence, 0.0)


@pytest.mark.parametrize(
    ("main", "meta_column", "evidence"),
    [
        pytest.param("<h2>程序清单</h2><p>本局行政权力运行流程图如下。</p>", "", "页面标题「程序清单」", id="heading"),
        pytest.param("<p>本局行政权力运行流程图如下。</p>", "程序清单", "栏目标识「程序清单」", id="column-meta"),
    ],
)
def test_gk101_passes_on_a_page_that_names_itself(main, meta_column, evidence):
    site = build_site({**GK101_SITE, "zwgk/cxqd/index.html": page(main, column=meta_column)})
    [finding] = check("GK101", site, options(Requirement("程序清单", ("程序清单",))))
    assert (finding.status, finding.url, finding.evidence) == (Status.PASS, url("zwgk/cxqd/index.html"), evidence)


def test_gk101_fails_with_the_aliases_searched_and_the_deduction():
    req = Requirement("程序清单", ("程序清单", "权力运行流程", "运行流程图"), deduction=2.0)
    [finding] = check("GK101", build_site(GK101_SITE), options(req))
    assert outcomes([finding]) == [("GK101", "fail", "程序清单")]
    assert finding.url == BASE
    assert finding.evidence == "在 2 个页面中未找到：程序清单、权力运行流程、运行流程图"
    assert (finding.deduction, finding.severity) == (2.0, Severity.MAJOR)


def test_gk101_text_only_mention_is_not_an_entry():
    site = build_site({"": page("<p>权力清单已在市政府门户网站统一公布。</p>")})
    [finding] = check("GK101", site, options(Requirement("权力清单", ("权力清单",))))
    assert finding.status is Status.FAIL


def test_gk101_leaves_home_page_banners_to_gk102():
    reqs = (Requirement("中国梦", ("中国梦",), on_homepage=True), Requirement("依申请公开", ("依申请公开",)))
    assert outcomes(check("GK101", build_site(GK101_SITE), options(*reqs))) == [("GK101", "pass", "依申请公开")]


def test_gk101_with_the_wuhan_profile_reports_each_column_requirement_once():
    findings = check("GK101", build_site(GK101_SITE), WUHAN)
    expected = [r.name for r in WUHAN.requirements if not r.on_homepage]
    assert [f.subject for f in findings] == expected
    passed = {f.subject for f in findings if f.status is Status.PASS}
    assert passed == {
        "政府信息公开",
        "政府信息公开年度报告",
        "依申请公开",
        "政务公开",
        "权力清单",
        "责任清单",
        "局长信箱",
        "商务动态",
        "通知公告",
        "行政复议",
        "部门预算",
        "人事任免",
    }


def test_gk101_an_article_title_is_not_a_column_entry():
    article = "zcfg/202611/t20261112_2436372.html"
    title = "关于申报2026年度省级外经贸专项资金项目的通知"
    site = build_site(
        {
            "": page(
                '<ul class="list"><li><a href="/zcfg/202611/t20261112_2436372.html">'
                f'{title}</a><span class="date">2026-11-12</span></li></ul>'
            ),
            article: page(f"<h1>{title}</h1><p>各有关企业：……</p>", title=title, pubdate="2026-11-12 09:30"),
        }
    )
    [finding] = check("GK101", site, options(Requirement("专项资金", ("专项资金",))))
    assert finding.status is Status.FAIL


# -- GK102 homepage-banner-missing ------------------------------------------------------------------

GK102_SITE = {"": "GK102/entry.html", "sy/index.html": "GK102/home.html", "zwgk/index.html": "GK102/zwgk.html"}
HOME = url("sy/index.html")


@pytest.mark.parametrize(
    ("name", "match", "evidence"),
    [
        pytest.param("中国梦", ("中国梦",), f"链接「中国梦」 → {BASE}ztzl/zgm/index.html", id="img-alt"),
        pytest.param("武汉精神", ("武汉精神",), f"链接「武汉精神」 → {BASE}ztzl/whjs/index.html", id="link-title"),
        pytest.param(
            "培育和践行社会主义核心价值观",
            ("社会主义核心价值观",),
            f"链接「培育和践行社会主义核心价值观」 → {BASE}ztzl/hxjzg/index.html",
            id="img-title",
        ),
        pytest.param(
            "志愿精神——奉献、友爱、互助、进步",
            ("志愿精神",),
            f"链接「志愿精神——奉献、友爱、互助、进步」 → {BASE}ztzl/zyjs/index.html",
            id="dashes",
        ),
    ],
)
def test_gk102_passes_on_the_page_the_entry_script_redirects_to(name, match, evidence):
    req = Requirement(name, match, on_homepage=True)
    [finding] = check("GK102", build_site(GK102_SITE), options(req))
    assert outcomes([finding]) == [("GK102", "pass", name)]
    assert (finding.url, finding.evidence) == (HOME, evidence)


def test_gk102_passes_on_home_page_text():
    site = build_site({"": page('<div class="slogan">弘扬武汉精神　建设现代化大武汉</div>')})
    [finding] = check("GK102", site, options(Requirement("武汉精神", ("武汉精神",), on_homepage=True)))
    assert (finding.status, finding.url) == (Status.PASS, BASE)
    assert finding.evidence.startswith("正文「") and "武汉精神" in finding.evidence


def test_gk102_fails_when_the_banner_is_only_on_another_page():
    req = Requirement("讲文明 树新风 公益广告联播", ("讲文明树新风", "公益广告联播"), on_homepage=True, deduction=2)
    [finding] = check("GK102", build_site(GK102_SITE), options(req))
    assert outcomes([finding]) == [("GK102", "fail", "讲文明 树新风 公益广告联播")]
    assert finding.url == HOME
    assert finding.evidence == (
        f"首页未找到；其他页面有：链接「讲文明 树新风」 → {BASE}ztzl/jwm/index.html（{BASE}zwgk/index.html）"
    )
    assert finding.deduction == 2


def test_gk102_fails_when_the_banner_is_nowhere():
    req = Requirement("中国梦", ("中国梦",), on_homepage=True)
    [finding] = check("GK102", build_site({"": page("<h2>要闻</h2>")}), options(req))
    assert (finding.status, finding.url, finding.evidence) == (Status.FAIL, BASE, "首页未找到：中国梦")


@pytest.mark.parametrize(
    "entry",
    [
        '<script>window.location.href="sy/index.html";</script>',
        "<script>location.replace('/sy/index.html')</script>",
        "<script type=\"text/javascript\">\nwindow.location = 'sy/index.html'\n</script>",
        '<meta http-equiv="refresh" content="0; url=sy/index.html">',
    ],
    ids=["location-href", "location-replace", "window-location", "meta-refresh"],
)
def test_gk102_entry_page_forms(entry):
    site = build_site(
        {
            "": f"<html><head><title>示例市商务局</title>{entry}</head><body></body></html>",
            "sy/index.html": "GK102/home.html",
        }
    )
    [finding] = check("GK102", site, options(Requirement("中国梦", ("中国梦",), on_homepage=True)))
    assert (finding.status, finding.url) == (Status.PASS, HOME)


def test_gk102_does_not_read_the_entry_page_as_home():
    """A banner behind the entry script is on the home page; one only on a page the home never shows is not."""
    entry_with_banner = (
        '<html><body><img src="/images/zgm.jpg" alt="中国梦">'
        '<script>window.location.href="sy/index.html";</script></body></html>'
    )
    site = build_site({"": entry_with_banner, "sy/index.html": page("<h2>要闻</h2>")})
    [finding] = check("GK102", site, options(Requirement("中国梦", ("中国梦",), on_homepage=True)))
    assert (finding.status, finding.url) == (Status.FAIL, HOME)
    assert finding.evidence == f"首页未找到；其他页面有：图片「中国梦」 → {BASE}images/zgm.jpg（{BASE}）"


def test_gk102_a_start_page_with_real_content_is_the_home_page_even_if_it_redirects():
    text = "示例市商务局门户网站提供商务政策、通知公告、办事服务和互动交流等信息。" * 6
    start = page(
        f'<p>{text}</p><a href="/ztzl/zgm/index.html"><img src="/images/zgm.jpg" alt="中国梦"></a>'
        '<script>window.location.href="sy/index.html";</script>'
    )
    site = build_site({"": start, "sy/index.html": page("<h2>要闻</h2>")})
    assert site.landing is site.home
    [finding] = check("GK102", site, options(Requirement("中国梦", ("中国梦",), on_homepage=True)))
    assert (finding.status, finding.url) == (Status.PASS, BASE)


def test_gk102_with_the_wuhan_profile_reports_each_banner():
    findings = check("GK102", build_site(GK102_SITE), WUHAN)
    assert outcomes(findings) == [
        ("GK102", "pass", "学习贯彻习近平总书记系列重要讲话精神"),
        ("GK102", "pass", "培育和践行社会主义核心价值观"),
        ("GK102", "fail", "讲文明 树新风 公益广告联播"),
        ("GK102", "pass", "志愿精神——奉献、友爱、互助、进步"),
        ("GK102", "pass", "中国梦"),
        ("GK102", "pass", "武汉精神"),
    ]


# -- GK103 list-not-linked-to-city-portal ---------------------------------------------------------

GK103_SITE = {
    "": page('<ul><li><a href="/zwgk/index.html">政务公开</a></li></ul>'),
    "zwgk/index.html": "GK103/zwgk.html",
    "zwgk/qlqd/index.html": "GK103/qlqd.html",
    "zwgk/zrqd/index.html": "GK103/zrqd.html",
}


def city_list(name: str, *match: str) -> Options:
    return options(Requirement(name, match or (name,), links_to_city_portal=True), city_portal=CITY)


@pytest.mark.parametrize(
    ("name", "status", "where", "evidence"),
    [
        pytest.param(
            "程序清单",
            "pass",
            "zwgk/index.html",
            "链接到市政府门户：http://www.wuhan.gov.cn/zwgk/cxqd/swj/",
            id="entry-links-there",
        ),
        pytest.param(
            "权力清单",
            "pass",
            "zwgk/qlqd/index.html",
            "链接到市政府门户：http://www.wuhan.gov.cn/zwgk/qlqd/swj/",
            id="entry-page-links-there",
        ),
        pytest.param(
            "责任清单",
            "fail",
            "zwgk/zrqd/index.html",
            f"链接「责任清单」 → {BASE}zwgk/zrqd/index.html；该入口及其页面上均无指向 "
            "wuhan.gov.cn、www.wuhan.gov.cn、zwfw.wuhan.gov.cn 的链接",
            id="in-site-copy",
        ),
    ],
)
def test_gk103_list_entry_or_its_page_must_link_to_the_city_portal(name, status, where, evidence):
    [finding] = check("GK103", build_site(GK103_SITE), city_list(name))
    assert outcomes([finding]) == [("GK103", status, name)]
    assert (finding.url, finding.evidence) == (url(where), evidence)
    assert finding.deduction == (2.0 if status == "fail" else 0.0)


@pytest.mark.parametrize(
    ("href", "status"),
    [
        ("http://zwfw.wuhan.gov.cn/qlqd/swj", "pass"),
        ("https://wuhan.gov.cn/qlqd/", "pass"),
        ("http://www.wuhan.gov.cn.example.com/qlqd/", "fail"),
        ("http://notwuhan.gov.cn/qlqd/", "fail"),
        ("http://www.hubei.gov.cn/qlqd/", "fail"),
    ],
)
def test_gk103_city_portal_is_matched_by_host(href, status):
    site = build_site({"": page(f'<ul><li><a href="{href}">权力清单</a></li></ul>')})
    [finding] = check("GK103", site, city_list("权力清单"))
    assert finding.status == status


def test_gk103_leaves_a_missing_entry_to_gk101():
    site = build_site({"": page("<p>权力清单已在市政府门户网站统一公布。</p>")})
    assert check("GK103", site, city_list("权力清单")) == []


def test_gk103_with_the_wuhan_profile():
    findings = check("GK103", build_site(GK103_SITE), WUHAN)
    assert outcomes(findings) == [
        ("GK103", "pass", "权力清单"),
        ("GK103", "pass", "程序清单"),
        ("GK103", "fail", "责任清单"),
    ]


def test_gk103_a_footer_link_to_the_city_portal_home_is_not_the_list_link():
    footer = (
        '<div class="footer"><p>相关链接：<a href="http://www.wuhan.gov.cn/" target="_blank">武汉市人民政府</a></p>'
        "<p>主办单位：示例市商务局</p></div>"
    )
    zrqd = (FIXTURES / "GK103/zrqd.html").read_text(encoding="utf-8")
    zrqd = zrqd.replace('<div class="footer"><p>主办单位：示例市商务局</p></div>', footer)
    site = build_site({**GK103_SITE, "zwgk/zrqd/index.html": zrqd})
    [finding] = check("GK103", site, city_list("责任清单"))
    assert finding.status is Status.FAIL


# -- GK104 required-part-missing -------------------------------------------------------------------

GK104_SITE = {
    "": "GK104/home.html",
    "xzfy/index.html": "GK104/xzfy.html",
    "xzfy/fyzn.html": "GK104/fyzn.html",
    "zwgk/ysqgk/index.html": "GK104/ysqgk.html",
}
FORM = url("xzfy/files/xzfysqs.doc")
FORM_LINK = f"链接「行政复议申请书（下载）」 → {FORM}"


def test_gk104_with_the_wuhan_profile():
    findings = check("GK104", build_site(GK104_SITE, {FORM: (200, None)}), WUHAN)
    assert outcomes(findings) == [  # in the profile's order: 依申请公开 extends the national requirement
        ("GK104", "pass", "依申请公开：受理机构"),
        ("GK104", "fail", "依申请公开：申请程序"),
        ("GK104", "pass", "行政复议：行政复议申请书"),
    ]
    office, steps, form = findings
    assert (form.url, form.evidence) == (url("xzfy/index.html"), FORM_LINK)
    assert office.url == url("zwgk/ysqgk/index.html")
    # Text evidence is quoted in NFKC form: the page's full-width colon comes out half-width.
    assert office.evidence.startswith("正文「") and "受理机构:示例市商务局办公室" in office.evidence
    assert steps.evidence == f"在 {BASE}zwgk/ysqgk/index.html 中未找到申请程序、办理程序、受理程序、办理流程"
    assert steps.deduction == 2.0


@pytest.mark.parametrize(
    ("outcome", "reason"),
    [
        ((404, None, "页面不存在"), "（页面不存在）"),
        ((500, None, "服务器内部错误"), "（服务器内部错误）"),
        ((None, FetchError.REFUSED, "连接被拒绝"), "（连接被拒绝）"),
    ],
)
def test_gk104_download_fails_when_the_form_does_not_open(outcome, reason):
    findings = check("GK104", build_site(GK104_SITE, {FORM: outcome}), WUHAN)
    [form] = [f for f in findings if f.subject == "行政复议：行政复议申请书"]
    assert (form.status, form.url, form.deduction) == (Status.FAIL, url("xzfy/index.html"), 2.0)
    assert form.evidence == f"{FORM_LINK} 无法下载{reason}"
    assert form.message == "「行政复议」的行政复议申请书无法下载"


@pytest.mark.parametrize(
    "link",
    [
        pytest.param("<p>请填写行政复议申请书后邮寄至本局法规处。</p>", id="text-only"),
        pytest.param('<ul><li><a href="/xzfy/sqs.html">行政复议申请书</a></li></ul>', id="html-page"),
    ],
)
def test_gk104_download_needs_a_link_to_an_attachment(link):
    xzfy = page(
        f'<h2>行政复议</h2><ul><li><a href="/xzfy/fyzn.html">行政复议指南</a></li></ul>{link}', column="行政复议"
    )
    site = build_site({**GK104_SITE, "xzfy/index.html": xzfy, "xzfy/sqs.html": page("<h2>申请须知</h2>")})
    [form] = [f for f in check("GK104", site, WUHAN) if f.subject == "行政复议：行政复议申请书"]
    assert form.status is Status.FAIL
    assert form.evidence.startswith(f"在 {BASE}xzfy/index.html") and form.evidence.endswith(
        "中未找到可下载的行政复议申请书、申请书"
    )


def test_gk104_leaves_a_missing_entry_to_gk101():
    site = build_site(
        {
            "": page('<ul><li><a href="/zwgk/ysqgk/index.html">依申请公开</a></li></ul>'),
            "zwgk/ysqgk/index.html": "GK104/ysqgk.html",
        }
    )
    subjects = [f.subject for f in check("GK104", site, WUHAN)]
    assert subjects == ["依申请公开：受理机构", "依申请公开：申请程序"]


@pytest.mark.parametrize(
    "outcome", [(403, None, "拒绝访问"), (429, None, "请求过多（限流）"), (None, FetchError.TIMEOUT, "超时")]
)
def test_gk104_an_unverified_form_is_not_a_failure(outcome):
    findings = check("GK104", build_site(GK104_SITE, {FORM: outcome}), WUHAN)
    [form] = [f for f in findings if f.subject == "行政复议：行政复议申请书"]
    assert (form.status, form.deduction) == (Status.UNVERIFIED, 0.0)


# -- GK105 window-not-on-homepage / GK102 pinned banners -------------------------------------------


def test_gk105_window_must_be_linked_from_the_home_page():
    fyzn = page('<a href="/xzfy/sqs.doc">行政复议申请书</a>', column="行政复议")
    linked = build_site({"": page('<a href="/xzfy/index.html">行政复议</a>'), "xzfy/index.html": fyzn})
    hidden = build_site(
        {
            "": page('<a href="/zwgk/index.html">政务公开</a>'),
            "zwgk/index.html": page('<a href="/xzfy/index.html">行政复议</a>', column="政务公开"),
            "xzfy/index.html": fyzn,
        }
    )
    assert outcomes(check("GK105", linked, WUHAN)) == [("GK105", "pass", "行政复议")]
    [finding] = check("GK105", hidden, WUHAN)
    assert outcomes([finding]) == [("GK105", "fail", "行政复议")]
    assert (
        finding.evidence
        == f"首页没有入口；其他页面有：链接「行政复议」 → {url('xzfy/index.html')}（{url('zwgk/index.html')}）"
    )


def test_gk102_banner_far_down_a_real_sized_home_page_is_not_pinned():
    filler = "".join(f'<a href="/x/{i}.html">栏目{i}</a>' for i in range(30))
    banner = '<a href="/zgm/"><img src="/i/zgm.jpg" alt="中国梦"></a>'
    options = Options(requirements=(Requirement("中国梦", ("中国梦",), on_homepage=True, pinned=True),))
    top = check("GK102", build_site({"": page(banner + filler)}), options)
    bottom = check("GK102", build_site({"": page(filler + banner)}), options)
    assert outcomes(top) == [("GK102", "pass", "中国梦")]
    assert outcomes(bottom) == [("GK102", "warn", "中国梦")] and "未置顶" in bottom[0].evidence


# -- entries that are pictures (issue 12): named by the page they lead to -------------------------

NATIONAL = load_profile("national").options
CRUMB = '<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; {}</div>'
PICTURE_HOME = page(
    '<div class="rukou">'
    '<a href="/zwgk/"><img src="/images/zwgk.png"></a>'
    '<a href="/zwgk/ndbg/"><img src="/images/ndbg.png"></a>'
    '<a href="/zwgk/ysqgk/"><img src="/images/ysqgk.png"></a>'
    '<a href="/xzfy/"><img src="/images/xzfy.png"></a>'
    '<a href="/ztzl/zgm/"><img src="/images/banner1.jpg"></a>'
    "</div>",
    nav="",
)
PICTURE_SITE = {
    "": PICTURE_HOME,
    "zwgk/": page("<h3>主动公开</h3>", title="政府信息公开_示例市商务局"),
    "zwgk/ndbg/": page(CRUMB.format("政府信息公开年报") + "<p>暂无信息</p>"),
    "zwgk/ysqgk/": page("<p>申请人可当面提出申请。</p>", column="依申请公开"),
    "xzfy/": page("<p>行政复议申请须知</p>", title="行政复议_示例市商务局"),
    "ztzl/zgm/": page("<p>专题</p>", title="中国梦专题_示例市商务局"),
}


def test_gk101_finds_image_only_entries_through_their_targets():
    findings = check("GK101", build_site(PICTURE_SITE), NATIONAL)
    assert outcomes(findings) == [
        ("GK101", "pass", "政府信息公开"),
        ("GK101", "pass", "政府信息公开年度报告"),
        ("GK101", "pass", "依申请公开"),
    ]
    assert [f.evidence for f in findings] == [
        f"图片链接（目标页「政府信息公开_示例市商务局」） → {url('zwgk/')}",
        f"图片链接（目标页当前位置「政府信息公开年报」） → {url('zwgk/ndbg/')}",
        f"图片链接（目标页栏目标识「依申请公开」） → {url('zwgk/ysqgk/')}",
    ]


def test_gk101_an_image_link_to_a_page_titled_otherwise_is_not_the_entry():
    site = build_site({**PICTURE_SITE, "zwgk/ysqgk/": page(CRUMB.format("依申请公开"), title="关于我们_示例市商务局")})
    [finding] = [f for f in check("GK101", site, NATIONAL) if f.subject == "依申请公开"]
    assert finding.status is Status.FAIL


def test_gk102_and_gk105_image_banners_and_windows_named_by_their_targets():
    reqs = options(
        Requirement("中国梦", ("中国梦",), on_homepage=True),
        Requirement("行政复议", ("行政复议",), linked_from_homepage=True),
    )
    site = build_site(PICTURE_SITE)
    [banner] = check("GK102", site, reqs)
    [window] = check("GK105", site, reqs)
    assert (banner.status, banner.evidence) == (
        Status.PASS,
        f"图片链接（目标页「中国梦专题_示例市商务局」） → {url('ztzl/zgm/')}",
    )
    assert (window.status, window.evidence) == (
        Status.PASS,
        f"图片链接（目标页「行政复议_示例市商务局」） → {url('xzfy/')}",
    )


# -- GK104 行政复议 on the web: the window, the column and the form; the 指南 is a sign at the office --


def test_gk104_wuhan_requires_no_xingzheng_fuyi_guide_on_the_web():
    xzfy = page(
        '<h2>行政复议</h2><ul><li><a href="/xzfy/files/sqs.docx">行政复议申请书</a></li></ul>', column="行政复议"
    )
    site = build_site(
        {"": page('<a href="/xzfy/index.html">行政复议</a>'), "xzfy/index.html": xzfy},
        {"xzfy/files/sqs.docx": (200, None)},
    )
    assert outcomes(check("GK104", site, WUHAN)) == [("GK104", "pass", "行政复议：行政复议申请书")]
    [req] = [r for r in WUHAN.requirements if r.name == "行政复议"]
    assert ([p.name for p in req.contains], req.linked_from_homepage) == (["行政复议申请书"], True)
    assert not any("指南" in p.name for r in WUHAN.requirements if "复议" in r.name for p in r.contains)


@pytest.mark.parametrize("suffix", [".doc", ".docx", ".pdf", ".wps"])
def test_gk104_the_form_is_an_attachment_of_any_office_kind(suffix):
    xzfy = page(f'<h2>行政复议</h2><a href="/xzfy/sqs{suffix}">行政复议申请书</a>', column="行政复议")
    site = build_site(
        {"": page('<a href="/xzfy/index.html">行政复议</a>'), "xzfy/index.html": xzfy},
        {f"xzfy/sqs{suffix}": (200, None)},
    )
    assert outcomes(check("GK104", site, WUHAN)) == [("GK104", "pass", "行政复议：行政复议申请书")]


def test_xingzheng_fuyi_duties_window_column_and_form():
    """The three web duties, each its own rule: no window on the home page (GK105), no column (GK101), no form (GK104)."""
    hub = page('<a href="/xzfy/index.html">行政复议</a>', column="政务公开")
    xzfy = page("<h2>行政复议</h2><p>申请人可以来信申请。</p>", column="行政复议")
    site = build_site(
        {"": page('<a href="/zwgk/index.html">政务公开</a>'), "zwgk/index.html": hub, "xzfy/index.html": xzfy}
    )
    assert ("GK105", "fail", "行政复议") in outcomes(check("GK105", site, WUHAN))
    assert ("GK101", "pass", "行政复议") in outcomes(check("GK101", site, WUHAN))
    assert outcomes(check("GK104", site, WUHAN)) == [("GK104", "fail", "行政复议：行政复议申请书")]
