"""2xx: freshness — columns and the home page updated within their limits, no blank columns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from .columns import ColumnStatus, resolve_date
from .context import Context
from .finding import Finding, Severity, Status
from .model import LinkTag, Region


def column_not_updated(ctx: Context) -> Iterator[Finding]:
    """栏目更新不及时：栏目最新一条信息的日期早于该类栏目的更新期限。

    ## 检查内容
    按栏目名称归类（配置 column_kinds 的关键词表）：动态要闻类 2 周内、通知公告/政策文件类 6 个月内、
    人事/规划计划类 1 年内应有更新，自检查日期（--as-of）往前计算。栏目最新日期取列表条目上的日期
    （只有月日时取网址或文章页中的年份），条目无日期时取文章页的发布日期；全部无日期的栏目视为未更新。
    空白栏目由 GK202 报告，本项不重复计分。

    ## 依据
    《全国政府网站普查评分表》（国办发〔2015〕15号）及《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）
    「栏目不更新」：动态要闻类 2 周、通知公告政策文件类 6 个月、人事规划类 1 年。

    ## 如何整改
    及时在该栏目发布新信息；确已停止更新的栏目应归档或撤销，不再在导航中显示。
    """
    for column in ctx.columns:
        if column.kind is None or column.kind.limit is None:
            continue
        status = column.status(ctx.site.as_of)
        if status is ColumnStatus.BLANK:
            continue
        limit = column.kind.limit
        cutoff = limit.cutoff(ctx.site.as_of)
        newest = column.newest
        kind = column.kind.label
        if status is ColumnStatus.FRESH:
            yield Finding("GK201", Status.PASS, column.name, url=column.url,
                          evidence=f"{kind}栏目，最新信息 {newest}，不早于 {cutoff}",
                          message=f"「{column.name}」按时更新")
            continue
        evidence = (f"{kind}栏目，最新信息 {newest}，应不早于 {cutoff}（{limit}）" if newest
                    else f"{kind}栏目，{len(column.items)} 条信息均无日期，视为未更新")
        yield Finding("GK201", Status.FAIL, column.name, url=column.url, evidence=evidence,
                      message=f"「{column.name}」超过期限未更新", deduction=column.kind.deduction)


def blank_column(ctx: Context) -> Iterator[Finding]:
    """空白栏目：栏目可以打开，但从未发布过任何信息。

    ## 检查内容
    栏目页面（含分页）的列表区域没有任何信息条目，例如只显示「暂无信息」。导航、面包屑、翻页和全站
    通用链接不算条目。

    空白栏目达到 5 个（配置 rules.GK202.veto_at）时，每个空白栏目都按单项否决报告。

    ## 依据
    《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）「空白栏目」：空白栏目数量达到 5 个即单项否决。

    ## 如何整改
    为该栏目补充应公开的信息；无信息可发布的栏目应撤销或合并，不保留空栏目。
    """
    blank = [c for c in ctx.columns if c.status(ctx.site.as_of) is ColumnStatus.BLANK]
    veto = len(blank) >= ctx.option("GK202", "veto_at")
    for column in ctx.columns:
        if column in blank:
            yield Finding("GK202", Status.FAIL, column.name, url=column.url,
                          evidence=f"栏目页面没有任何信息条目（全站空白栏目 {len(blank)} 个）",
                          message=f"「{column.name}」是空白栏目",
                          deduction=ctx.option("GK202", "deduction"),
                          severity=Severity.VETO if veto else None)
        else:
            yield Finding("GK202", Status.PASS, column.name, url=column.url,
                          evidence=f"{len(column.items)} 条信息", message=f"「{column.name}」有内容")


def homepage_not_updated(ctx: Context) -> Iterator[Finding]:
    """首页不更新：首页上没有检查日期前 2 周内发布的信息。

    ## 检查内容
    读取首页（入口页跳转后的实际首页）上带日期的信息条目；无日期的条目视为未更新。首页列表只显示
    月日时，年份取自网址或文章页。2 周内有更新但条目少于 10 条的扣分由 GK204 报告。

    ## 依据
    《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）单项否决项「首页不更新」：
    首页栏目信息 2 周内无更新。

    ## 如何整改
    在首页要闻、通知公告等区块及时发布新信息，并在每条信息旁显示发布日期。
    """
    landing = ctx.site.landing
    if landing is None or not landing.is_html:
        return
    cutoff, dates = _homepage_dates(ctx)
    recent = [d for d in dates if d >= cutoff]
    newest = max(dates, default=None)
    if recent:
        yield Finding("GK203", Status.PASS, "首页", url=landing.url,
                      evidence=f"{cutoff} 以来有 {len(recent)} 条信息，最新 {max(recent)}",
                      message="首页按时更新")
    else:
        evidence = f"{cutoff} 以来没有新信息" + (f"，最新 {newest}" if newest else "，首页信息均无日期")
        yield Finding("GK203", Status.FAIL, "首页", url=landing.url, evidence=evidence,
                      message="首页 2 周内未更新", severity=Severity.VETO)


def _homepage_dates(ctx: Context) -> tuple[dt.date, list[dt.date]]:
    """The home page's freshness cutoff and the dates of its dated items (none after the as-of)."""
    cutoff = ctx.options.homepage_limit.cutoff(ctx.site.as_of)
    landing = ctx.site.landing
    links = {link.url: link for link in landing.links
             if link.tag is LinkTag.A and link.region is Region.MAIN and link.date}
    dates = [d for d in (resolve_date(link.date, url, ctx.site) for url, link in links.items()) if d]
    return cutoff, dates


def homepage_few_updates(ctx: Context) -> Iterator[Finding]:
    """首页更新量不足：首页 2 周内发布的信息少于 10 条。

    ## 检查内容
    统计首页（入口页跳转后的实际首页）上检查日期前 2 周内的带日期条目（同一链接只算一次）。
    2 周内一条都没有时由 GK203 按单项否决报告，本项不重复扣分。最低条数可由配置 rules.GK204.minimum 调整。

    ## 依据
    《全国政府网站普查评分表》（国办发〔2015〕15号）：首页栏目信息 2 周内更新总量少于 10 条，扣 5 分。

    ## 如何整改
    增加首页要闻、通知公告等区块的发布频次，使 2 周内新发布的信息不少于 10 条。
    """
    landing = ctx.site.landing
    if landing is None or not landing.is_html:
        return
    cutoff, dates = _homepage_dates(ctx)
    recent = [d for d in dates if d >= cutoff]
    if not recent:
        return
    minimum = ctx.option("GK204", "minimum")
    if len(recent) >= minimum:
        yield Finding("GK204", Status.PASS, "首页", url=landing.url,
                      evidence=f"{cutoff} 以来 {len(recent)} 条信息", message="首页更新量达标")
    else:
        yield Finding("GK204", Status.FAIL, "首页", url=landing.url,
                      evidence=f"{cutoff} 以来只有 {len(recent)} 条信息，少于 {minimum} 条",
                      message="首页 2 周内更新不足", deduction=ctx.option("GK204", "deduction"))
