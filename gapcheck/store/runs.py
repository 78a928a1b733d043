"""A run's life in the store: started, crawled, judged (or failed, or stopped and resumed), pruned at last.

Runs are never overwritten, so later runs can be compared with earlier ones.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass
from enum import StrEnum

from checks import Finding, Severity, SiteVerdict
from core.errors import StoreError
from core.model import CrawlStats

from ..cli_words import ERROR
from .database import Database, now
from .findings import finding_rows
from .keys import site_key


class RunState(StrEnum):
    """Where a run is. A run is CRAWLING from its start; a crawl that stopped there (killed, or INTERRUPTED)
    is resumed with `--resume`."""

    CRAWLING = "crawling"
    INTERRUPTED = "interrupted"
    """The crawl was stopped (a signal, a stop request) and can go on with `--resume`."""
    CRAWLED = "crawled"
    """Crawled and stored; not yet judged, or stopped while judging or writing its reports."""
    DONE = "done"
    """Judged: its findings, verdict, score and report are stored."""
    FAILED = "failed"
    """The portal did not answer, or answered with something that is not the portal: nothing to judge."""


STOPPED = (RunState.CRAWLING, RunState.INTERRUPTED)
"""The states of a run whose crawl stopped before it ended: `--resume` goes on with it."""
FINISHED = (RunState.DONE, RunState.FAILED)
"""The states of a run that is over: what `prune` keeps the newest of."""


@dataclass(frozen=True)
class RunInfo:
    id: int
    site: str
    start_url: str
    profile: str
    as_of: dt.date
    started_at: str
    finished_at: str | None
    state: RunState
    pages: int
    links_checked: int


@dataclass(frozen=True)
class RunRow:
    """A run as `gapcheck history` lists it."""

    id: int
    start_url: str
    as_of: str
    finished_at: str | None
    state: RunState
    verdict: str | None
    score: float | None


class Runs(Database):
    """Starting, finishing, failing, stopping and pruning runs, and reading what they were."""

    def start_run(
        self,
        site: str,
        start_url: str,
        profile: str,
        as_of: dt.date,
        page_limit: int,
        started_with: dict | None = None,
    ) -> int:
        """`started_with`: the profile and options the run was started with, which `--resume` goes on with."""
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO runs (site, start_url, profile, as_of, started_at, state, page_limit, started_with) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    site,
                    start_url,
                    profile,
                    as_of.isoformat(),
                    now(),
                    RunState.CRAWLING,
                    page_limit,
                    json.dumps(started_with, ensure_ascii=False) if started_with is not None else None,
                ),
            )
            assert cur.lastrowid is not None  # an INSERT into a rowid table
            return cur.lastrowid

    def finish_crawl(self, run_id: int, stats: CrawlStats) -> None:
        notes = {
            "hosts": [dataclasses.asdict(h) for h in stats.hosts],
            "reused": stats.reused,
            "second_pass": stats.second_pass,
            "not_modified": stats.not_modified,
            "traps": [dataclasses.asdict(t) for t in stats.traps],
            "certificate": dataclasses.asdict(stats.certificate) if stats.certificate else None,
            "not_found": [dataclasses.asdict(n) for n in stats.not_found],
            "internal_errors": stats.internal_errors,
        }
        with self.transaction() as db:
            checked = db.execute("SELECT count(*) FROM link_checks WHERE run_id = ?", (run_id,)).fetchone()[0]
            db.execute(
                "UPDATE runs SET state = ?, pages = ?, links_checked = ?, page_limit_reached = ?, "
                "errors = ?, crawl_notes = ? WHERE id = ?",
                (
                    RunState.CRAWLED,
                    stats.pages,
                    checked,
                    int(stats.page_limit_reached),
                    stats.errors,
                    json.dumps(notes, ensure_ascii=False),
                    run_id,
                ),
            )

    def finish_run(
        self,
        run_id: int,
        findings: list[Finding],
        severity_of: dict[str, Severity],
        report: dict,
        *,
        finished_at: str,
        verdict: SiteVerdict,
        score: float,
    ) -> None:
        """The run judged: its findings, its verdict and score (what `gapcheck history` lists) and its report,
        kept whole as JSON."""
        rows = finding_rows(run_id, findings, severity_of)
        with self.transaction() as db:
            db.execute("DELETE FROM findings WHERE run_id = ?", (run_id,))
            db.executemany("INSERT INTO findings VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
            db.execute(
                "UPDATE runs SET state = ?, finished_at = ?, verdict = ?, score = ?, report = ? WHERE id = ?",
                (RunState.DONE, finished_at, verdict, score, json.dumps(report, ensure_ascii=False), run_id),
            )

    def fail_run(self, run_id: int, reason: str) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE runs SET state = ?, finished_at = ?, report = ? WHERE id = ?",
                (RunState.FAILED, now(), json.dumps({"error": reason}, ensure_ascii=False), run_id),
            )

    def interrupt_run(self, run_id: int) -> None:
        with self.transaction() as db:
            db.execute("UPDATE runs SET state = ? WHERE id = ?", (RunState.INTERRUPTED, run_id))

    def run(self, run_id: int) -> RunInfo:
        row = self.db.execute(
            "SELECT id, site, start_url, profile, as_of, started_at, finished_at, state, pages, links_checked "
            "FROM runs WHERE id = ?",
            (run_id,),
        ).fetchone()
        if row is None:
            raise StoreError(ERROR["store_no_run"].format(db=self.path, id=run_id))
        run_id, site, start_url, profile, as_of, started_at, finished_at, state, pages, checked = row
        return RunInfo(
            run_id,
            site,
            start_url,
            profile,
            dt.date.fromisoformat(as_of),
            started_at,
            finished_at,
            RunState(state),
            pages,
            checked,
        )

    def has_run(self, run_id: int) -> bool:
        return self.db.execute("SELECT 1 FROM runs WHERE id = ?", (run_id,)).fetchone() is not None

    def runs_of_site(self, start_url: str, *, before: int | None = None, done_only: bool = False) -> list[RunRow]:
        """The runs of the site `start_url` names (same start URL but for scheme and port), oldest first."""
        sql = (
            "SELECT id, start_url, as_of, finished_at, state, verdict, score FROM runs "
            "WHERE gapcheck_site_key(start_url) = ?"
        )
        params: list = [site_key(start_url)]
        if before is not None:
            sql += " AND id < ?"
            params.append(before)
        if done_only:
            sql += " AND state = ?"
            params.append(RunState.DONE)
        return [
            RunRow(run_id, url, as_of, finished_at, RunState(state), verdict, score)
            for run_id, url, as_of, finished_at, state, verdict, score in self.db.execute(sql + " ORDER BY id", params)
        ]

    def resumable_run(self, start_url: str) -> int | None:
        """The site's newest run, when it stopped while crawling (killed, or interrupted)."""
        runs = self.runs_of_site(start_url)
        return runs[-1].id if runs and runs[-1].state in STOPPED else None

    def started_with(self, run_id: int) -> dict | None:
        """What the run was started with (gapcheck/run_options.py); None for a run stored before schema 10."""
        row = self.db.execute("SELECT started_with FROM runs WHERE id = ?", (run_id,)).fetchone()
        return json.loads(row[0]) if row and row[0] else None

    def to_resume(self, start_url: str) -> tuple[int, dict | None] | None:
        """The run `--resume` goes on with (the site's newest, when its crawl stopped or it was stopped while
        judging) and what it was started with (None for a run stored before schema 10)."""
        runs = self.runs_of_site(start_url)
        if not runs or runs[-1].state not in (*STOPPED, RunState.CRAWLED):
            return None
        return runs[-1].id, self.started_with(runs[-1].id)

    def prune(self, start_url: str, keep: int) -> int:
        """Deletes the site's runs older than its `keep` newest finished ones (their pages, links, checks
        and findings go with them); runs still crawling are left alone. The number of runs deleted."""
        runs = self.runs_of_site(start_url)
        finished = [r for r in runs if r.state in FINISHED]
        if len(finished) <= keep:
            return 0
        cutoff = finished[-keep].id
        old = [(r.id,) for r in runs if r.id < cutoff and r.state not in STOPPED]
        with self.transaction() as db:
            db.executemany("DELETE FROM runs WHERE id = ?", old)
        return len(old)
