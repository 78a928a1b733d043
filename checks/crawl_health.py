"""9xx: crawl health — whether the crawl saw enough of the site for the other verdicts to hold."""

from __future__ import annotations

from collections.abc import Iterator

from .context import Context
from .finding import Finding, Status


def crawl_incomplete(ctx: Context) -> Iterator[Finding]:
    """抓取不完整：达到页面数上限后停止抓取，部分栏目可能未被检查。

    ## 检查内容
    抓取的页面数达到 --max-pages 或配置中的上限时，本项给出警告；此时「缺失」类结论可能是因为页面没被抓到。

    ## 依据
    检查结论只对抓取到的页面成立。

    ## 如何整改
    提高页面数上限（--max-pages）后重新检查，或在配置中排除无需检查的目录。
    """
    stats = ctx.site.crawl
    if stats.page_limit_reached:
        yield Finding("GK901", Status.WARN, "抓取范围", url=ctx.site.start_url,
                      evidence=f"已抓取 {stats.pages} 个页面，达到上限 {stats.page_limit}",
                      message="达到页面数上限，抓取不完整")
    else:
        yield Finding("GK901", Status.PASS, "抓取范围", url=ctx.site.start_url,
                      evidence=f"抓取了 {stats.pages} 个页面", message="抓取完整")


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
        yield Finding("GK902", Status.WARN, "站内页面", url=failed[0].url,
                      evidence=f"{len(failed)} 个页面未能抓取，如：{sample}", message="部分页面抓取失败")
    else:
        yield Finding("GK902", Status.PASS, "站内页面", url=ctx.site.start_url,
                      evidence=f"{len(ctx.site.pages)} 个页面均已抓取", message="页面均已抓取")
