"""One check of one portal: crawl → store → checks → findings → report."""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import datetime as dt
import gc
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import checks
from core.errors import ConfigError, CrawlInterrupted, CrawlStartError, GapcheckError
from core.model import ENTRY_REDIRECTS, CrawlStats, FetchError, Site
from core.redaction import redact
from core.urls import host_of, under_domain

from . import decisions, history
from .cli_words import ERROR
from .crawl_request import CrawlRequest
from .profile import Profile
from .report import Report, build_report, labels, reports_of, write_reports
from .report.labels import page_error_words
from .store import RunState, Store

if TYPE_CHECKING:
    from spiders.progress import Board  # rich and Scrapy: a crawl's, not `gapcheck report`'s


@dataclass(frozen=True)
class Outcome:
    run_id: int
    report: Report
    html: Path
    failed: bool
    """Some finding failed: the site has gaps."""
    internal_errors: int = 0


def check_site(
    request: CrawlRequest,
    profile: Profile,
    store: Store,
    as_of: dt.date,
    out: Path,
    started_with: dict | None = None,
    name: str | None = None,
) -> Outcome:
    """`request.crawl` is the profile's crawl options with the command line's over them: the run records the
    page limit it is crawled with, which GK901 and the report name. `started_with`: what a new run is stored
    with, for --resume (gapcheck/run_options.py). `name`: the bureau's, for the title."""
    rules = rules_of(profile)
    store.verify()  # before a run is added: a damaged store would keep one dead run per attempt
    if request.resume:
        run_id = store.resumable_run(request.url)
        if run_id is None:
            return _conclude_stopped(store, request.url, profile, rules, out)
    else:
        run_id = start_run(store, request, profile, as_of, started_with, name)
    from .crawl import crawl  # Scrapy: only a check crawls; `gapcheck report` judges without it

    stats = crawl(request, store, run_id)
    return conclude(store, run_id, request, profile, rules, stats, out)


def start_run(
    store: Store,
    request: CrawlRequest,
    profile: Profile,
    as_of: dt.date,
    started_with: dict | None = None,
    name: str | None = None,
) -> int:
    """A new run of `request` with the page limit it is crawled with, recorded under the bureau's name: `name`
    (sites.yaml, --name), else the profile's bureau; the report is titled by it (report.model.report_title)."""
    title = name or profile.bureau or profile.name
    return store.start_run(title, request.url, profile.name, as_of, request.crawl.max_pages, started_with)


def _conclude_stopped(store: Store, url: str, profile: Profile, rules: list[checks.Rule], out: Path) -> Outcome:
    """--resume when the newest run's crawl is over: its reports, when it was stopped before they were written."""
    runs = store.runs_of_site(url)
    last = runs[-1] if runs else None
    if last is not None and last.state is RunState.CRAWLED:  # stopped while judging or writing its reports
        return evaluate(store, last.id, profile, rules, out)
    if last is not None and last.state is RunState.DONE and not reports_of(out, last.id):
        raise ConfigError(
            f"{out}：运行 {last.id} 已检查完毕，但这里缺少它的报告文件（写报告时被中断，或已被删除）；"
            f"运行 gapcheck report {last.id} --db {store.path} --out {out} 重新写出报告"
        )
    raise ConfigError(ERROR["no_stopped_run"].format(url=redact(url), db=store.path))


def rules_of(profile: Profile) -> list[checks.Rule]:
    try:
        return checks.select(list(profile.select) or None, list(profile.ignore))
    except checks.UnknownRule as exc:
        raise ConfigError(ERROR["select_ignore"].format(file=profile.path, reason=exc.args[0])) from None


def conclude(
    store: Store,
    run_id: int,
    request: CrawlRequest,
    profile: Profile,
    rules: list[checks.Rule],
    stats: CrawlStats,
    out: Path,
) -> Outcome:
    """After the crawl: the run's findings and reports, or CrawlStartError when the portal did not answer."""
    url = request.url
    if stats.interrupted:
        store.interrupt_run(run_id)
        command = request.resume_with(store.path, out)
        raise CrawlInterrupted(f"{redact(url)}：{labels.CLI['resume_hint'].format(run=run_id, command=command)}")
    store.finish_crawl(run_id, stats)
    _give_back_crawl_memory()
    site = store.load_site(run_id)
    start = site.home
    if start is None or start.status is None:
        reason = start.error if start is not None else ERROR["no_answer_reason"]
        store.fail_run(run_id, reason)
        if reason.startswith(FetchError.ROBOTS):
            raise CrawlStartError(ERROR["robots"].format(url=redact(url)))
        raise CrawlStartError(ERROR["no_answer"].format(url=redact(url), reason=page_error_words(reason)))
    refused = start_refused(site, profile.crawl.allowed_domains)
    if refused is not None:
        # An error page is not the portal: judging it would report every duty missing.
        store.fail_run(run_id, refused)
        raise CrawlStartError(f"{redact(url)}：{refused}")
    outcome = evaluate(store, run_id, profile, rules, out, site, request.progress)
    return dataclasses.replace(outcome, internal_errors=stats.internal_errors)


