"""8xx: what only a person can judge — listed in every report for someone to confirm, never passed."""

from __future__ import annotations

from collections.abc import Iterator

from .context import Context
from .finding import Finding, Severity, Status


def _manual(ctx: Context, code: str, subject: str, evidence: str) -> Finding:
    pages = len(ctx.site.html_pages)
    return Finding(code, Status.MANUAL, subject, url=ctx.site.start_url,
                   evidence=f"{evidence}（本次抓取 {pages} 个页面，可在报告数据中逐页核查）",
                   message="需人工核查", severity=Severity.VETO)


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


def availability_unmeasured(ctx: Context) -> Iterator[Finding]:
    """站点可用性未测：单项否决「站点无法访问」需要连续一周的探测数据，一次检查不能得出结论。

    ## 检查内容
    检查标准为连续一周每天不少于 20 次访问首页、超过 15 秒未打开即为失败，失败率达 5% 即单项否决。
    一次抓取只能说明本次能否打开，因此本项列为「待核实」，直到有一周的探测记录。

    ## 依据
    《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）单项否决项「站点无法访问」。

    ## 如何整改
    安排定时探测（每 15 分钟访问一次首页），积累一周数据后再判断；保障服务器和网络稳定。
    """
    home = ctx.site.home
    now = f"本次抓取首页 HTTP {home.status}" if home is not None and home.status else "本次抓取首页未打开"
    yield Finding("GK804", Status.UNVERIFIED, "站点可用性", url=ctx.site.start_url,
                  evidence=f"数据不足：需要连续 7 天、每天不少于 20 次的探测记录；{now}",
                  message="可用性数据不足", severity=Severity.VETO)
