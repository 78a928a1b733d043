"""1xx: required content — the columns, entries and banners a portal must carry."""

from __future__ import annotations

from collections.abc import Iterator

from core.model import NAVIGABLE_TAGS, Page, Region, Verdict
from core.urls import host_of, under_domain

from .context import Context
from .finding import Finding, Status
from .matching import Aliases, Match, Via, find_on_page
from .options import Part, Requirement

POSITION_MIN_LINKS = 20
"""Home pages with fewer links than this are too small to say whether a banner is pinned."""


def _searched(req: Requirement, pages: int) -> str:
    return f"在 {pages} 个页面中未找到：{'、'.join(req.match)}"


def required_column_missing(ctx: Context) -> Iterator[Finding]:
    """必备栏目或入口缺失：配置中要求的栏目（政务公开、权力清单、通知公告……）在网站上找不到。

    ## 检查内容
    在所有抓取到的页面的链接文字、图片说明、页面标题、栏目标识（ColumnName）中查找要求的栏目名称及其
    别名（如「权责清单」可代替「权力清单」）。入口常是没有文字、也没有 alt 的图片链接，这时按链接所到页面
    的名称认定：页面标题，标题为全站通用标题时取页面「当前位置」的最后一级，再取其栏目标识；证据写作
    「图片链接（目标页「…」）」。图片的文件名（如 gkzn.png）不算文字。标题为「关于……的通知」等公文的链接
    是关于该栏目的消息，不是入口。首页横幅类要求由 GK102 单独检查。

    ## 依据
    《政府网站发展指引》（国办发〔2017〕47号）栏目设置要求；本单位的公开职责清单（配置文件 requirements）。

    ## 如何整改
    在首页导航或政务公开专栏中增设该栏目，栏目名称使用规范名称，并确保入口链接可以打开。
    """
    pages = len(ctx.site.html_pages)
    for req in ctx.options.requirements:
        if req.on_homepage:
            continue
        found = ctx.found(req.match)
        if found:
            first = found[0]
            yield Finding(
                "GK101",
                Status.PASS,
                req.name,
                url=first.page,
                evidence=first.evidence(),
                message=f"已找到「{req.name}」",
                severity=req.severity,
            )
        else:
            yield Finding(
                "GK101",
                Status.FAIL,
                req.name,
                url=ctx.site.start_url,
                evidence=_searched(req, pages),
                message=f"未找到「{req.name}」栏目或入口",
                deduction=req.deduction,
                severity=req.severity,
            )


def homepage_banner_missing(ctx: Context) -> Iterator[Finding]:
    """首页专栏横幅缺失：要求置顶在首页的专题横幅（如「中国梦」）首页上看不到。

    ## 检查内容
    在首页（入口页跳转后的实际首页）的链接文字、图片的 alt / title 属性和页面文字中查找横幅名称。
    横幅多为图片，文字往往只在 alt 或 title 中，因此两者都会查找；图片既无 alt 也无 title 时，按链接所到
    页面的标题（或当前位置、栏目标识）认定，同 GK101。要求置顶（pinned: true）的横幅，
    按首页链接的先后估算位置，排在全部链接的前 40%（rules.GK102.top_share）以外时给出警告。

    ## 依据
    本单位的专题专栏设置要求（配置文件中 on_homepage: true 的要求）。

    ## 如何整改
    在首页显著位置放置该专题横幅，并为横幅图片填写与专题名称一致的 alt 文字。
    """
    landing = ctx.site.landing
    for req in ctx.options.requirements:
        if not req.on_homepage:
            continue
        aliases = Aliases(req.match)
        found = find_on_page(landing, aliases, in_text=True, names=ctx.names) if landing is not None else []
        if landing is not None and found:
            position = _position(landing, found[0]) if req.pinned else None
            if position is not None and position > ctx.option("GK102", "top_share"):
                yield Finding(
                    "GK102",
                    Status.WARN,
                    req.name,
                    url=landing.url,
                    evidence=f"{found[0].evidence()}，位于首页约 {position:.0%} 处，未置顶",
                    message=f"「{req.name}」横幅未放在首页上部",
                    severity=req.severity,
                )
            else:
                yield Finding(
                    "GK102",
                    Status.PASS,
                    req.name,
                    url=landing.url,
                    evidence=found[0].evidence(),
                    message=f"首页有「{req.name}」横幅",
                    severity=req.severity,
                )
            continue
        elsewhere = ctx.found(req.match)
        evidence = (
            f"首页未找到；其他页面有：{elsewhere[0].evidence()}（{elsewhere[0].page}）"
            if elsewhere
            else f"首页未找到：{'、'.join(req.match)}"
        )
        yield Finding(
            "GK102",
            Status.FAIL,
            req.name,
            url=ctx.site.landing_url,
            evidence=evidence,
            message=f"首页缺少「{req.name}」横幅",
            deduction=req.deduction,
            severity=req.severity,
        )


