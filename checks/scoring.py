"""The score and verdict an inspector would give, from the findings alone."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
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
    deductions: dict[str, float] = field(default_factory=dict)
    """Points lost per rule code, after caps."""


def summarize(findings: list[Finding], severity_of: Mapping[str, Severity],
              caps: Mapping[str, float] | None = None) -> Summary:
    """Deductions are summed per rule, each rule's total capped where the profile or registry caps it;
    any failing veto finding fails the site."""
    counts = Counter(f.status for f in findings)
    failing = [f for f in findings if f.status is Status.FAIL]
    per_rule: dict[str, float] = defaultdict(float)
    for f in failing:
        per_rule[f.rule] += f.deduction
    caps = caps or {}
    deductions = {code: round(min(total, caps.get(code, total)), 2) for code, total in per_rule.items() if total}
    score = round(max(0.0, FULL_SCORE - sum(deductions.values())), 1)
    vetoes = sum(1 for f in failing if (f.severity or severity_of[f.rule]) is Severity.VETO)
    verdict = SiteVerdict.FAILED if vetoes or score < PASS_MARK else SiteVerdict.PASSED
    return Summary(len(findings), {s: counts.get(s, 0) for s in Status}, score, vetoes, verdict, deductions)
