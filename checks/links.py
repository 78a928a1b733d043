"""3xx: links — every link target on the crawled pages answers."""

from __future__ import annotations

from collections.abc import Iterator

from .context import Context
from .finding import Finding, Status, pages_named
from .model import LinkCheck, Verdict

def _describe(check: LinkCheck) -> str:
    status = f"HTTP {check.status}" if check.status else "无响应"
    return f"{status}：{check.reason}" if check.reason else status


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
        if check.verdict is not Verdict.BROKEN:
            continue
        failed += 1
        yield Finding(code, Status.FAIL, url, url=found_on[url][0],
                      evidence=f"{_describe(check)}；所在页面：{pages_named(found_on[url])}",
                      message="链接打不开", deduction=deduction)
    if not failed:
        scope = "首页" if on_homepage else "其他页面"
        yield Finding(code, Status.PASS, f"{scope}链接", url=ctx.site.start_url,
                      evidence=f"检查了 {checked} 个链接，均可访问或待核实", message=f"{scope}链接均可用")


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
        if check.verdict is Verdict.UNVERIFIED and url in found_on:
            yield Finding("GK303", Status.UNVERIFIED, url, url=found_on[url][0],
                          evidence=f"{_describe(check)}；所在页面：{pages_named(found_on[url])}",
                          message="链接待核实")
