"""3xx: links — every link target on the crawled pages answers."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import unquote, urlsplit

from core.model import ANCHORS, LinkCheck, Verdict

from .answers import Answer
from .context import Context
from .finding import Finding, Status, pages_named


def _describe(check: LinkCheck, answer: Answer) -> str:
    status = f"HTTP {check.status}" if check.status else "无响应"
    return f"{status}：{answer.reason}" if answer.reason else status


def broken_link_on_homepage(ctx: Context) -> Iterator[Finding]:
    """首页链接不可用：首页上的链接（含图片、附件、外部链接）打不开。

    ## 检查内容
    首页（含入口页）上的每个链接目标都被请求一次：404/410 等客户端错误、持续的服务器错误、
    域名不存在、连接被拒绝、证书错误都判为不可用。被防火墙拒绝（401/403/429）或超时的链接判为
    「待核实」，见 GK303，不计入本项。

    ## 依据
    《全国政府网站普查评分表》（国办发〔2015〕15号）：首页不可用链接每个扣 1 分。本项合计扣分上限默认
    10 分（上限未在公开文本中确认，可由 rules.GK301.cap 调整）。

    ## 如何整改
    修正链接地址或恢复被删除的页面、图片和附件；已失效的外部网站链接应删除。
    """
    yield from _broken(ctx, "GK301", on_homepage=True)


def broken_link(ctx: Context) -> Iterator[Finding]:
    """其他页面链接不可用：首页以外页面上的链接打不开。

    ## 检查内容
    与 GK301 相同的判定，适用于首页以外的页面。同一个失效地址出现在多个页面时只算一个，证据列出所在页面。
    所有链接的判定都按本项的两个设置：页面在正文前 rules.GK302.soft_404_text 个字（默认 300）内写明
    「页面不存在」时判为软404；正文不超过 rules.GK302.challenge_text 个字（默认 200）且写有验证字样的页面
    判为防火墙验证页面（待核实）。两者最多读正文前 500 字。

    ## 依据
    《全国政府网站普查评分表》（国办发〔2015〕15号）：其他页面不可用链接每个扣 0.1 分。本项合计扣分上限
    默认 10 分（上限未在公开文本中确认，可由 rules.GK302.cap 调整）。

    ## 如何整改
    修正链接地址或恢复被删除的页面和附件；已失效的外部网站链接应删除。
    """
    yield from _broken(ctx, "GK302", on_homepage=False)


def _broken(ctx: Context, code: str, *, on_homepage: bool) -> Iterator[Finding]:
    home_links = ctx.site.homepage_links
    deduction = ctx.option(code, "deduction")
    found_on = ctx.site.found_on
    failed = 0
    checked = 0
    for url, check in ctx.site.checks.items():
        if (url in home_links) is not on_homepage or url not in found_on:
            continue
        checked += 1
        answer = ctx.judged(url, check)
        if answer.verdict is not Verdict.BROKEN:
            continue
        failed += 1
        yield Finding(
            code,
            Status.FAIL,
            url,
            url=found_on[url][0],
            evidence=f"{_describe(check, answer)}；所在页面：{pages_named(found_on[url])}",
            message="链接打不开",
            deduction=deduction,
        )
    if not failed:
        scope = "首页" if on_homepage else "其他页面"
        yield Finding(
            code,
            Status.PASS,
            f"{scope}链接",
            url=ctx.site.start_url,
            evidence=f"检查了 {checked} 个链接，均可访问或待核实",
            message=f"{scope}链接均可用",
        )


def unverified_link(ctx: Context) -> Iterator[Finding]:
    """链接待核实：链接目标没有给出明确结果（拒绝访问、限流、超时），需要人工确认。

    ## 检查内容
    401/403/429、超时等结果不能说明链接已失效（常见于防火墙拦截爬虫），因此单独列出，不扣分。

    ## 依据
    避免误报：检查工具被拦截不等于用户无法访问。

    ## 如何整改
    用浏览器打开该链接确认；若确实无法访问，按失效链接处理。若为本站防火墙拦截，可将检查工具加入白名单。
    """
    found_on = ctx.site.found_on
    for url, check in ctx.site.checks.items():
        answer = ctx.answer(url)
        if answer is not None and answer.verdict is Verdict.UNVERIFIED and url in found_on:
            yield Finding(
                "GK303",
                Status.UNVERIFIED,
                url,
                url=found_on[url][0],
                evidence=f"{_describe(check, answer)}；所在页面：{pages_named(found_on[url])}",
                message="链接待核实",
            )


_ROUTES = ("!", "/")
"""Fragments that are a script's route (`#!/list`, `#/news`), not a place on the page."""


