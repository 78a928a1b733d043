"""5xx: site identity — the marks every government site carries on its home page: 网站标识码, 党政机关网站标识,
ICP and 公安 record numbers, the sponsor and how to reach it, and a site search.

All six rules judge the landing page (the home page after an entry redirect); for GK506 a search box only on
inner pages also counts. Portals write the numbers in full- or half-width forms (`网站标识码：`, `京ICP备…号－1`);
`\\d` and the colon and dash classes below take both, so the text is never normalised and evidence quotes the
page as it is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from urllib.parse import parse_qs, urlsplit

from core.model import JIUCUO_SITECODE, NAVIGABLE_TAGS, TEXT_LIMIT, Link, LinkTag, Page
from core.urls import under_domain

from .context import Context
from .finding import Finding, Status
from .matching import link_label

_COLON = r"\s*[:：]?\s*"
_SITE_ID = re.compile(rf"(?:政府)?网站标识码{_COLON}((?i:bm)\d{{8}}|\d{{10}})(?!\d)")
_SITE_ID_LABEL = re.compile(rf"(?:政府)?网站标识码{_COLON}\S{{0,12}}")
_ICP = re.compile(r"[\u4e00-\u9fff]ICP备\s*\d{5,11}\s*号(?:\s*[-－—–]\s*\d{1,3})?")
_POLICE = re.compile(rf"(?:[\u4e00-\u9fff]?公网安备|公安(?:机关)?备案(?:编号|号)?){_COLON}(\d{{6,18}})(?:\s*号)?")
POLICE_DIGITS = 14
"""Digits of a 公安 record number issued by the national platform (older local numbers have 12)."""
FORM_TEXT_SHOWN = 30
"""Characters of a search form's words quoted in the evidence."""
_SPONSOR = re.compile(r"主办(?:(?:单位|机关|方)\s*[:：]?|\s*[:：])\s*([^\s:：|｜©,，;；]{2,60})")
_SPONSOR_LABEL = re.compile(r"主办(?:单位|机关|方)?\s*[:：]")
# A sponsor's name written without a space before the next label ("示例市商务局地址：…") ends there.
_NEXT_LABEL = re.compile(
    r"(?:通讯|联系)?地址|(?:联系|咨询|值班)?电话|邮编|邮箱|传真|承办|协办|运行维护|运维|技术支持"
    r"|版权所有|(?:政府)?网站标识码|[\u4e00-\u9fff]ICP备|[\u4e00-\u9fff]公网安备"
)
_CONTACT = re.compile(
    r"(?:通讯地址|联系地址|地址|联系电话|咨询电话|客服电话|值班电话|电话|服务热线|热线|传真|电子邮箱|电子信箱|邮箱|邮编"
    r"|(?<![A-Za-z])(?:e-?mail|tel))\s*[:：]\s*[^\s:：]{3,40}"
    r"|(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
    r"|[(（]0\d{2,3}[)）]\s*\d{7,8}(?!\d)"
    r"|(?<!\d)0\d{2,3}-\d{7,8}(?!\d)",
    re.I,
)
_CONTACT_LINK = re.compile(r"联系我们|联系方式")
_COPYRIGHTS = (re.compile(r"版权所有\s*[:：]\s*[^\s:：]{2,40}"), re.compile(r"[^\s:：©]{2,40}\s*版权所有"))
_SEARCH_FIELD = re.compile(r"search|sousuo|jiansuo|^(?:q|kw|wd|key|keys|query|sword|keyword|keywords)$", re.I)
_SEARCH_ACTION = re.compile(r"search|sousuo|jiansuo|qwjs|/was5?/", re.I)
_SEARCH_WORDS = re.compile(r"搜\s*索|检\s*索|关键[词字]")
_SEARCH_LINK_WORDS = re.compile(r"搜\s*索|检\s*索")
"""A link is a search entry by its words only: a URL with "search" in it also leads to 找错 widgets."""

Verdict = tuple[Status, str, str]
"""What a rule concluded about the landing page: status, message, evidence."""


