"""Home-page probes (`gapcheck probe`): how often a site answered, judged over the days before a run."""

from __future__ import annotations

import datetime as dt

from core.model import Availability

from .database import Database
from .keys import site_key


class Probes(Database):
    """Recording home-page probes and judging a site's availability on them."""

    PROBE_DAYS = 7
    """The period before a run whose probes the run's availability is judged on."""

    def record_probe(
        self,
        url: str,
        ok: bool,
        status: int | None,
        elapsed: float | None,
        error: str = "",
        at: dt.datetime | None = None,
    ) -> None:
        """One probe of the home page `url`, at `at` (default now; a naive time is taken as UTC)."""
        when = at or dt.datetime.now(dt.UTC)
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        with self.transaction() as db:
            db.execute(
                "INSERT INTO probes (site, url, probed_at, outcome, status, elapsed, error) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    site_key(url),
                    url,
                    when.astimezone(dt.UTC).isoformat(timespec="seconds"),
                    "ok" if ok else "failed",
                    status,
                    elapsed,
                    error or None,
                ),
            )

    def availability(self, start_url: str, until: str) -> Availability | None:
        """The probes of the site `start_url` names in the `PROBE_DAYS` days up to `until` (UTC ISO)."""
        end = dt.datetime.fromisoformat(until)
        if end.tzinfo is None:
            end = end.replace(tzinfo=dt.UTC)
        end = end.astimezone(dt.UTC)
        since = (end - dt.timedelta(days=self.PROBE_DAYS)).isoformat(timespec="seconds")
        count, failures, first, last = self.db.execute(
            "SELECT count(*), coalesce(sum(outcome != 'ok'), 0), min(probed_at), max(probed_at) FROM probes "
            "WHERE site = ? AND probed_at >= ? AND probed_at <= ?",
            (site_key(start_url), since, end.isoformat(timespec="seconds")),
        ).fetchone()
        if not count:
            return None
        days = (dt.datetime.fromisoformat(last) - dt.datetime.fromisoformat(first)).total_seconds() / 86400
        return Availability(count, failures, first, last, days)
