"""The score and verdict an inspector would give, from the findings alone."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from .finding import Finding, Severity, Status

FULL_SCORE = 100.0
PASS_MARK = 60.0


class SiteVerdict(StrEnum):
    """The inspectors' conclusion on the whole site."""

    PASSED = "合格"
    FAILED = "不合格"


@dataclass(frozen=True)
class Summary:
    checked: int
    counts: dict[Status, int]
    score: float
    vetoes: int
    verdict: SiteVerdict


def summarize(findings: list[Finding], severity_of: dict[str, Severity]) -> Summary:
    """Deductions are summed per failing finding; any failing veto finding fails the site."""
    counts = Counter(f.status for f in findings)
    failing = [f for f in findings if f.status is Status.FAIL]
    deducted = sum(f.deduction for f in failing)
    score = round(max(0.0, FULL_SCORE - deducted), 1)
    vetoes = sum(1 for f in failing if (f.severity or severity_of[f.rule]) is Severity.VETO)
    verdict = SiteVerdict.FAILED if vetoes or score < PASS_MARK else SiteVerdict.PASSED
    return Summary(len(findings), {s: counts.get(s, 0) for s in Status}, score, vetoes, verdict)