def _code(value: str) -> str:
    """An identity code as compared: half-width, lower case (`BM01000001` is `bm01000001`)."""
    return unicodedata.normalize("NFKC", value).strip().lower()


def _quote(m: re.Match[str]) -> str:
    return f"「{' '.join(m.group(0).split())}」"


def _find(pattern: re.Pattern[str], page: Page) -> re.Match[str] | None:
    """The first match in the page's text, else in its link texts (the footer may lie past the kept text)."""
    return pattern.search(page.text) or pattern.search(
        " ".join(link.text for link in page.links if link.tag in NAVIGABLE_TAGS and link.text)
    )


def _absent(page: Page, message: str, evidence: str) -> Verdict:
    """FAIL for something not on the page; WARN when the page's text was cut before its footer."""
    if page.text_length >= TEXT_LIMIT:
        return (
            Status.WARN,
            message + "（待核实）",
            evidence + f"；页面文字超过 {TEXT_LIMIT} 字，只记录了前 {TEXT_LIMIT} 字，页脚可能未被读到",
        )
    return Status.FAIL, message, evidence


def _linked(page: Page, *domains: str) -> Link | None:
    return next(
        (link for link in page.links if link.tag in (LinkTag.A, LinkTag.AREA) and under_domain(link.host, domains)),
        None,
    )


def _on_landing(ctx: Context, code: str, subject: str, judge: Callable[[Context, Page], Verdict]) -> Iterator[Finding]:
    """The one finding of a 5xx rule, judged on the landing page."""
    page = ctx.site.landing
    if page is None or not page.ok or not page.is_html:
        return  # the start page did not load: the crawl-health rules say so
    if page.is_entry_stub:
        yield Finding(
            code,
            Status.UNVERIFIED,
            subject,
            url=page.url,
            message="首页未能检查",
            evidence="入口页只有跳转脚本，跳转后的首页未抓取到",
        )
        return
    status, message, evidence = judge(ctx, page)
    deduction = ctx.option(code, "deduction") if status is Status.FAIL else 0.0
    yield Finding(code, status, subject, message=message, url=page.url, evidence=evidence, deduction=deduction)


# -- GK501 ------------------------------------------------------------------------------------------


def site_id_code_missing(ctx: Context) -> Iterator[Finding]:
    """网站标识码缺失或不一致：首页没有显示网站标识码，或显示的标识码与 SiteIDCode 元数据、找错组件不一致。

    ## 检查内容
    在首页（入口页跳转后的实际首页）文字中查找「网站标识码」或「政府网站标识码」加 10 位数字或 bm 加 8 位
    数字（冒号可有可无，全角半角均可）。页面有 `<meta name="SiteIDCode">` 或「我要找错」组件
    （`<script id="_jiucuo_" sitecode="…">`）时，二者都必须与显示的标识码相同，不同即不通过并列出两个值；
    只在元数据或组件中有标识码、页面上不显示的，同样不通过。SiteIDCode 元数据为空时提示核实。
    标识码是否为本网站在全国政府网站信息报送系统中的真实编码，需人工核对。

    ## 依据
    《政府网站发展指引》（国办发〔2017〕47号）：网站开通前须申请政府网站标识码，并在网站页面底部
    功能区列明；网页元数据中的 SiteIDCode 应填写同一标识码。

    ## 如何整改
    在网站页面底部（全站统一的页脚）显示「网站标识码：」及本网站的标识码；网页元数据 SiteIDCode 与
    「我要找错」组件的 sitecode 填写同一个标识码。
    """
    yield from _on_landing(ctx, "GK501", "网站标识码", _site_id_code)


