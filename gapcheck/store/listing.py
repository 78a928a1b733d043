"""What a store holds, site by site and run by run (`gapcheck sites`, `gapcheck runs`), and which site a name,
a host or a URL means (`gapcheck runs`, `gapcheck history`)."""

from __future__ import annotations

from dataclasses import dataclass

from core.urls import host_of

from .findings import Findings
from .keys import site_key
from .runs import RunState


@dataclass(frozen=True)
class RunLine:
    """One run as `gapcheck runs` lists it."""

    id: int
    site: str
    """`site_key(start_url)`: the site's identity across scheme and port."""
    name: str
    start_url: str
    as_of: str
    started_at: str
    finished_at: str | None
    state: RunState
    verdict: str | None
    score: float | None
    fail: int | None
    """Open problems (failing findings, false positives left out) of a judged run; None for any other."""
    derived_from: int | None
    """The run a `gapcheck recheck` run copied; None for a full crawl."""


@dataclass(frozen=True)
class SiteLine:
    """One site as `gapcheck sites` lists it: its name, how many runs, and its newest run."""

    site: str
    name: str
    runs: int
    last: RunLine
    last_done: RunLine | None


class Listing(Findings):
    """Runs and sites as listed for a person."""

    def run_lines(self, site: str | None = None) -> list[RunLine]:
        """Every run, or one site's (a `site_key`), oldest first."""
        lines = []
        for row in self.db.execute(
            "SELECT r.id, gapcheck_site_key(r.start_url), COALESCE(json_extract(r.report, '$.site.name'), r.site), "
            "r.start_url, r.as_of, r.started_at, r.finished_at, r.state, r.verdict, r.score, c.derived_from "
            "FROM runs r LEFT JOIN rechecks c ON c.run_id = r.id ORDER BY r.id"
        ):
            run_id, key, name, url, as_of, started, finished, state, verdict, score, derived = row
            if site is not None and key != site:
                continue
            done = RunState(state) is RunState.DONE
            lines.append(
                RunLine(
                    run_id,
                    key,
                    name or "",
                    url,
                    as_of,
                    started,
                    finished,
                    RunState(state),
                    verdict,
                    score,
                    self.fail_count(run_id) if done else None,
                    derived,
                )
            )
        return lines

    def crawled_urls(self, run_id: int) -> list[tuple]:
        """Every page the run fetched or tried: URL, final URL, status, title, depth, referrer, error; by
        depth, then URL."""
        return self.db.execute(
            "SELECT url, final_url, status, title, depth, referrer, error FROM pages WHERE run_id = ? "
            "ORDER BY depth, url",
            (run_id,),
        ).fetchall()

    def site_lines(self) -> list[SiteLine]:
        """Every site the store has runs of, in the order first checked; named by its newest judged run."""
        by_site: dict[str, list[RunLine]] = {}
        for line in self.run_lines():
            by_site.setdefault(line.site, []).append(line)
        sites = []
        for key, runs in by_site.items():
            done = [r for r in runs if r.state is RunState.DONE]
            last_done = done[-1] if done else None
            sites.append(SiteLine(key, (last_done or runs[-1]).name, len(runs), runs[-1], last_done))
        return sites

    def sites_named(self, text: str) -> list[SiteLine]:
        """The sites `text` names: a start URL (scheme and port do not count), a host, or a site's name."""
        sites = self.site_lines()
        wanted = text.strip()
        if "://" in wanted:
            key = site_key(wanted)
            return [s for s in sites if s.site == key]
        host = wanted.lower().rstrip("/")
        by_host = [s for s in sites if host_of(s.last.start_url) == host or s.site.rstrip("/") == host]
        return by_host or [s for s in sites if s.name == wanted]
