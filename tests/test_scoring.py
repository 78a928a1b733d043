"""checks/scoring.py: the verdict and score an inspector would give, from the findings alone."""

from __future__ import annotations

import pytest

from checks import Finding, Severity, SiteVerdict, Status, summarize

SEVERITY = {"GK101": Severity.MAJOR, "GK203": Severity.VETO, "GK302": Severity.MINOR}


def finding(status: Status, deduction: float = 0.0, rule: str = "GK101", severity: Severity | None = None) -> Finding:
    return Finding(rule, status, f"{rule} 的检查对象", deduction=deduction, severity=severity)


@pytest.mark.parametrize(
    ("findings", "score", "vetoes", "verdict"),
    [
        pytest.param([], 100.0, 0, SiteVerdict.PASSED, id="nothing"),
        pytest.param(
            [finding(Status.FAIL, 5), finding(Status.FAIL, 2), finding(Status.FAIL, 0.1, "GK302")],
            92.9,
            0,
            SiteVerdict.PASSED,
            id="fails-summed",
        ),
        pytest.param(
            [finding(s, 5) for s in (Status.PASS, Status.WARN, Status.UNVERIFIED, Status.MANUAL)],
            100.0,
            0,
            SiteVerdict.PASSED,
            id="only-fails-deduct",
        ),
        pytest.param([finding(Status.FAIL, 40)], 60.0, 0, SiteVerdict.PASSED, id="60-passes"),
        pytest.param([finding(Status.FAIL, 40.1)], 59.9, 0, SiteVerdict.FAILED, id="below-60-fails"),
        pytest.param(
            [finding(Status.FAIL, 80), finding(Status.FAIL, 80)], 0.0, 0, SiteVerdict.FAILED, id="never-below-zero"
        ),
        pytest.param([finding(Status.FAIL, rule="GK203")], 100.0, 1, SiteVerdict.FAILED, id="veto-rule"),
        pytest.param([finding(Status.PASS, rule="GK203")], 100.0, 0, SiteVerdict.PASSED, id="passing-veto-rule"),
        pytest.param([finding(Status.WARN, rule="GK203")], 100.0, 0, SiteVerdict.PASSED, id="warning-veto-rule"),
        pytest.param(
            [finding(Status.FAIL, severity=Severity.VETO)],
            100.0,
            1,
            SiteVerdict.FAILED,
            id="finding-severity-overrides",
        ),
        pytest.param(
            [finding(Status.FAIL, rule="GK203", severity=Severity.MAJOR)],
            100.0,
            0,
            SiteVerdict.PASSED,
            id="override-downgrades-veto",
        ),
    ],
)
def test_summarize(findings, score, vetoes, verdict):
    summary = summarize(findings, SEVERITY)
    assert (summary.score, summary.vetoes, summary.verdict) == (score, vetoes, verdict)
    assert summary.checked == len(findings)


def test_counts_every_status():
    summary = summarize([finding(Status.FAIL, 1), finding(Status.FAIL), finding(Status.PASS)], SEVERITY)
    assert summary.counts == {Status.PASS: 1, Status.FAIL: 2, Status.WARN: 0, Status.UNVERIFIED: 0, Status.MANUAL: 0}


def test_a_rules_deductions_are_capped_and_reported_per_rule():
    broken = [Finding("GK302", Status.FAIL, f"http://x.gov.cn/{i}.pdf", deduction=0.1) for i in range(150)]
    summary = summarize(broken, {"GK302": Severity.MINOR}, {"GK302": 10.0})
    assert summary.deductions == {"GK302": 10.0} and summary.score == 90.0
    assert summarize(broken, {"GK302": Severity.MINOR}).score == 85.0


def test_the_same_subject_failed_by_two_rules_costs_once():
    findings = [
        Finding("GK101", Status.FAIL, "办事指南", deduction=2.0),
        Finding("GK701", Status.FAIL, "办事指南", deduction=16.0),
        Finding("GK201", Status.FAIL, "商务动态", deduction=3.0),
        Finding("GK201", Status.FAIL, "商务动态", url="http://x.gov.cn/b/", deduction=3.0),
    ]
    summary = summarize(findings, {"GK101": Severity.MAJOR, "GK701": Severity.MAJOR, "GK201": Severity.MAJOR})
    assert summary.deductions == {"GK701": 16.0, "GK201": 6.0}  # two columns of one name are two columns
    assert summary.score == 78.0
