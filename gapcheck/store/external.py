"""Answers of external links, kept across runs: a nightly run need not ask a working external link again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from checks.answers import plain_verdict
from core.model import LinkCheck, Verdict

from .database import Database, now
from .rows import LINK_CHECK_COLUMNS, link_check


class ExternalCache(Database):
    """The answers of working external links, shared by every run in the store."""

    def fresh_external(self, days: float) -> dict[str, LinkCheck]:
        """External targets that answered within `days`: a nightly run need not ask them again."""
        if days <= 0:
            return {}
        since = (dt.datetime.now(dt.UTC) - dt.timedelta(days=days)).isoformat(timespec="seconds")
        keep: dict = {}
        return {
            row[0]: link_check(row, keep.setdefault)
            for row in self.db.execute(
                "SELECT url, status, NULL, NULL, final_url, content_type, redirects, checked_at, NULL, NULL, NULL, NULL "
                "FROM external_checks "
                "WHERE checked_at >= ?",
                (since,),
            )
        }

    def remember_external(self, run_id: int, is_external: Callable[[str], bool]) -> int:
        """Keeps this run's answers of external targets: the ok ones to reuse, the others forgotten.

        Only working links are reused: a broken or undecided one is asked again every run, so a fixed
        link never stays broken in a report for days.
        """
        keep, forget = [], []
        checked_at = now()
        strings: dict = {}
        for row in self.db.execute(
            f"SELECT {LINK_CHECK_COLUMNS} FROM link_checks WHERE run_id = ? AND checked_at IS NULL", (run_id,)
        ).fetchall():
            check = link_check(row, strings.setdefault)
            if not is_external(check.url):
                continue
            if plain_verdict(check) is Verdict.OK:
                keep.append((check.url, check.status, check.final_url, check.content_type, check.redirects, checked_at))
            else:
                forget.append((check.url,))
        with self.transaction() as db:
            db.executemany("INSERT OR REPLACE INTO external_checks VALUES (?,?,?,?,?,?)", keep)
            db.executemany("DELETE FROM external_checks WHERE url = ?", forget)
        return len(keep)