def _give_back_crawl_memory() -> None:
    """The crawl's objects (Scrapy's, the frontier's, the parsed pages') are garbage once it is over: hand
    their memory back to the system before the site model is loaded, so the check's peak is the larger of
    the crawl's and the model's, not both (glibc keeps freed memory in the process until malloc_trim)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc (macOS, musl): nothing to trim
        ctypes.CDLL(None).malloc_trim(0)


_START_STATUS = {
    401: ("门户拒绝了 gapcheck 的访问", "请网站运维方放行 User-Agent（gapcheck）或从允许的地址运行"),
    403: ("门户拒绝了 gapcheck 的访问", "请网站运维方放行 User-Agent（gapcheck）或从允许的地址运行"),
    404: ("起始地址不存在", "请检查起始网址是否写对（应为门户首页的地址）"),
    410: ("起始地址已删除", "请检查起始网址是否写对（应为门户首页的地址）"),
    429: ("门户限制了访问频率", "请稍后再检查，或请网站运维方放行 gapcheck"),
    400: ("门户拒绝了这个请求", "请检查起始网址是否写对"),
    500: ("门户服务器出错或正在维护", "请稍后再检查，或请网站运维方确认网站是否正常"),
}
"""What a start page's error status means for the run, and what to do; keyed by status, else its hundred."""


_LEFT = "起始网址跳转到了其他网站（{url}）；请以跳转后的网址作为起始网址检查，或确属本门户时在检查方案的 crawl.allowed_domains 中加入 {host}"
"""A start page whose HTTP, script or refresh redirect leaves the portal: the other site is not this one's."""


def start_refused(site: Site, allowed_domains: tuple[str, ...] = ()) -> str | None:
    """Why the start page (or the page its script or refresh leads to) is an error page or another site and
    not the portal, in words for the bureau's web team; None when it answered 2xx with content."""
    for page in site.entry_pages:
        if page.status is None:
            break  # not answered at all: the crawl's own failure says why
        hop = (
            next((link.url for link in page.links if link.tag in ENTRY_REDIRECTS), None) if page.is_entry_stub else None
        )
        away = next(
            (u for u in (page.final_url, hop) if u and not _same_portal(u, site.start_url, allowed_domains)), None
        )
        if away is not None:
            return _LEFT.format(url=redact(away), host=host_of(away))
        check = site.checks.get(page.url)
        if (check is not None and check.error is FetchError.CHALLENGE) or page.error.startswith(FetchError.CHALLENGE):
            return (
                f"门户返回了防火墙验证页面而不是首页（HTTP {page.status}，{page.url}）；请网站运维方在防火墙中"
                "放行 gapcheck 的 User-Agent 或本机地址，或从允许的地址运行"
            )
        if page.status < 400:
            continue
        what, fix = _START_STATUS.get(page.status) or _START_STATUS[page.status // 100 * 100]
        where = "" if page is site.home else f"（首页跳转到 {page.url}）"
        return f"{what}：HTTP {page.status}{where}；{fix}"
    return None


def _same_portal(url: str, start_url: str, allowed_domains: tuple[str, ...]) -> bool:
    """Same host as the start URL but for a leading www. (example.gov.cn → www.example.gov.cn), or a domain
    the profile names as the portal's."""
    host = host_of(url)
    if host.removeprefix("www.") == host_of(start_url).removeprefix("www."):
        return True
    return under_domain(host, (d.lower().lstrip(".") for d in allowed_domains))


def evaluate(
    store: Store,
    run_id: int,
    profile: Profile,
    rules: list[checks.Rule],
    out: Path,
    site: Site | None = None,
    progress: Board | None = None,
) -> Outcome:
    """Runs the rules over a stored crawl, stores the findings and writes the reports."""
    site = site or store.load_site(run_id)
    # The loaded model (millions of objects, no garbage among them) out of the cyclic collector's sight
    # while the rules run: each full collection would walk all of it (1 CPU s at 100,000 pages), and the
    # rules' own short-lived objects bring several.
    gc.freeze()
    try:
        return _judge(store, run_id, profile, rules, out, site, progress)
    finally:
        gc.unfreeze()


def _judge(
    store: Store, run_id: int, profile: Profile, rules: list[checks.Rule], out: Path, site: Site, progress: Board | None
) -> Outcome:
    judged, ctx = checks.run(site, profile.options, rules)
    applied = decisions.apply(store, site.start_url, judged)  # accepted, false positives, manual results
    findings = applied.findings
    severity_of = {r.code: r.severity for r in checks.RULES}
    caps = {r.code: ctx.option(r.code, "cap") for r in rules if "cap" in r.defaults}
    summary = checks.summarize(findings, severity_of, caps)
    finished = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    started = store.run(run_id).started_at
    report = applied.attach(
        history.annotate(build_report(run_id, started, finished, profile, rules, findings, ctx, summary), store, run_id)
    )
    try:
        if progress is not None:
            progress.writing_reports()
        html = write_reports(report, out)
    except GapcheckError as exc:  # a full disk, a read-only folder: the crawl is stored, only the reports are not
        raise GapcheckError(
            f"{exc}；抓取结果已保存，之后运行 gapcheck report {run_id} --db {store.path} --out 文件夹 即可写出报告"
        ) from exc
    # Done only once its reports are all written: a run killed before still has them written by --resume.
    if not store.read_only:  # `gapcheck report` of a store on read-only media: the files are what is asked
        store.finish_run(
            run_id,
            applied.stored,
            severity_of,
            report.data(),
            finished_at=finished,
            verdict=summary.verdict,
            score=summary.score,
        )
    failed = summary.counts[checks.Status.FAIL] > 0
    return Outcome(run_id, report, html, failed)