def _site_id_code(ctx: Context, page: Page) -> Verdict:
    meta = page.meta.get("siteidcode")
    carried = [
        (where, value)
        for where, value in (("SiteIDCode 元数据", meta), ("找错组件 sitecode", page.meta.get(JIUCUO_SITECODE)))
        if value
    ]
    shown = _find(_SITE_ID, page)
    if shown is None:
        label = _find(_SITE_ID_LABEL, page)
        looked = (
            f"页面有{_quote(label)}，但其后不是 10 位数字或 bm 加 8 位数字"
            if label
            else "页面上未找到「网站标识码」加 10 位数字或 bm 加 8 位数字"
        )
        evidence = "；".join([looked, *(f"{where}：{value}" for where, value in carried)])
        if carried:  # the site has a code; the page does not show it
            return Status.FAIL, "页面未显示网站标识码", evidence
        return _absent(page, "页面未显示网站标识码", evidence)
    code = _code(shown.group(1))
    differ = [f"{where}：{value}" for where, value in carried if _code(value) != code]
    if differ:
        return Status.FAIL, "网站标识码前后不一致", f"页面显示{_quote(shown)}；" + "；".join(differ)
    if meta == "":
        return (
            Status.WARN,
            "SiteIDCode 元数据为空",
            f'页面显示{_quote(shown)}；<meta name="SiteIDCode"> 的 content 为空',
        )
    agree = "、".join(where for where, _ in carried)
    evidence = f"页面显示{_quote(shown)}" + (f"；{agree} 与之一致" if agree else "")
    return Status.PASS, f"有网站标识码 {shown.group(1)}", evidence


# -- GK502 ------------------------------------------------------------------------------------------


def conac_badge_missing(ctx: Context) -> Iterator[Finding]:
    """党政机关网站标识缺失：首页没有党政机关网站标识（红色「党政机关」标识及其核验链接）。

    ## 检查内容
    在首页（入口页跳转后的实际首页）查找指向 `bszs.conac.cn/sitename?method=show&id=…` 的链接（通常是红色
    标识图片），或来自 `dcs.conac.cn/js/…` 的标识脚本，二者有其一即通过，并说明是哪一种。只链接到
    conac.cn 其他页面的，提示核实。由页面内脚本用 `document.write(unescape(…))` 写出的标识脚本，当前抓取
    记录中看不到，这类页面可能被误判为缺失，需人工确认。

    ## 依据
    《政府网站发展指引》（国办发〔2017〕47号）：网站开通前须向机构编制部门申请党政机关网站标识，并在
    网站页面底部功能区显示。

    ## 如何整改
    按机构编制部门颁发的代码，在全站页脚放置党政机关网站标识（标识图片链接到
    bszs.conac.cn 的核验页面，或引用 dcs.conac.cn 提供的标识脚本）。
    """
    yield from _on_landing(ctx, "GK502", "党政机关网站标识", _conac_badge)


def _conac_badge(ctx: Context, page: Page) -> Verdict:
    for link in page.links:
        if link.tag in (LinkTag.A, LinkTag.AREA) and under_domain(link.host, ("bszs.conac.cn",)):
            parts = urlsplit(link.url)
            query = parse_qs(parts.query)
            if "sitename" in parts.path and query.get("method") == ["show"] and query.get("id", [""])[0]:
                badge = f"「{link.text}」" if link.text else "（标识图片）"
                return Status.PASS, "有党政机关网站标识（静态链接）", f"链接{badge} → {link.url}"
    for link in page.links:
        if (
            link.tag is LinkTag.SCRIPT
            and under_domain(link.host, ("dcs.conac.cn",))
            and urlsplit(link.url).path.startswith("/js/")
        ):
            return Status.PASS, "有党政机关网站标识（标识脚本）", f"标识脚本 → {link.url}"
    other = _linked(page, "conac.cn")
    if other is not None:
        return (
            Status.WARN,
            "党政机关网站标识待核实",
            f"有指向 conac.cn 的链接 → {other.url}，但不是 bszs.conac.cn/sitename?method=show&id=… 核验页",
        )
    return (
        Status.FAIL,
        "首页没有党政机关网站标识",
        "未找到指向 bszs.conac.cn/sitename?method=show&id=… 的链接，也未找到来自 dcs.conac.cn/js/ 的标识脚本",
    )


# -- GK503 ------------------------------------------------------------------------------------------


