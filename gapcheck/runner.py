"""One check of one portal: crawl → store → checks → findings → report."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from . import checks, history
from .crawl import CrawlRequest, crawl
from .checks.model import FetchError
from .errors import ConfigError, CrawlInterrupted, CrawlStartError, GapcheckError
from .profile import Profile
from .report import build_report, write_reports
from .report.model import redact
from .store import Store


@dataclass(frozen=True)
class Outcome:
    run_id: int
    report: dict
    html: Path
    failed: bool
    """Some finding failed: the site has gaps."""
    internal_errors: int = 0


def check_site(request: CrawlRequest, profile: Profile, store: Store, as_of: dt.date, out: Path) -> Outcome:
    rules = rules_of(profile)
    if request.resume:
        run_id = store.resumable_run(request.url)
        if run_id is None:
            raise ConfigError(f"{redact(request.url)}: no stopped run of this portal to resume in {store.path}; "
                              "run without --resume")
    else:
        run_id = store.start_run(profile.name, request.url, profile.name, as_of, profile.crawl.max_pages)
    stats = crawl(request, store, run_id)
    return conclude(store, run_id, request.url, profile, rules, stats, out)


def rules_of(profile: Profile) -> list[checks.Rule]:
    try:
        return checks.select(list(profile.select) or None, list(profile.ignore))
    except checks.UnknownRule as exc:
        raise ConfigError(f"{profile.path}: key 'select'/'ignore': {exc.args[0]}; run `gapcheck rules`") from None


def conclude(store: Store, run_id: int, url: str, profile: Profile, rules: list[checks.Rule],
             stats: checks.CrawlStats, out: Path) -> Outcome:
    """After the crawl: the run's findings and reports, or CrawlStartError when the portal did not answer."""
    if stats.interrupted:
        store.interrupt_run(run_id)
        raise CrawlInterrupted(f"{redact(url)}: the crawl (run {run_id}) was stopped before it finished; "
                               f"`gapcheck check {redact(url)} --resume` goes on from where it stopped")
    store.finish_crawl(run_id, stats)
    site = store.load_site(run_id)
    start = site.home
    if start is None or start.status is None:
        reason = start.error if start is not None else "no answer"
        store.fail_run(run_id, reason)
        if reason.startswith(FetchError.ROBOTS):
            raise CrawlStartError(f"{redact(url)}: robots.txt forbids crawling the start page; a bureau checking "
                                  "its own portal may pass --ignore-robots (or set crawl.obey_robots: false)")
        raise CrawlStartError(f"{redact(url)}: the portal did not answer ({reason}); check the URL and "
                              "that the site is reachable from this machine")
    outcome = evaluate(store, run_id, profile, rules, out, site)
    return dataclasses.replace(outcome, internal_errors=stats.internal_errors)


def evaluate(store: Store, run_id: int, profile: Profile, rules: list[checks.Rule], out: Path,
             site: checks.Site | None = None) -> Outcome:
    """Runs the rules over a stored crawl, stores the findings and writes the reports."""
    site = site or store.load_site(run_id)
    findings, ctx = checks.run(site, profile.options, rules)
    severity_of = {r.code: r.severity for r in checks.RULES}
    caps = {r.code: ctx.option(r.code, "cap") for r in rules if "cap" in r.defaults}
    summary = checks.summarize(findings, severity_of, caps)
    finished = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    report = build_report(store.run(run_id), finished, profile, rules, findings, ctx, summary)
    history.annotate(report, store, run_id)
    store.finish_run(run_id, findings, severity_of, report)
    try:
        html = write_reports(report, out)
    except OSError as exc:  # a full disk, a read-only folder: the run is stored, only the files are missing
        raise GapcheckError(f"{out}: cannot write the reports ({exc.strerror or exc}); free disk space there or pass "
                            f"--out with another folder (the run is stored: gapcheck diff/history read it)") from exc
    failed = summary.counts[checks.Status.FAIL] > 0
    return Outcome(run_id, report, html, failed)
