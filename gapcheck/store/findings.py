"""A run's findings as stored, each with its fingerprint, for comparing runs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from checks import Finding, Severity, Status

from .database import Database
from .keys import fingerprint


@dataclass(frozen=True)
class StoredFinding:
    """A failing finding as stored, for comparing runs."""

    rule: str
    subject: str
    url: str | None
    evidence: str | None
    message: str | None
    severity: str
    fingerprint: str


def finding_rows(run_id: int, findings: Iterable[Finding], severity_of: dict[str, Severity]) -> list[tuple]:
    """`findings` as rows of the findings table, in report order."""
    return [
        (
            run_id,
            i,
            f.rule,
            f.status.value,
            (f.severity or severity_of[f.rule]).value,
            f.subject,
            f.message,
            f.url,
            f.evidence,
            f.deduction,
            fingerprint(f.rule, f.subject, f.url),
        )
        for i, f in enumerate(findings)
    ]


_COUNTED = (
    "FROM findings WHERE run_id = ? AND status = ? AND COALESCE(fingerprint, gapcheck_fingerprint(rule, subject, url)) "
    "NOT IN (SELECT fingerprint FROM acceptances WHERE kind = 'false_positive' AND withdrawn_at IS NULL "
    "AND site = (SELECT gapcheck_site_key(start_url) FROM runs WHERE id = ?))"
)
"""A run's findings of one status, less those a person dismissed as false positives for the site
(`gapcheck accept --false-positive`): they are stored as the rules judged, and counted in no run."""


class Findings(Database):
    """Reading a run's failing findings back (`finish_run` writes them)."""

    def fail_count(self, run_id: int) -> int:
        """How many findings of a run failed (what `failing` would return, without loading them)."""
        return self.db.execute(f"SELECT count(*) {_COUNTED}", (run_id, Status.FAIL, run_id)).fetchone()[0]

    def failing(self, run_id: int) -> list[StoredFinding]:
        """The failing findings of a run (false positives left out), in report order, each with its fingerprint."""
        return [
            StoredFinding(*row)
            for row in self.db.execute(
                "SELECT rule, subject, url, evidence, message, severity, "
                f"COALESCE(fingerprint, gapcheck_fingerprint(rule, subject, url)) {_COUNTED} ORDER BY seq",
                (run_id, Status.FAIL, run_id),
            )
        ]