def icp_number_missing(ctx: Context) -> Iterator[Finding]:
    """ICP备案编号缺失：首页没有显示ICP备案编号，或编号未链接到工业和信息化部备案系统。

    ## 检查内容
    在首页（入口页跳转后的实际首页）文字中查找「X ICP备 数字 号」形式的备案编号，可带「-1」等网站序号
    （半角、全角连字符均可）。有编号但页面没有链接到 beian.miit.gov.cn 的，提示整改（警告，不扣分）。
    编号是否与备案系统登记一致，需人工核对。

    ## 依据
    《政府网站发展指引》（国办发〔2017〕47号）：网站开通前须办理 ICP 备案，并在网站页面底部功能区列明
    ICP 备案编号。

    ## 如何整改
    在全站页脚显示 ICP 备案编号，并将编号链接到 https://beian.miit.gov.cn/。
    """
    yield from _on_landing(ctx, "GK503", "ICP备案编号", _icp_number)


def _icp_number(ctx: Context, page: Page) -> Verdict:
    found = _find(_ICP, page)
    if found is None:
        return _absent(page, "页面未显示ICP备案编号", "页面上未找到「X ICP备…号」形式的备案编号")
    link = _linked(page, "beian.miit.gov.cn", "miitbeian.gov.cn")
    if link is None:
        return Status.WARN, "ICP备案编号未链接到备案系统", f"页面显示{_quote(found)}，但没有链接到 beian.miit.gov.cn"
    return Status.PASS, "有ICP备案编号", f"页面显示{_quote(found)}，链接 → {link.url}"


# -- GK504 ------------------------------------------------------------------------------------------


def police_record_missing(ctx: Context) -> Iterator[Finding]:
    """公安机关备案编号缺失：首页没有显示公安机关备案编号（公网安备），或编号未链接到备案平台。

    ## 检查内容
    在首页（入口页跳转后的实际首页）文字中查找「X公网安备 14 位数字号」（或「公安机关备案号」）。
    有编号但没有链接到 beian.gov.cn（带 recordcode= 参数）的、链接中的 recordcode 与显示的编号不同的、
    编号不是 14 位（旧版编号）的，提示整改（警告，不扣分）。编号是否真实有效，需人工核对。

    ## 依据
    《政府网站发展指引》（国办发〔2017〕47号）：网站开通前须办理公安机关备案，并在网站页面底部功能区
    列明公安机关备案标识。

    ## 如何整改
    在全站页脚显示公安机关备案编号及标识图标，链接到
    http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=（备案编号）；旧版编号应按现行备案换发的
    14 位编号更新。
    """
    yield from _on_landing(ctx, "GK504", "公安机关备案编号", _police_record)


def _police_record(ctx: Context, page: Page) -> Verdict:
    found = _find(_POLICE, page)
    if found is None:
        return _absent(page, "页面未显示公安机关备案编号", "页面上未找到「X公网安备…号」形式的备案编号")
    number = _code(found.group(1))
    records = [
        (codes[0], link)
        for link in page.links
        if link.tag in (LinkTag.A, LinkTag.AREA)
        and under_domain(link.host, ("beian.gov.cn",))
        and (codes := parse_qs(urlsplit(link.url).query).get("recordcode"))
    ]
    code, link = next((r for r in records if r[0] == number), records[0] if records else ("", None))
    shown = f"页面显示{_quote(found)}"
    if len(number) != POLICE_DIGITS:
        linked = f"，链接 → {link.url}" if link else "，且没有链接到 beian.gov.cn"
        return (
            Status.WARN,
            "公安机关备案编号不是现行 14 位编号",
            f"{shown}，编号 {number} 为 {len(number)} 位{linked}",
        )
    if link is None:
        return (Status.WARN, "公安机关备案编号未链接到备案平台", f"{shown}，但没有链接到 beian.gov.cn（recordcode=…）")
    if code != number:
        return (Status.WARN, "公安机关备案链接与显示的编号不一致", f"{shown}，链接的 recordcode 为 {code} → {link.url}")
    return Status.PASS, "有公安机关备案编号", f"{shown}，链接 → {link.url}"


