"""9xx: crawl health — whether the crawl saw enough of the site for the other verdicts to hold."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from core.model import LINKS_DROPPED, RENDERED, SCRIPTS, TEXT_LIMIT, TOO_DEEP, FetchError, Page, Site

from .context import Context
from .finding import Finding, Status


def stopped_pages(site: Site) -> list[Page]:
    """The portal's own pages the crawl gave up on: the server kept failing and they were still not fetched
    when asked again at the end."""
    return [p for p in site.pages.values() if p.error.partition(":")[0] == FetchError.CIRCUIT_OPEN]


def crawl_incomplete(ctx: Context) -> Iterator[Finding]:
    """抓取不完整：达到页面数上限后停止抓取，或服务器连续出错后停止请求，部分栏目可能未被检查。

    ## 检查内容
    抓取的页面数（得到服务器回应的页面）达到 --max-pages 或配置中的上限时，本项给出警告；此时「缺失」类结论可能是
    因为页面没被抓到。站内页面因服务器连续出错、检查工具停止向其请求（结束时再次请求仍未成功）而未抓取时，本项不通过。

    ## 依据
    检查结论只对抓取到的页面成立。

    ## 如何整改
    提高页面数上限（--max-pages）后重新检查，或在配置中排除无需检查的目录。
    """
    stats = ctx.site.crawl
    stopped = stopped_pages(ctx.site)
    if stopped:
        yield Finding(
            "GK901",
            Status.FAIL,
            "抓取范围",
            url=stopped[0].url,
            evidence=f"抓取了 {stats.pages} 个页面；{len(stopped)} 个页面因服务器连续出错停止请求而未抓取，如："
            + "、".join(p.url for p in stopped[:5]),
            message="服务器连续出错，部分页面未抓取，抓取不完整",
        )
    elif stats.page_limit_reached:
        yield Finding(
            "GK901",
            Status.WARN,
            "抓取范围",
            url=ctx.site.start_url,
            evidence=f"已抓取 {stats.pages} 个页面，达到上限 {stats.page_limit}",
            message="达到页面数上限，抓取不完整",
        )
    else:
        yield Finding(
            "GK901",
            Status.PASS,
            "抓取范围",
            url=ctx.site.start_url,
            evidence=f"抓取了 {stats.pages} 个页面",
            message="抓取完整",
        )


def pages_not_processed(ctx: Context) -> Iterator[Finding]:
    """检查程序错误：个别页面在检查程序内部处理出错，其内容和链接未被检查，检查结果不完整。

    ## 检查内容
    抓取到的页面在检查程序（gapcheck）内部处理时出错的数量。出错页面上的栏目、链接和其后的页面可能都没有被检查，
    「缺失」「通过」类结论可能不成立。这是检查程序的问题，不是网站的问题。

    ## 依据
    检查结论只对检查到的内容成立；检查不完整时不能得出合格结论。

    ## 如何整改
    网站无需整改。请用 --verbose 重新运行检查，把日志中的错误报告给 gapcheck 的维护者。
    """
    failed = ctx.site.crawl.internal_errors
    if failed:
        yield Finding(
            "GK907",
            Status.FAIL,
            "检查程序错误",
            url=ctx.site.start_url,
            evidence=f"{failed} 个页面在检查程序内部处理出错，未被完整检查",
            message="检查程序出错，检查结果不完整；请用 --verbose 重新运行并报告该错误",
        )
    else:
        yield Finding(
            "GK907",
            Status.PASS,
            "检查程序错误",
            url=ctx.site.start_url,
            evidence="所有页面均正常处理",
            message="检查程序运行正常",
        )


def page_limits_reached(ctx: Context) -> Iterator[Finding]:
    """页面超出处理上限：个别页面链接过多或文字过长，只检查了其中一部分。

    ## 检查内容
    每个页面最多记录 3000 个链接、2 万字正文，下载大小上限 20 MB（超过的页面按抓取失败计入 GK902）。
    超出时该页面其余的链接未被检查，常见于自动生成的索引页或「爬虫陷阱」（无穷日历、会话编号网址）。
    元素嵌套超过 256 层的页面，更深处及其后的内容无法读取，也在此列出（常见于未闭合标签层层累积的页面）。

    ## 依据
    保证一次检查的工作量有界：夜间无人值守时，个别异常页面不能拖垮整次检查。

    ## 如何整改
    检查这些页面是否为程序生成的异常页面；如属正常页面，可拆分为分页列表。
    """
    heavy = [(p.url, excess) for p in ctx.site.html_pages if (excess := _excess(p))]
    if not heavy:
        yield Finding(
            "GK903",
            Status.PASS,
            "页面处理上限",
            url=ctx.site.start_url,
            evidence="所有页面均在上限内",
            message="页面均完整检查",
        )
        return
    shown = "；".join(f"{url}（{'，'.join(excess)}）" for url, excess in heavy[:5])
    yield Finding(
        "GK903",
        Status.WARN,
        "页面处理上限",
        url=heavy[0][0],
        evidence=f"{len(heavy)} 个页面超出上限，如：{shown}",
        message="部分页面只检查了一部分",
    )


def _excess(page: Page) -> list[str]:
    """What of the page was beyond a limit, in words."""
    excess = []
    if dropped := page.meta.get(LINKS_DROPPED):
        excess.append(f"另有 {dropped} 个链接未记录")
    if page.text_length >= TEXT_LIMIT:
        excess.append("正文超过 2 万字")
    if TOO_DEEP in page.meta:
        excess.append("元素嵌套超过 256 层，更深处及其后的内容未能读取")
    return excess


def page_fetch_failed(ctx: Context) -> Iterator[Finding]:
    """页面抓取失败：站内页面返回错误或无法下载，其内容未被检查。

    ## 检查内容
    站内页面请求失败（错误状态、超时、连接中断）的数量。这些页面上的栏目和链接没有被检查；
    页面本身作为失效链接另由 GK301/GK302 计入。

    ## 依据
    检查结论只对抓取到的页面成立。

    ## 如何整改
    查看服务器日志中这些请求的错误原因；若为防火墙拦截，可将检查工具加入白名单。
    """
    failed = [p for p in ctx.site.pages.values() if not p.ok]
    if failed:
        sample = "、".join(p.url for p in failed[:5])
        yield Finding(
            "GK902",
            Status.WARN,
            "站内页面",
            url=failed[0].url,
            evidence=f"{len(failed)} 个页面未能抓取，如：{sample}",
            message="部分页面抓取失败",
        )
    else:
        yield Finding(
            "GK902",
            Status.PASS,
            "站内页面",
            url=ctx.site.start_url,
            evidence=f"{len(ctx.site.pages)} 个页面均已抓取",
            message="页面均已抓取",
        )


def script_built_pages(ctx: Context) -> Iterator[Finding]:
    """页面疑由脚本生成：页面正文很少而脚本很多，栏目或列表可能由脚本加载，未渲染时检查看不到。

    ## 检查内容
    未经浏览器渲染抓取的页面中，正文（导航、页头、页脚以外的文字）少于 200 字且有 3 个以上 `<script>` 的页面，
    首页排在最前，最多列出 5 个。这类页面的导航、栏目链接或信息列表常由脚本在浏览器中生成，
    检查工具只读 HTML 时看不到，相关栏目可能被误判为缺失或未更新。脚本跳转的入口页不计入。

    ## 依据
    检查结论只对抓取到的内容成立；页面内容应能被检查和检索工具读取。

    ## 如何整改
    在配置中设置 `crawl.render: all`（或用 `crawl.render_urls` 只渲染这些页面），或运行
    `gapcheck check --render`，让页面先在浏览器中渲染后再检查；也可在网站上为栏目导航和列表提供静态 HTML 链接。
    """
    max_chars = ctx.option("GK904", "max_chars")
    min_scripts = ctx.option("GK904", "min_scripts")
    thin = [
        p
        for p in ctx.site.pages_landing_first
        if p.ok
        and p.meta.get(RENDERED) != "1"
        and not p.is_entry_stub
        and p.main_chars < max_chars
        and int(p.meta.get(SCRIPTS, "0") or 0) >= min_scripts
    ]
    if not thin:
        yield Finding(
            "GK904",
            Status.PASS,
            "脚本生成的页面",
            url=ctx.site.landing_url,
            evidence="未发现正文很少而脚本很多的页面",
            message="页面内容可直接读取",
        )
        return
    shown = "；".join(f"{p.url}（正文 {p.main_chars} 字，{p.meta.get(SCRIPTS)} 个脚本）" for p in thin[:5])
    yield Finding(
        "GK904",
        Status.WARN,
        "脚本生成的页面",
        url=thin[0].url,
        evidence=f"{len(thin)} 个页面正文很少而脚本很多，如：{shown}",
        message="页面疑由脚本生成，未渲染时看不到其中的栏目和列表；开启渲染（crawl.render 或 --render）"
        "后检查结果可能不同",
    )


SCRIPT_HIDDEN = "（首页由脚本生成，可能被脚本隐藏）"
"""Added to the evidence of a "missing" finding when the landing page itself is script-built and unrendered."""
MISSING_RULES = frozenset(
    {
        "GK101",
        "GK102",
        "GK103",
        "GK105",
        "GK202",
        "GK203",
        "GK204",
        "GK401",
        "GK402",
        "GK403",
        "GK501",
        "GK502",
        "GK503",
        "GK504",
        "GK505",
        "GK506",
        "GK601",
        "GK603",
        "GK604",
    }
)
"""Rules whose failure says something is not there: what a script may have put there unseen."""


def mark_script_hidden(findings: list[Finding], ctx: Context) -> list[Finding]:
    """When GK904 names the landing page (no Chromium, or rendering off), the failing "missing" findings
    say they may be hidden by script: the reader should not take them at face value."""
    if not any(f.rule == "GK904" and f.status is Status.WARN and f.url == ctx.site.landing_url for f in findings):
        return findings
    return [
        dataclasses.replace(f, evidence=f"{f.evidence}{SCRIPT_HIDDEN}")
        if f.rule in MISSING_RULES and f.status is Status.FAIL
        else f
        for f in findings
    ]


def crawl_adjusted(ctx: Context) -> Iterator[Finding]:
    """抓取按服务器要求调整：遵守 Crawl-delay，被限流后放慢，连续失败的主机停止请求，外部链接沿用近期结果。

    ## 检查内容
    列出本次检查对各主机的处理：robots.txt 要求的抓取间隔（Crawl-delay）、服务器限流的次数和等待的时间、
    因连续超时或服务器错误而停止请求的主机（其余链接判为「待核实」）、结束时对未能判定的链接再次慢速请求的
    数量，以及沿用近期检查结果、未再请求的外部链接数量。

    ## 依据
    检查工具应善待网站服务器，避免因检查本身造成服务器负担；这些情况也说明部分结论为什么是「待核实」。

    ## 如何整改
    本站服务器频繁限流或连续出错时，检查服务器负载和防火墙设置，或把检查工具加入白名单；
    外部链接需要全部重新检查时，使用 --recheck-external。
    """
    stats = ctx.site.crawl
    notes = []
    for host in stats.hosts:
        parts = []
        if host.crawl_delay:
            parts.append(f"遵守 robots.txt Crawl-delay {host.crawl_delay:g} 秒")
        if host.throttled:
            parts.append(
                f"被限流 {host.throttled} 次，按要求等待共 {host.waited:g} 秒"
                + (f"，请求间隔放慢到 {host.interval:.1f} 秒" if host.interval else "")
            )
        if host.circuit_open:
            parts.append(host.circuit_open)
        if parts:
            notes.append(f"{host.host}：{'，'.join(parts)}")
    if stats.second_pass:
        notes.append(f"{stats.second_pass} 个未能判定的链接在结束时慢速重新请求")
    if stats.not_modified:
        notes.append(f"{stats.not_modified} 个页面自上次检查后未变化（304），沿用上次的记录")
    if stats.reused:
        notes.append(f"{stats.reused} 个外部链接沿用近期检查结果（未再请求）")
    # Crawl-delay and reused answers are the normal course of a polite nightly run; being limited, cut
    # off or left with undecided links is what a reader should notice.
    troubled = stats.second_pass or any(h.throttled or h.circuit_open for h in stats.hosts)
    if notes:
        yield Finding(
            "GK905",
            Status.WARN if troubled else Status.PASS,
            "抓取节奏",
            url=ctx.site.start_url,
            evidence="；".join(notes),
            message="按服务器要求调整了抓取" if troubled else "按网站要求的节奏抓取",
        )
    else:
        yield Finding(
            "GK905",
            Status.PASS,
            "抓取节奏",
            url=ctx.site.start_url,
            evidence="服务器没有要求放慢，也没有连续失败的主机",
            message="抓取未受限",
        )


def crawler_traps(ctx: Context) -> Iterator[Finding]:
    """疑似爬虫陷阱：网站生成了无穷无尽的网址（无穷日历、会话编号、不断增长的参数、循环路径），这些链接未被抓取。

    ## 检查内容
    站内链接中：网址超过 1024 个字符；同一页面的查询参数超过 2000 种（如按日翻页的日历；可由 crawl.max_query_variants 调整）；同一参数重复 4 次以上
    （每点一次就多一段）；同一路径段出现 3 次以上（如 /a/b/a/b/a/b/，常见于目录的符号链接循环）；只有会话编号
    （jsessionid、PHPSESSID 等）不同的网址；页面用刷新（meta refresh）或脚本跳转到自身、每次参数都不同（如 ?n=1、?n=2……），
    超过 3 次。每类列出被跳过的数量和一个例子。

    ## 依据
    这些网址对访问者没有新内容，却会让任何抓取程序（包括检查和搜索引擎）无休止地请求；检查只对其余页面成立。

    ## 如何整改
    日历和筛选页加上 rel="nofollow" 或在 robots.txt 中排除；不要把会话编号写进网址；修正生成循环路径的链接或符号链接。
    """
    traps = ctx.site.crawl.traps
    if not traps:
        yield Finding(
            "GK906",
            Status.PASS,
            "爬虫陷阱",
            url=ctx.site.start_url,
            evidence="没有发现无穷生成的网址",
            message="未发现爬虫陷阱",
        )
        return
    yield Finding(
        "GK906",
        Status.WARN,
        "爬虫陷阱",
        url=ctx.site.start_url,
        evidence="；".join(f"{t.kind}：跳过 {t.count} 个链接，如 {t.example}" for t in traps),
        message="部分链接疑似爬虫陷阱，未抓取",
    )
