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


class Findings(Database):
    """Reading a run's failing findings back (`finish_run` writes them)."""

    def fail_count(self, run_id: int) -> int:
        """How many findings of a run failed (what `failing` would return, without loading them)."""
        return self.db.execute(
            "SELECT count(*) FROM findings WHERE run_id = ? AND status = ?", (run_id, Status.FAIL)
        ).fetchone()[0]

    def failing(self, run_id: int) -> list[StoredFinding]:
        """The failing findings of a run, in report order, each with its fingerprint."""
        return [
            StoredFinding(*row)
            for row in self.db.execute(
                "SELECT rule, subject, url, evidence, message, severity, "
                "COALESCE(fingerprint, gapcheck_fingerprint(rule, subject, url)) "
                "FROM findings WHERE run_id = ? AND status = ? ORDER BY seq",
                (run_id, Status.FAIL),
            )
        ]
