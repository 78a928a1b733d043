"""8xx: what only a person can judge is listed for them in every report, and never passes or fails."""

from __future__ import annotations

import pytest
from sitebuilder import build_site, check, page

from checks import Options, Severity, Status, summarize
from checks.registry import RULES

SITE = build_site({"": page("<h2>要闻</h2>")})


@pytest.mark.parametrize(
    ("code", "status"),
    [("GK801", Status.MANUAL), ("GK802", Status.MANUAL), ("GK803", Status.MANUAL), ("GK804", Status.UNVERIFIED)],
)
def test_manual_items_are_listed_for_a_person(code, status):
    [finding] = check(code, SITE, Options())
    assert finding.status is status and finding.severity is Severity.VETO and finding.evidence
    summary = summarize([finding], {r.code: r.severity for r in RULES})
    assert summary.vetoes == 0 and summary.score == 100.0  # an open question is not a verdict


def test_availability_says_what_this_crawl_saw():
    [finding] = check("GK804", SITE, Options())
    assert "数据不足" in finding.evidence and "HTTP 200" in finding.evidence
