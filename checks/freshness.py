"""2xx: freshness — columns and the home page updated within their limits, no blank columns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from core.model import NAVIGABLE_TAGS, Link, LinkTag, Page, Region, Site

from .columns import Column, ColumnStatus, resolve_date
from .context import Context
from .finding import Finding, Severity, Status
from .matching import is_article


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
            yield Finding(
                "GK201",
                Status.PASS,
                column.name,
                url=column.url,
                evidence=f"{kind}栏目，最新信息 {newest}，不早于 {cutoff}",
                message=f"「{column.name}」按时更新",
            )
            continue
        evidence = (
            f"{kind}栏目，最新信息 {newest}，应不早于 {cutoff}（{limit}）"
            if newest
            else f"{kind}栏目，{len(column.items)} 条信息均无日期，视为未更新"
        )
        yield Finding(
            "GK201",
            Status.FAIL,
            column.name,
            url=column.url,
            evidence=evidence,
            message=f"「{column.name}」超过期限未更新",
            deduction=column.kind.deduction,
        )


_OVERDUE = (ColumnStatus.STALE, ColumnStatus.UNDATED)


def columns_overdue_veto(ctx: Context) -> Iterator[Finding]:
    """栏目不更新（单项否决）：超期未更新的栏目数量达到单项否决标准。

    ## 检查内容
    统计 GK201 判为超期或无日期的栏目。动态要闻类（news）与通知公告/政策文件类（notice）合计达到
    5 个，或所有有更新期限的栏目合计达到 10 个，或空白栏目（GK202）达到 5 个，即为单项否决。按 2019 年指标（配置 basis: "2019"），
    通知公告/政策文件类只统计首页直接链接的一级栏目。阈值可由 rules.GK205.news_notice_veto_at 与
    rules.GK205.all_veto_at 调整。各栏目的扣分仍由 GK201 计算，本项不另扣分。

    ## 依据
    《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）单项否决项「栏目不更新」；
    《全国政府网站普查评分表》（国办发〔2015〕15号）。

    ## 如何整改
    逐一更新 GK201 列出的超期栏目；确已不再更新的栏目应归档或撤销。
    """
    landing = ctx.site.landing
    top_level = {link.url for link in landing.links} if landing is not None else set()
    overdue = [
        c
        for c in ctx.columns
        if c.kind is not None and c.kind.limit is not None and c.status(ctx.site.as_of) in _OVERDUE
    ]
    counted = [
        c
        for c in overdue
        if c.kind is not None
        and (c.kind.key == "news" or (c.kind.key == "notice" and (ctx.options.basis != "2019" or c.url in top_level)))
    ]
    news_notice_at = ctx.option("GK205", "news_notice_veto_at")
    all_at = ctx.option("GK205", "all_veto_at")
    blank_at = ctx.option("GK202", "veto_at")
    blank = _blank(ctx)
    names = "、".join(c.name for c in overdue) or "无"
    evidence = (
        f"动态要闻和通知公告/政策文件类超期 {len(counted)} 个（否决线 {news_notice_at:g}），"
        f"全部应更新栏目超期 {len(overdue)} 个（否决线 {all_at:g}）：{names}；"
        f"空白栏目 {len(blank)} 个（否决线 {blank_at:g}）"
    )
    url = ctx.site.landing_url
    if len(counted) >= news_notice_at or len(overdue) >= all_at:
        yield Finding(
            "GK205", Status.FAIL, "超期未更新栏目", url=url, evidence=evidence, message="超期未更新栏目达到单项否决标准"
        )
    elif len(blank) >= blank_at:
        yield Finding(
            "GK205",
            Status.FAIL,
            "超期未更新栏目",
            url=url,
            evidence=evidence,
            message="空白栏目达到「栏目不更新」单项否决标准",
        )
    else:
        yield Finding(
            "GK205",
            Status.PASS,
            "超期未更新栏目",
            url=url,
            evidence=evidence,
            message="超期未更新栏目未达到单项否决标准",
        )


def _blank(ctx: Context) -> list[Column]:
    return [c for c in ctx.columns if c.status(ctx.site.as_of) is ColumnStatus.BLANK]


def blank_column(ctx: Context) -> Iterator[Finding]:
    """空白栏目：栏目可以打开，但从未发布过任何信息。

    ## 检查内容
    栏目页面（含分页）自身的内容区没有任何信息条目，也没有「暂无信息」「暂无数据」「本栏目暂无内容」
    「信息正在更新中」之类提示语以外的文字。网站模板在多个页面上重复的区块（导航、侧栏栏目菜单、
    全站「最新信息」「热点」列表、友情链接、页脚）、面包屑和翻页都不算栏目自己的内容：侧栏里全站
    最新信息的日期不能让空栏目显得有内容。同一栏目的 `目录/`、`目录/index.html`、`index_2.html` 等
    网址只算一个栏目；子站（部门、乡镇）的栏目同样计入。每个空白栏目列出其面包屑位置。

    空白栏目达到 5 个（配置 rules.GK202.veto_at）时，每个空白栏目都按单项否决报告，GK205 也据此判定
    「栏目不更新」单项否决。

    ## 依据
    《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）「空白栏目」：空白栏目数量达到 5 个即单项否决。

    ## 如何整改
    为该栏目补充应公开的信息；无信息可发布的栏目应撤销或合并，不保留空栏目。
    """
    blank = _blank(ctx)
    veto = len(blank) >= ctx.option("GK202", "veto_at")
    for column in ctx.columns:
        if column in blank:
            shows = f"，页面只显示「{column.shows}」" if column.shows else "，页面内容区为空"
            where = f"；位置：{column.trail}" if column.trail else ""
            yield Finding(
                "GK202",
                Status.FAIL,
                column.name,
                url=column.url,
                evidence=f"栏目页面没有任何信息条目{shows}{where}（全站空白栏目 {len(blank)} 个）",
                message=f"「{column.name}」是空白栏目",
                deduction=ctx.option("GK202", "deduction"),
                severity=Severity.VETO if veto else None,
            )
        else:
            yield Finding(
                "GK202",
                Status.PASS,
                column.name,
                url=column.url,
                evidence=f"{len(column.items)} 条信息",
                message=f"「{column.name}」有内容",
            )


def homepage_not_updated(ctx: Context) -> Iterator[Finding]:
    """首页不更新：首页上没有检查日期前 2 周内发布的信息。

    ## 检查内容
    读取首页（入口页跳转后的实际首页）上带日期的信息条目；无日期的条目视为未更新。首页列表只显示
    月日时，年份取自网址或文章页。首页只有导航、没有任何带日期的条目时，按首页链接到的二级页面判断。
    2 周内有更新但条目少于 10 条的扣分由 GK204 报告。

    ## 依据
    《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）单项否决项「首页不更新」：
    首页栏目信息 2 周内无更新。

    ## 如何整改
    在首页要闻、通知公告等区块及时发布新信息，并在每条信息旁显示发布日期。
    """
    landing = ctx.site.landing
    if landing is None or not landing.is_html:
        return
    cutoff, dates, how = _homepage_dates(ctx, landing)
    recent = [d for d in dates if d >= cutoff]
    newest = max(dates, default=None)
    blocks = _blocks(ctx, landing)
    if recent:
        yield Finding(
            "GK203",
            Status.PASS,
            "首页",
            url=landing.url,
            evidence=f"{how}{cutoff} 以来有 {len(recent)} 条信息，最新 {max(recent)}{blocks}",
            message="首页按时更新",
        )
    else:
        evidence = how + f"{cutoff} 以来没有新信息" + (f"，最新 {newest}" if newest else "，首页信息均无日期") + blocks
        yield Finding(
            "GK203",
            Status.FAIL,
            "首页",
            url=landing.url,
            evidence=evidence,
            message="首页 2 周内未更新",
            severity=Severity.VETO,
        )


def _dated_links(page: Page) -> dict[str, Link]:
    return {link.url: link for link in page.links if link.tag is LinkTag.A and link.region is Region.MAIN and link.date}


def _dated_items(page: Page, site: Site) -> dict[str, dt.date]:
    pairs = ((url, resolve_date(link.date, url, site)) for url, link in _dated_links(page).items())
    return {url: d for url, d in pairs if d}


def _blocks(ctx: Context, landing: Page) -> str:
    """The home page's blocks as a person reads them: "；区块：要闻 最新 2026-11-19、通知公告 最新 2026-11-03"."""
    newest: dict[str, dt.date | None] = {}
    for url, link in _dated_links(landing).items():
        if link.block:
            d = resolve_date(link.date, url, ctx.site)
            newest[link.block] = max(filter(None, (newest.get(link.block), d)), default=None)
    parts = [f"{name} 最新 {d}" if d else f"{name} 无日期" for name, d in newest.items()]
    return f"；首页区块：{'、'.join(parts)}" if parts else ""


