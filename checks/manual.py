"""8xx: what only a person can judge — listed in every report for someone to confirm, never passed.

GK804 (站点无法访问) is the exception once a week of home-page probes is stored: then it passes or fails.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from .context import Context
from .finding import Finding, Severity, Status


def _manual(ctx: Context, code: str, subject: str, evidence: str) -> Finding:
    pages = len(ctx.site.html_pages)
    return Finding(
        code,
        Status.MANUAL,
        subject,
        url=ctx.site.start_url,
        evidence=f"{evidence}（本次抓取 {pages} 个页面，可在报告数据中逐页核查）",
        message="需人工核查",
        severity=Severity.VETO,
    )


def serious_wording_error(ctx: Context) -> Iterator[Finding]:
    """严重表述错误：领导人姓名、职务、重要论述等表述错误，机器无法判断，需人工核查。

    ## 检查内容
    检查工具无法可靠判断表述是否准确，本项始终列为「人工核查」，提醒在送检前由专人审读首页、
    要闻和领导活动类栏目，重点核对领导人姓名、职务和重要论述的表述。

    ## 依据
    《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）单项否决项「严重错误」：出现严重表述错误。

    ## 如何整改
    建立信息发布三审制度；发现错误立即更正并留存更正记录。
    """
    yield _manual(ctx, "GK801", "严重表述错误", "请人工审读领导人姓名、职务和重要论述的表述")


def false_or_harmful_content(ctx: Context) -> Iterator[Finding]:
    """虚假或有害内容：发布虚假、错误信息，或含有违法有害内容及其链接，需人工核查。

    ## 检查内容
    内容的真实性和合法性只能由人判断。本项始终列为「人工核查」，提醒核对对外链接指向的网站和
    转载内容的来源。

    ## 依据
    《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）单项否决项「严重错误」：发布虚假或伪造内容，
    或反动、暴力、色情等内容及其链接。

    ## 如何整改
    定期核查外部链接和转载内容；发现问题立即删除并报告。
    """
    yield _manual(ctx, "GK802", "虚假或有害内容", "请人工核对转载内容来源和对外链接指向的网站")


def leaked_secrets_or_defacement(ctx: Context) -> Iterator[Finding]:
    """泄密、篡改或倒签：泄露国家秘密或敏感信息、页面被篡改未处置、发布时间倒签，需人工核查。

    ## 检查内容
    是否涉密、是否被篡改、发布时间是否倒签，检查工具不能判定。本项始终列为「人工核查」。

    ## 依据
    《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）单项否决项「严重错误」：泄露国家秘密、
    发布敏感信息，网站被攻击篡改后未及时处置，信息发布时间倒签。

    ## 如何整改
    落实保密审查和网站安全防护；被篡改页面应立即下线处置并留存记录。
    """
    yield _manual(ctx, "GK803", "泄密、篡改或倒签", "请人工核查涉密和敏感信息、页面完整性及发布时间")


PROBE_DAYS = 7
"""Days of home-page probes the 站点无法访问 veto is judged on."""
PROBES_PER_DAY = 20
"""Probes a day the indicators require, on average over the period."""
PROBE_SLACK_DAYS = 1 / 24
"""How much short of 7 days the probes may cover: probes every 15 minutes never fall exactly on the start of
the 7 days before a run, and one late start of the timer must not discard a week of data."""
FAILURE_SHARE = 0.05
"""Failed probes, as a share of all, from which the site counts as unreachable (单项否决)."""


def _beijing(iso: str) -> str:
    """A stored UTC time as the inspectors read it: 北京时间, to the minute."""
    try:
        when = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%d %H:%M")


def availability_unmeasured(ctx: Context) -> Iterator[Finding]:
    """站点可用性未测：单项否决「站点无法访问」需要连续一周的探测数据，一次检查不能得出结论。

    ## 检查内容
    检查标准为连续一周每天不少于 20 次访问首页、超过 15 秒未打开即为失败，失败率达 5% 即单项否决。
    `gapcheck probe` 每 15 分钟访问一次首页并记入数据库（见 `gapcheck schedule`）；本项读取本次检查开始前
    7 天内的探测记录：
    - 探测覆盖不足 7 天（允许 1 小时误差），或平均每天少于 20 次：列为「待核实」（数据不足），
      并说明本次抓取能否打开首页；
    - 失败次数（无法连接、HTTP 错误、超过 15 秒未打开）少于探测次数的 5%：通过；
    - 达到 5%：不通过，单项否决，证据列出探测次数、失败次数、失败率和时间段（北京时间）。

    ## 依据
    《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）单项否决项「站点无法访问」。

    ## 如何整改
    安排定时探测（`gapcheck schedule` 生成每 15 分钟一次的定时任务），积累一周数据后再判断；
    失败率高时排查服务器、网络和防火墙（含对境内常用网络的访问限制），保障首页稳定可访问。
    """
    home = ctx.site.home
    now = f"本次抓取首页 HTTP {home.status}" if home is not None and home.status else "本次抓取首页未打开"
    seen = ctx.site.availability
    enough = (
        seen is not None and seen.days >= PROBE_DAYS - PROBE_SLACK_DAYS and seen.probes >= PROBES_PER_DAY * PROBE_DAYS
    )
    if seen is None or not enough:
        have = (
            "尚无探测记录（运行 gapcheck probe）"
            if seen is None
            else f"已有探测 {seen.probes} 次，覆盖 {seen.days:.1f} 天（{_beijing(seen.first)} 至 {_beijing(seen.last)}）"
        )
        yield Finding(
            "GK804",
            Status.UNVERIFIED,
            "站点可用性",
            url=ctx.site.start_url,
            evidence=f"数据不足：需要连续 7 天、每天不少于 20 次的探测记录；{have}；{now}",
            message="可用性数据不足",
            severity=Severity.VETO,
        )
        return
    share = seen.failures / seen.probes
    evidence = (
        f"{_beijing(seen.first)} 至 {_beijing(seen.last)}（北京时间，{seen.days:.1f} 天）探测首页 "
        f"{seen.probes} 次，失败 {seen.failures} 次，失败率 {share:.1%}"
    )
    if share >= FAILURE_SHARE:
        yield Finding(
            "GK804",
            Status.FAIL,
            "站点可用性",
            url=ctx.site.start_url,
            evidence=f"{evidence}，达到 5% 的单项否决标准",
            message="站点无法访问：一周内首页访问失败率达到 5%",
            severity=Severity.VETO,
        )
    else:
        yield Finding(
            "GK804",
            Status.PASS,
            "站点可用性",
            url=ctx.site.start_url,
            evidence=f"{evidence}，低于 5%",
            message="首页一周内可正常访问",
            severity=Severity.VETO,
        )