# -- GK505 ------------------------------------------------------------------------------------------


def sponsor_contact_missing(ctx: Context) -> Iterator[Finding]:
    """主办单位或联系方式缺失：首页没有标明网站的主办单位，或没有主办单位的联系方式。

    ## 检查内容
    在首页（入口页跳转后的实际首页）文字中查找「主办单位：」（或「主办：」「主办方：」）及单位名称，以及
    联系方式：带区号的电话号码，或「地址：」「联系电话：」「电子邮箱：」等及其内容，或电子邮件地址。
    首页只有「联系我们」链接时，查看该链接所到的本站页面：页面上有联系方式即通过；页面未抓取到或没有
    联系方式的，提示核实。「版权所有」不能代替主办单位。

    ## 依据
    《政府网站发展指引》（国办发〔2017〕47号）：网站页面底部功能区应列明网站主办单位及联系方式。

    ## 如何整改
    在全站页脚写明「主办单位：（单位全称）」及地址、联系电话或电子邮箱，或在页脚提供指向联系方式页面的
    「联系我们」链接。
    """
    yield from _on_landing(ctx, "GK505", "主办单位及联系方式", _sponsor_contact)


def _sponsor_contact(ctx: Context, page: Page) -> Verdict:
    sponsor = _find(_SPONSOR, page)
    name = _NEXT_LABEL.split(sponsor.group(1), maxsplit=1)[0] if sponsor else ""
    contact = _find(_CONTACT, page)
    if len(name) < 2:
        label = _find(_SPONSOR_LABEL, page)
        copyright_ = next((m for m in (_find(p, page) for p in _COPYRIGHTS) if m), None)
        seen = [f"有{_quote(label)}但其后没有单位名称" if label else "页面上未找到「主办单位：」"]
        seen += [f"仅有{_quote(copyright_)}"] if copyright_ else []
        seen += [f"联系方式{_quote(contact)}"] if contact else []
        return _absent(page, "页面未标明主办单位", "；".join(seen))
    found = f"主办单位「{name}」"
    if contact is not None:
        return Status.PASS, "有主办单位及联系方式", f"{found}；联系方式{_quote(contact)}"
    entry = next(
        (link for link in page.links if link.tag in NAVIGABLE_TAGS and _CONTACT_LINK.search(link.text or link.title)),
        None,
    )
    if entry is None:
        return _absent(
            page, "页面没有主办单位的联系方式", f"{found}；未找到电话、地址、电子邮箱，也没有「联系我们」链接"
        )
    target = ctx.site.page(entry.url)
    on_target = _CONTACT.search(target.text) if target is not None and target.is_html else None
    if on_target is not None:
        return (
            Status.PASS,
            "有主办单位及联系方式",
            f"{found}；「{entry.text}」→ {entry.url}，页面上有联系方式{_quote(on_target)}",
        )
    why = "该页面上未找到电话、地址或电子邮箱" if target is not None and target.is_html else "该页面未抓取到"
    return (Status.WARN, "联系方式待核实", f"{found}；首页只有「{entry.text or entry.title}」链接 → {entry.url}，{why}")


# -- GK506 ------------------------------------------------------------------------------------------


