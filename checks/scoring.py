"""The score and verdict an inspector would give, from the findings alone."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
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


def charged_rules(failing: Iterable[tuple[str, str, float]]) -> dict[str, tuple[str, float]]:
    """For each subject of the failing (rule, subject, deduction)s, the rule whose deduction counts for it and
    that deduction: the rule that deducts most for the subject (the first of equals)."""
    by_subject: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for rule, subject, deduction in failing:
        by_subject[subject][rule] += deduction
    return {subject: max(rules.items(), key=lambda item: item[1]) for subject, rules in by_subject.items()}


def counted_per_rule(failing: Iterable[tuple[str, str, float]]) -> dict[str, float]:
    """Points each rule deducts before caps, every subject counted once (charged_rules)."""
    per_rule: dict[str, float] = defaultdict(float)
    for rule, total in charged_rules(failing).values():
        per_rule[rule] += total
    return per_rule


def summarize(
    findings: list[Finding], severity_of: Mapping[str, Severity], caps: Mapping[str, float] | None = None
) -> Summary:
    """The score: 100 less each rule's deductions, capped where the profile or registry caps the rule.

    The same subject (a column, an entry) failed by several rules costs once: the rule that deducts most
    for it counts, the others not. Any failing veto finding fails the site.
    """
    counts = Counter(f.status for f in findings)
    failing = [f for f in findings if f.status is Status.FAIL]
    per_rule = counted_per_rule((f.rule, f.subject, f.deduction) for f in failing)
    caps = caps or {}
    deductions = {code: round(min(total, caps.get(code, total)), 2) for code, total in per_rule.items() if total}
    score = round(max(0.0, FULL_SCORE - sum(deductions.values())), 1)
    vetoes = sum(1 for f in failing if (f.severity or severity_of[f.rule]) is Severity.VETO)
    verdict = SiteVerdict.FAILED if vetoes or score < PASS_MARK else SiteVerdict.PASSED
    return Summary(len(findings), {s: counts.get(s, 0) for s in Status}, score, vetoes, verdict, deductions)
