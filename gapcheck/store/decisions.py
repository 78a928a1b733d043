"""What people decided about a site, kept across its runs: findings accepted or dismissed as false positives
(`gapcheck accept`), and the results of the items only a person can check (`gapcheck manual`).

Both are keyed by the site (`site_key`) and the finding's identity across runs (its fingerprint) or the
rule, so a later run of the same site carries them. Nothing is deleted: a withdrawn acceptance and an
overridden manual result stay, with who and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .database import Database, now

_WITHDRAW = "UPDATE acceptances SET withdrawn_at = ?, withdrawn_by = ? WHERE site = ? AND fingerprint = ? AND withdrawn_at IS NULL"
"""Ends the decision in force for a finding: a new decision replaces it, or `gapcheck accept --withdraw`."""


class AcceptKind(StrEnum):
    """What a person said of a finding."""

    ACCEPTED = "accepted"
    """Known and accepted (a deliberate exception): it still counts for the score and the verdict."""
    FALSE_POSITIVE = "false_positive"
    """The rule is wrong here: it counts for neither."""


class ManualResult(StrEnum):
    PASS = "pass"
    FAIL = "fail"


@dataclass(frozen=True)
class Acceptance:
    id: int
    site: str
    fingerprint: str
    kind: AcceptKind
    rule: str
    subject: str
    url: str
    reason: str
    by: str
    at: str
    run_id: int | None


@dataclass(frozen=True)
class ManualEntry:
    id: int
    site: str
    rule: str
    result: ManualResult
    note: str
    by: str
    at: str
    run_id: int | None


_ACCEPTANCE = (
    "SELECT id, site, fingerprint, kind, rule, subject, COALESCE(url, ''), reason, decided_by, decided_at, run_id "
    "FROM acceptances WHERE withdrawn_at IS NULL"
)


class Decisions(Database):
    """Recording and reading people's decisions about a site's findings."""

    def accept(
        self,
        site: str,
        fingerprint: str,
        kind: AcceptKind,
        *,
        rule: str,
        subject: str,
        url: str,
        reason: str,
        by: str,
        run_id: int,
    ) -> int:
        """Records the decision, replacing (withdrawing) the one in force for that finding; its id."""
        at = now()
        with self.transaction() as db:
            db.execute(_WITHDRAW, (at, by, site, fingerprint))
            cur = db.execute(
                "INSERT INTO acceptances (site, fingerprint, kind, rule, subject, url, reason, decided_by, "
                "decided_at, run_id) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (site, fingerprint, kind, rule, subject, url, reason, by, at, run_id),
            )
            assert cur.lastrowid is not None  # an INSERT into a rowid table
            return cur.lastrowid

    def withdraw(self, site: str, fingerprint: str, by: str) -> int:
        """Withdraws the decision in force for that finding; how many were (0 or 1)."""
        with self.transaction() as db:
            return db.execute(_WITHDRAW, (now(), by, site, fingerprint)).rowcount

    def acceptances(self, site: str | None = None) -> list[Acceptance]:
        """The decisions in force, of one site or of all, oldest first."""
        sql, params = _ACCEPTANCE, [] if site is None else [site]
        if site is not None:
            sql += " AND site = ?"
        return [
            Acceptance(i, s, fp, AcceptKind(k), *rest)
            for i, s, fp, k, *rest in self.db.execute(sql + " ORDER BY id", params)
        ]

    def record_manual(self, site: str, rule: str, result: ManualResult, *, note: str, by: str, run_id: int) -> int:
        """One person's result for a manual item; the newest for a site and rule is the one in force."""
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO manual_results (site, rule, result, note, decided_by, decided_at, run_id) "
                "VALUES (?,?,?,?,?,?,?)",
                (site, rule, result, note, by, now(), run_id),
            )
            assert cur.lastrowid is not None  # an INSERT into a rowid table
            return cur.lastrowid

    def manual_results(self, site: str) -> dict[str, ManualEntry]:
        """rule → the newest result entered for it on this site."""
        found: dict[str, ManualEntry] = {}
        for i, s, rule, result, *rest in self.db.execute(
            "SELECT id, site, rule, result, note, decided_by, decided_at, run_id FROM manual_results "
            "WHERE site = ? ORDER BY id",
            (site,),
        ):
            found[rule] = ManualEntry(i, s, rule, ManualResult(result), *rest)
        return found

    def finding_of(self, run_id: int, fingerprint: str) -> tuple[str, str, str] | None:
        """The rule, subject and URL of the run's finding with that fingerprint, whatever its status."""
        row = self.db.execute(
            "SELECT rule, subject, COALESCE(url, '') FROM findings WHERE run_id = ? "
            "AND COALESCE(fingerprint, gapcheck_fingerprint(rule, subject, url)) = ? ORDER BY seq LIMIT 1",
            (run_id, fingerprint),
        ).fetchone()
        return tuple(row) if row else None

    def rules_with_status(self, run_id: int, status: str) -> set[str]:
        """The rules with a finding of that status in the run (the manual items: Status.MANUAL)."""
        return {
            rule
            for (rule,) in self.db.execute(
                "SELECT DISTINCT rule FROM findings WHERE run_id = ? AND status = ?", (run_id, status)
            )
        }