def window_not_on_homepage(ctx: Context) -> Iterator[Finding]:
    """首页缺少办事窗口入口：要求在首页直接提供入口的窗口（如行政复议）首页上没有链接。

    ## 检查内容
    对配置了 linked_from_homepage 的要求，在首页（入口页跳转后的实际首页）的链接文字、链接 title 和
    图片说明中查找其名称，没有文字的图片链接按其所到页面的名称认定（同 GK101）；只在其他页面能找到时给出
    所在页面。入口在全站都找不到时由 GK101 报告，本项不重复扣分。

    ## 依据
    本单位的公开职责：行政复议等办事窗口应在首页提供入口，方便群众查找。

    ## 如何整改
    在首页的便民服务或快捷入口区域增加该窗口的链接。
    """
    landing = ctx.site.landing
    for req in ctx.options.requirements:
        if not req.linked_from_homepage:
            continue
        aliases = Aliases(req.match)
        on_home = (
            [m for m in find_on_page(landing, aliases, names=ctx.names) if m.via in (Via.LINK, Via.IMAGE)]
            if landing
            else []
        )
        if landing is not None and on_home:
            yield Finding(
                "GK105",
                Status.PASS,
                req.name,
                url=landing.url,
                evidence=on_home[0].evidence(),
                message=f"首页有「{req.name}」入口",
                severity=req.severity,
            )
            continue
        elsewhere = [m for m in ctx.found(req.match) if m.via is Via.LINK]
        if not elsewhere:
            continue
        yield Finding(
            "GK105",
            Status.FAIL,
            req.name,
            url=ctx.site.landing_url,
            evidence=f"首页没有入口；其他页面有：{elsewhere[0].evidence()}（{elsewhere[0].page}）",
            message=f"首页缺少「{req.name}」入口",
            deduction=req.deduction,
            severity=req.severity,
        )


def _position(page: Page, match: Match) -> float | None:
    """How far down the page a link-borne match sits, as a share of the page's links (0 = first)."""
    if match.via not in (Via.LINK, Via.IMAGE) or len(page.links) < POSITION_MIN_LINKS:
        return None  # on a page this small every link is near the top
    for i, link in enumerate(page.links):
        if link.url == match.target:
            return i / (len(page.links) - 1)
    return None


def _on_city_portal(url: str, hosts: tuple[str, ...]) -> bool:
    return under_domain(host_of(url), hosts)


def list_not_linked_to_city_portal(ctx: Context) -> Iterator[Finding]:
    """清单未链接到市政府门户：权力清单、程序清单、责任清单没有链接到市政府门户网站上的统一发布页。

    ## 检查内容
    对配置了 links_to_city_portal 的要求（如权力清单），其入口链接本身指向市政府门户（配置 city_portal
    中的域名），或入口所到的本站页面上有指向市政府门户的链接，即为通过。入口缺失时由 GK101 报告，本项不重复扣分。

    ## 依据
    权责清单由市政府统一公布，部门网站应链接到市政府门户的清单发布页面，不另行维护副本。

    ## 如何整改
    将清单入口链接改为市政府门户网站上本部门清单的地址，或在本站清单页面中提供该链接。
    """
    hosts = ctx.options.city_portal
    for req in ctx.options.requirements:
        if not req.links_to_city_portal:
            continue
        found = [m for m in ctx.found(req.match) if m.via is Via.LINK]
        if not found:
            continue
        hit = _city_link(ctx, found, hosts)
        if hit:
            yield Finding(
                "GK103",
                Status.PASS,
                req.name,
                url=hit[0],
                evidence=f"链接到市政府门户：{hit[1]}",
                message=f"「{req.name}」链接到市政府门户",
                severity=req.severity,
            )
        else:
            first = found[0]
            yield Finding(
                "GK103",
                Status.FAIL,
                req.name,
                url=first.target or first.page,
                evidence=f"{first.evidence()}；该入口及其页面上均无指向 {'、'.join(hosts)} 的链接",
                message=f"「{req.name}」未链接到市政府门户",
                deduction=req.deduction,
                severity=req.severity,
            )


