"""`gapcheck recheck URL…`: after a fix, fetch just those pages (and check their links) again and judge the
site anew, without a full polite crawl.

History stays honest: the recheck is a new run, derived from the newest judged run that has the first
page. It holds a copy of that run's pages, links and link checks, with the pages asked for (and the
targets of their links) fetched again over the copy; `gapcheck runs` shows what it was derived from. The
crawl is gapcheck's own (gapcheck/crawl.py), each page a start URL at depth 0, so its in-site links are
checked, not crawled.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from core.errors import ConfigError
from core.redaction import redact
from core.urls import host_of

from ..crawl import crawl_many
from ..crawl_request import CrawlRequest
from ..lock import site_lock
from ..profile import load_profile
from ..report.labels import COMMANDS
from ..report_folders import run_folder
from ..run_options import run_profile
from ..runner import Outcome, evaluate, rules_of
from ..store import RunState, Store


def recheck(
    store: Store,
    urls: list[str],
    *,
    out: Path | None,
    as_of: dt.date | None,
    profile: str | None,
    delay: float | None,
) -> Outcome:
    store.verify()  # before a run is added, as `gapcheck check` does
    source = _source_run(store, urls[0])
    info = store.run(source)
    host = host_of(info.start_url)
    for url in urls:
        if host_of(url) != host:
            raise ConfigError(COMMANDS["recheck_other_site"].format(url=redact(url), id=source, start=info.start_url))
    chosen = load_profile(profile) if profile else run_profile(store, source, info.profile)
    if chosen is None:
        raise ConfigError(COMMANDS["recheck_profile"].format(db=store.path, id=source, profile=info.profile))
    options = dataclasses.replace(chosen.crawl, max_depth=0, incremental=False)
    if delay is not None:
        options = dataclasses.replace(options, delay=delay)
    targets = store.recheck_targets(source, urls)
    with site_lock(store.path, info.start_url):
        # Judged at the source run's date unless asked: what changes is what was fetched again, not the clock.
        run_id = store.derive_run(source, as_of or info.as_of, list(targets))
        print(COMMANDS["recheck_head"].format(n=len(targets), id=source, new=run_id), flush=True)
        jobs = [(CrawlRequest(url, options), run_id) for url in targets.values()]
        for outcome in crawl_many(jobs, store):
            if isinstance(outcome, BaseException):
                store.fail_run(run_id, str(outcome))
                raise outcome
        store.finish_recheck(run_id, source, targets)
        return evaluate(store, run_id, chosen, rules_of(chosen), out or run_folder(info.start_url, dt.datetime.now()))


def _source_run(store: Store, url: str) -> int:
    """The newest judged run with the page, else the newest judged run of its host (a page new since)."""
    found = store.last_run_with(url)
    if found is not None:
        return found
    host = host_of(url)
    runs = [r.id for r in store.run_lines() if r.state is RunState.DONE and host_of(r.start_url) == host]
    if not runs:
        raise ConfigError(COMMANDS["recheck_no_run"].format(db=store.path, url=redact(url)))
    return runs[-1]