def site_search_missing(ctx: Context) -> Iterator[Finding]:
    """站内搜索缺失：首页没有站内搜索框或搜索入口。

    ## 检查内容
    在首页（入口页跳转后的实际首页）查找搜索表单：输入框名称（search、searchword、keyword、q 等）、
    提交地址（search、sousuo 等）或表单文字（搜索、检索、关键词）表明是搜索的表单；没有表单时，查找文字为
    「搜索」「检索」（如「站内搜索」「全文检索」）的链接，没有文字的图片链接按其所到页面的标题认定。
    只凭网址认定的链接不算：指向 …/search/jiucuo.html 的「我要找错」图片、路径或域名含 search 而文字不是
    搜索的链接，都不是站内搜索。

    首页没有、只有其他页面（内页）有搜索表单时，本项仍不通过，证据写明内页的搜索表单：访问者从首页找不到
    站内搜索（《政府网站发展指引》要求在首页显著位置提供），整改只需把内页页头的搜索框放到首页。
    不在 `<form>` 中、只靠脚本提交的搜索框，抓取记录中看不到，只能通过文字为「搜索」的链接识别。

    ## 依据
    《政府网站发展指引》（国办发〔2017〕47号）：政府网站应在首页显著位置提供站内搜索，方便公众查找信息；
    《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）检查网站的搜索功能。

    ## 如何整改
    在全站页头（含首页）放置站内搜索框（可接入集约化平台的统一搜索），确保可以检索本站发布的信息。
    """
    yield from _on_landing(ctx, "GK506", "站内搜索", _site_search)


def _search_form(page: Page) -> str:
    """Why one of the page's forms is a search box ("搜索表单：字段 q，…"), or ""."""
    for form in page.forms:
        why = (
            [f"字段 {name}" for name in form.fields if _SEARCH_FIELD.search(name)][:1]
            + ([f"提交到 {form.action}"] if _SEARCH_ACTION.search(form.action) else [])
            + ([f"文字「{form.text[:FORM_TEXT_SHOWN]}」"] if _SEARCH_WORDS.search(form.text) else [])
        )
        if why:
            return "搜索表单：" + "，".join(why)
    return ""


def _site_search(ctx: Context, page: Page) -> Verdict:
    form = _search_form(page)
    if form:
        return Status.PASS, "有站内搜索框", form
    site = ctx.site
    names = ctx.names
    for link in page.links:
        if link.tag not in NAVIGABLE_TAGS:
            continue
        how, words = names.link_words(link)
        if _SEARCH_LINK_WORDS.search(words):
            return Status.PASS, "有搜索入口", f"搜索页{link_label(how, words)}→ {link.url}"
    inner = [p for p in site.html_pages if p is not page and p is not site.home and p.ok]
    for other in inner:
        form = _search_form(other)
        if form:
            return (
                Status.FAIL,
                "首页没有站内搜索（内页有）",
                f"首页没有搜索框或搜索入口；内页 {other.url} 有{form}，应同样放在首页",
            )
    also = f"；其他 {len(inner)} 个页面也没有搜索表单" if inner else ""
    return (
        Status.FAIL,
        "网站没有站内搜索",
        "首页未找到搜索表单（字段、提交地址或文字含 search、搜索、检索、关键词等），也未找到文字为「搜索」"
        f"「检索」的链接{also}",
    )


def certificate_invalid(ctx: Context) -> Iterator[Finding]:
    """HTTPS 证书无效：网站证书已过期、自签名、证书链不完整或与域名不符，浏览器会提示不安全。

    ## 检查内容
    以 https 开头的首页，按浏览器的方式校验网站证书：有效期、颁发机构是否受信任、证书链是否完整、是否与域名
    相符。http 网站不检查本项。

    ## 依据
    《政府网站发展指引》要求网站安全可靠；证书无效时浏览器拦截访问或提示风险，检查中按网站安全问题记录。
    本项默认不扣分（可由 rules.GK507.deduction 设置）。

    ## 如何整改
    向证书颁发机构续期或重新申请证书，部署完整的证书链，确保证书包含网站的域名；不要使用自签名证书。
    """
    note = ctx.site.crawl.certificate
    if note is None:
        return
    until = f"，有效期至 {note.expires}" if note.expires else ""
    if note.valid:
        yield Finding(
            "GK507",
            Status.PASS,
            "HTTPS 证书",
            url=ctx.site.start_url,
            evidence=f"{note.host} 的证书有效{until}",
            message="证书有效",
        )
    else:
        yield Finding(
            "GK507",
            Status.FAIL,
            "HTTPS 证书",
            url=ctx.site.start_url,
            evidence=f"{note.host}：{note.problem}{until}",
            message="证书无效",
            deduction=ctx.option("GK507", "deduction"),
        )