def missing_anchor(ctx: Context) -> Iterator[Finding]:
    """页内锚点不存在：链接指向页面中的某个位置（#锚点），目标页面上却没有这个位置。

    ## 检查内容
    链接地址带 #锚点、目标是本站已抓取的网页时，检查目标页面上有没有 id 或 `<a name>` 为该锚点的元素。
    没有时，访问者只会停在页面顶部，常见于改版后目录页的「跳转到第 N 条」。以 #! 或 #/ 开头的前端路由、
    含 = 的参数和浏览器自带的 #top 不检查；同一页面内的 #锚点 不记录。

    ## 依据
    网站链接应准确可用（《政府网站发展指引》）。锚点失效不在扣分项内，作为提示列出。

    ## 如何整改
    改正链接中的锚点名称，或在目标页面相应位置的元素上加上该 id。
    """
    missing: dict[tuple[str, str], list[str]] = {}
    checked = 0
    for page in ctx.site.html_pages:
        for link in page.links:
            if not link.fragment:  # nearly every link: no unquote for it
                continue
            fragment = unquote(link.fragment)
            if not fragment or fragment.startswith(_ROUTES) or "=" in fragment or fragment.lower() == "top":
                continue
            target = ctx.site.page(link.url)
            if target is None or not target.is_html or not target.ok:
                continue
            checked += 1
            if fragment not in target.meta.get(ANCHORS, "").split():
                pages = missing.setdefault((link.url, fragment), [])
                if page.url not in pages:
                    pages.append(page.url)
    for (address, fragment), pages in missing.items():
        yield Finding(
            "GK304",
            Status.WARN,
            f"{address}#{fragment}",
            url=pages[0],
            evidence=f"目标页面上没有 id 为「{fragment}」的位置；所在页面：{pages_named(pages)}",
            message="锚点不存在",
        )
    if not missing:
        yield Finding(
            "GK304",
            Status.PASS,
            "页内锚点",
            url=ctx.site.start_url,
            evidence=f"检查了 {checked} 个带锚点的链接" if checked else "没有指向本站页面锚点的链接",
            message="锚点均存在",
        )


LONG_CHAIN = 3
"""Redirect hops past which a chain is reported: every hop is a round trip for the visitor."""


def redirected_link(ctx: Context) -> Iterator[Finding]:
    """链接发生跳转：链接要经过重定向才能到达，跳到了其他网站、跳转次数过多，或由 http 跳到 https。

    ## 检查内容
    每个能打开的链接目标，记录服务器的重定向：跳转到另一个网站（域名变了，常见于网站迁移、域名过期
    被接管）、跳转超过 3 次、由 http 跳转到同一网站的 https。每类列出数量和例子。

    ## 依据
    链接应指向内容的实际地址；跳转到其他网站的链接需确认目标仍是原来的网站，http 链接应改为 https。
    不扣分，作为提示列出。

    ## 如何整改
    把链接改为跳转后的最终地址；跳转到陌生网站的链接，确认后删除或更正。
    """
    found_on = ctx.site.found_on
    kinds: dict[str, list[tuple[str, str]]] = {"跳转到其他网站": [], "跳转次数过多": [], "http 跳转到 https": []}
    for url, check in ctx.site.checks.items():
        if not check.redirects or url not in found_on or ctx.verdict(url) is not Verdict.OK or not check.final_url:
            continue
        start, end = urlsplit(url), urlsplit(check.final_url)
        if _site_of(start.hostname) != _site_of(end.hostname):
            kinds["跳转到其他网站"].append((url, check.final_url))
        elif check.redirects > LONG_CHAIN:
            kinds["跳转次数过多"].append((url, f"{check.redirects} 次后到 {check.final_url}"))
        elif start.scheme == "http" and end.scheme == "https":
            kinds["http 跳转到 https"].append((url, check.final_url))
    for kind, links in kinds.items():
        if not links:
            continue
        shown = "；".join(f"{url} → {to}（所在页面：{found_on[url][0]}）" for url, to in links[:5])
        more = f" 等 {len(links)} 个" if len(links) > 5 else ""
        yield Finding(
            "GK305",
            Status.WARN,
            kind,
            url=found_on[links[0][0]][0],
            evidence=f"{shown}{more}",
            message=f"{len(links)} 个链接{kind}",
        )
    if not any(kinds.values()):
        yield Finding(
            "GK305",
            Status.PASS,
            "链接跳转",
            url=ctx.site.start_url,
            evidence="没有跳转到其他网站或跳转过多的链接",
            message="链接无异常跳转",
        )


def _site_of(host: str | None) -> str:
    """The host without a leading www.: example.gov.cn → www.example.gov.cn is the same site."""
    host = (host or "").lower()
    return host[4:] if host.startswith("www.") else host