def _homepage_dates(ctx: Context, landing: Page) -> tuple[dt.date, list[dt.date], str]:
    """The home page's freshness cutoff, the dates of its items, and how they were found.

    A home page that is navigation only (no dated item at all) is judged by the pages it links to,
    as the inspection rules say.
    """
    cutoff = ctx.options.homepage_limit.cutoff(ctx.site.as_of)
    items = _dated_items(landing, ctx.site)
    if items:
        return cutoff, list(items.values()), ""
    for link in landing.links:
        target = ctx.site.page(link.url) if link.tag in NAVIGABLE_TAGS else None
        if target is not None and target is not landing and target.is_html and not is_article(target):
            items.update(_dated_items(target, ctx.site))
    return cutoff, list(items.values()), "首页为导航页，按二级页面判断：" if items else ""


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
    cutoff, dates, how = _homepage_dates(ctx, landing)
    recent = [d for d in dates if d >= cutoff]
    if not recent:
        return
    minimum = ctx.option("GK204", "minimum")
    if len(recent) >= minimum:
        yield Finding(
            "GK204",
            Status.PASS,
            "首页",
            url=landing.url,
            evidence=f"{how}{cutoff} 以来 {len(recent)} 条信息",
            message="首页更新量达标",
        )
    else:
        yield Finding(
            "GK204",
            Status.FAIL,
            "首页",
            url=landing.url,
            evidence=f"{how}{cutoff} 以来只有 {len(recent)} 条信息，少于 {minimum:g} 条",
            message="首页 2 周内更新不足",
            deduction=ctx.option("GK204", "deduction"),
        )