def _city_link(ctx: Context, found: list[Match], hosts: tuple[str, ...]) -> tuple[str, str] | None:
    for match in found:
        if _on_city_portal(match.target, hosts):
            return match.page, match.target
        page = ctx.site.page(match.target)
        if page is not None and page.is_html:
            for link in page.links:
                # The site-wide footer's link to the city portal's home is not the list's link.
                if link.tag in NAVIGABLE_TAGS and link.region is Region.MAIN and _on_city_portal(link.url, hosts):
                    return page.url, link.url
    return None


def required_part_missing(ctx: Context) -> Iterator[Finding]:
    """栏目内容要素缺失：栏目页面缺少规定的组成部分，如行政复议缺少可下载的申请书。

    ## 检查内容
    对配置了 contains 的要求（如行政复议、依申请公开），在其入口所到的页面上查找每个组成部分：
    可下载的申请表、受理机构、办理程序等。要求下载的部分必须是能打开的附件链接（doc、docx、pdf、wps 等）；
    链接失效时本项不通过，失效链接本身另由 GK301/GK302 计入；附件链接被拒绝访问或超时时为「待核实」，
    不扣分。入口缺失时由 GK101 报告。

    行政复议在网站上的职责是三项：首页的行政复议窗口（GK105）、行政复议栏目（GK101）和栏目中可下载的
    行政复议申请书（本项）。行政复议指南张贴在办公场所入口，不要求在网站上提供，本项不查找。

    ## 依据
    《中华人民共和国行政复议法》及本单位公开职责（配置文件 requirements 的 contains）；《政府信息公开条例》
    第二十八条（依申请公开渠道）。

    ## 如何整改
    在该栏目页面上补充缺少的内容；申请表应以附件形式提供并确保可以下载。
    """
    for req in ctx.options.requirements:
        if not req.contains:
            continue
        pages = _requirement_pages(ctx, req)
        if not pages:
            continue
        for part in req.contains:
            yield _part_finding(ctx, req, part, pages)


def _requirement_pages(ctx: Context, req: Requirement) -> list[str]:
    """The in-site pages a requirement's entries lead to (or the pages named by it)."""
    urls: list[str] = []
    for match in ctx.found(req.match):
        url = match.target if match.via is Via.LINK else match.page if match.via is not Via.IMAGE else ""
        page = ctx.site.page(url) if url else None
        if page is not None and page.is_html and page.url not in urls and page is not ctx.site.landing:
            urls.append(page.url)
    return urls


def _part_finding(ctx: Context, req: Requirement, part: Part, pages: list[str]) -> Finding:
    subject = f"{req.name}：{part.name}"
    aliases = Aliases(part.match)
    seen_broken = seen_unverified = None
    for url in pages:
        page = ctx.site.page(url)
        assert page is not None  # _requirement_pages lists crawled pages only
        for match in find_on_page(page, aliases, in_text=part.in_text):
            if not part.download:
                return Finding(
                    "GK104",
                    Status.PASS,
                    subject,
                    url=page.url,
                    evidence=match.evidence(),
                    message=f"「{req.name}」有{part.name}",
                    severity=req.severity,
                )
            if match.via is Via.LINK and ctx.site.is_attachment(match.target):
                verdict = ctx.verdict(match.target)
                if verdict is Verdict.OK:
                    return Finding(
                        "GK104",
                        Status.PASS,
                        subject,
                        url=page.url,
                        evidence=match.evidence(),
                        message=f"「{req.name}」提供{part.name}下载",
                        severity=req.severity,
                    )
                if verdict is Verdict.BROKEN:
                    seen_broken = seen_broken or (page.url, match)
                else:
                    seen_unverified = seen_unverified or (page.url, match)
    if seen_broken:
        url, match = seen_broken
        why = ctx.describe(match.target)
        return Finding(
            "GK104",
            Status.FAIL,
            subject,
            url=url,
            evidence=f"{match.evidence()} 无法下载{why}",
            message=f"「{req.name}」的{part.name}无法下载",
            deduction=req.deduction,
            severity=req.severity,
        )
    if seen_unverified:
        url, match = seen_unverified
        return Finding(
            "GK104",
            Status.UNVERIFIED,
            subject,
            url=url,
            evidence=f"{match.evidence()} 未能确认可以下载（服务器未给出明确结果）",
            message=f"「{req.name}」的{part.name}待核实",
            severity=req.severity,
        )
    kind = "可下载的" if part.download else ""
    return Finding(
        "GK104",
        Status.FAIL,
        subject,
        url=pages[0],
        evidence=f"在 {'、'.join(pages[:3])} 中未找到{kind}{'、'.join(part.match)}",
        message=f"「{req.name}」缺少{part.name}",
        deduction=req.deduction,
        severity=req.severity,
    )
