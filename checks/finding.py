"""What a rule says about one subject: the finding, its status and its weight."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How much a failing finding weighs in an inspection."""

    VETO = "veto"
    """单项否决: one failing finding fails the whole site."""
    MAJOR = "major"
    MINOR = "minor"
    INFO = "info"


class Status(StrEnum):
    """The outcome of one check on one subject."""

    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    UNVERIFIED = "unverified"
    """The crawl could not decide (the target did not answer clearly); never counted as a gap."""
    MANUAL = "manual"
    """Only a person can decide; listed for them to confirm, never a pass."""


PAGES_SHOWN = 3
"""Pages named in one line of evidence before it says 等 N 个页面."""


def pages_named(urls: list[str]) -> str:
    """Evidence wording for where something was seen: "a、b、c 等 7 个页面"."""
    more = f" 等 {len(urls)} 个页面" if len(urls) > PAGES_SHOWN else ""
    return "、".join(urls[:PAGES_SHOWN]) + more


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule's verdict on one subject, with the evidence a person can follow."""

    rule: str
    status: Status
    subject: str
    """The thing checked, in the portal's own words: a column name, a banner text, a link URL."""
    message: str = ""
    url: str = ""
    evidence: str = ""
    deduction: float = 0.0
    """Points this finding costs the site's score (0 unless it fails)."""
    severity: Severity | None = None
    """Overrides the rule's severity, for requirements that the profile weighs differently."""
