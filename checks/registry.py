"""The rule table: every code, its name, its family and the function that checks it.

Codes are `GK` + three digits; the first digit is the family: 1 required content, 2 freshness,
3 links, 4 政府信息公开, 5 site identity, 6 interaction, 7 online services, 8 items only a person can
judge, 9 crawl health. One module per family. A code is never renumbered or reused: retired codes stay in REMOVED.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from core.signs import CHALLENGE_TEXT

from . import content, crawl_health, disclosure, freshness, identity, interaction, links, manual, services
from .context import Context
from .finding import Finding, Severity


class Lifecycle(StrEnum):
    STABLE = "stable"
    PREVIEW = "preview"


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    """Kebab-case, names the problem flagged (read as "allow <name>")."""
    severity: Severity
    check: Callable[[Context], Iterator[Finding]]
    defaults: Mapping[str, float] = field(default_factory=dict)
    """The rule's settings and their defaults; a profile may override exactly these under rules.<code>."""
    lifecycle: Lifecycle = Lifecycle.STABLE

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.check.__doc__ or "")

    @property
    def title(self) -> str:
        """The short Chinese title: the docstring's first line up to the colon."""
        first = self.doc.splitlines()[0] if self.doc else self.name
        return re.split(r"[：:]", first, maxsplit=1)[0]

    @property
    def summary(self) -> str:
        return self.doc.splitlines()[0] if self.doc else ""

    def section(self, heading: str) -> str:
        m = re.search(rf"^## {heading}\n(.*?)(?=^## |\Z)", self.doc, re.S | re.M)
        return " ".join(m.group(1).split()) if m else ""

    @property
    def how_to_fix(self) -> str:
        return self.section("如何整改")

    @property
    def basis(self) -> str:
        return self.section("依据")


RULES: tuple[Rule, ...] = (
    Rule("GK101", "required-column-missing", Severity.MAJOR, content.required_column_missing),
    Rule("GK102", "homepage-banner-missing", Severity.MAJOR, content.homepage_banner_missing, {"top_share": 0.4}),
    Rule("GK103", "list-not-linked-to-city-portal", Severity.MAJOR, content.list_not_linked_to_city_portal),
    Rule("GK104", "required-part-missing", Severity.MAJOR, content.required_part_missing),
    Rule("GK105", "window-not-on-homepage", Severity.MAJOR, content.window_not_on_homepage),
    Rule("GK201", "column-not-updated", Severity.MAJOR, freshness.column_not_updated),
    Rule("GK202", "blank-column", Severity.MAJOR, freshness.blank_column, {"deduction": 0.0, "veto_at": 5}),
    Rule("GK203", "homepage-not-updated", Severity.VETO, freshness.homepage_not_updated),
    Rule(
        "GK204",
        "homepage-few-updates",
        Severity.MAJOR,
        freshness.homepage_few_updates,
        {"deduction": 5.0, "minimum": 10},
    ),
    Rule(
        "GK205",
        "overdue-columns-veto",
        Severity.VETO,
        freshness.columns_overdue_veto,
        {"news_notice_veto_at": 5, "all_veto_at": 10},
    ),
    Rule(
        "GK301",
        "broken-link-on-homepage",
        Severity.MAJOR,
        links.broken_link_on_homepage,
        {"deduction": 1.0, "cap": 10.0},
    ),
    # soft_404_text and challenge_text judge every link answer (checks/answers.py), whichever rule reads it.
    Rule(
        "GK302",
        "broken-link",
        Severity.MINOR,
        links.broken_link,
        {"deduction": 0.1, "cap": 10.0, "soft_404_text": 300, "challenge_text": CHALLENGE_TEXT},
    ),
    Rule("GK303", "unverified-link", Severity.INFO, links.unverified_link),
    Rule("GK304", "missing-anchor", Severity.INFO, links.missing_anchor),
    Rule("GK305", "redirected-link", Severity.INFO, links.redirected_link),
    # -- 4xx 政府信息公开 (checks/disclosure.py) --
    Rule(
        "GK401",
        "annual-report-missing-or-late",
        Severity.MAJOR,
        disclosure.annual_report_missing_or_late,
        {"deadline_month": 1, "deadline_day": 31, "deduction": 0.0, "late_deduction": 0.0},
    ),
    Rule(
        "GK402",
        "disclosure-guide-incomplete",
        Severity.MAJOR,
        disclosure.disclosure_guide_incomplete,
        {"deduction": 0.0},
    ),
    Rule(
        "GK403",
        "disclosure-catalogue-missing",
        Severity.MINOR,
        disclosure.disclosure_catalogue_missing,
        {"deduction": 0.0},
    ),
    # -- 5xx site identity (checks/identity.py) --
    Rule("GK501", "site-id-code-missing", Severity.MAJOR, identity.site_id_code_missing, {"deduction": 0.0}),
    Rule("GK502", "conac-badge-missing", Severity.MAJOR, identity.conac_badge_missing, {"deduction": 0.0}),
    Rule("GK503", "icp-number-missing", Severity.MINOR, identity.icp_number_missing, {"deduction": 0.0}),
    Rule("GK504", "police-record-missing", Severity.MINOR, identity.police_record_missing, {"deduction": 0.0}),
    Rule("GK505", "sponsor-contact-missing", Severity.MAJOR, identity.sponsor_contact_missing, {"deduction": 0.0}),
    Rule("GK506", "site-search-missing", Severity.MINOR, identity.site_search_missing, {"deduction": 0.0}),
    Rule("GK507", "certificate-invalid", Severity.MAJOR, identity.certificate_invalid, {"deduction": 0.0}),
    # -- 6xx interaction (checks/interaction.py) --
    Rule(
        "GK601",
        "consultation-channel-missing",
        Severity.VETO,
        interaction.consultation_channel_missing,
        {"deduction": 5.0},
    ),
    Rule("GK602", "consultation-unanswered", Severity.VETO, interaction.consultation_unanswered, {"months": 3}),
    Rule(
        "GK603",
        "survey-missing",
        Severity.MAJOR,
        interaction.survey_missing,
        {"deduction_missing": 5.0, "deduction_stale": 5.0, "deduction_few": 3.0, "minimum": 6},
    ),
    Rule(
        "GK604",
        "online-interview-missing",
        Severity.MAJOR,
        interaction.online_interview_missing,
        {"deduction_stale": 5.0, "deduction_few": 3.0, "minimum": 6},
    ),
    # -- 7xx online services (checks/services.py) --
    Rule(
        "GK701",
        "service-guide-incomplete",
        Severity.MAJOR,
        services.service_guide_incomplete,
        {"deduction": 2.0, "deduction_none": 16.0, "veto_at": 0},
    ),
    Rule(
        "GK702", "guide-form-not-downloadable", Severity.MINOR, services.guide_form_not_downloadable, {"deduction": 1.0}
    ),
    Rule("GK801", "serious-wording-error", Severity.VETO, manual.serious_wording_error),
    Rule("GK802", "false-or-harmful-content", Severity.VETO, manual.false_or_harmful_content),
    Rule("GK803", "leaked-secrets-or-defacement", Severity.VETO, manual.leaked_secrets_or_defacement),
    Rule("GK804", "availability-unmeasured", Severity.VETO, manual.availability_unmeasured),
    Rule("GK901", "crawl-incomplete", Severity.INFO, crawl_health.crawl_incomplete),
    Rule("GK902", "page-fetch-failed", Severity.INFO, crawl_health.page_fetch_failed),
    Rule("GK903", "page-limits-reached", Severity.INFO, crawl_health.page_limits_reached),
    Rule(
        "GK904",
        "script-built-pages",
        Severity.INFO,
        crawl_health.script_built_pages,
        {"max_chars": 200, "min_scripts": 3},
    ),
    Rule("GK905", "crawl-adjusted", Severity.INFO, crawl_health.crawl_adjusted),
    Rule("GK906", "crawler-traps", Severity.INFO, crawl_health.crawler_traps),
    Rule("GK907", "pages-not-processed", Severity.INFO, crawl_health.pages_not_processed),
)

REMOVED: dict[str, str] = {}
"""Retired code → the code that replaced it (or '' when none did)."""

BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}
DEFAULTS: dict[str, Mapping[str, float]] = {rule.code: rule.defaults for rule in RULES}
"""Each rule's default settings by code, as `Context.option` falls back to them."""


class UnknownRule(KeyError):
    """A profile or command line names a rule code that does not exist."""


UNKNOWN_RULE = {
    "none": "没有编号以 {prefix!r} 开头的规则",
    "removed": "规则 {prefix} 已删除",
    "instead": "；改用 {instead}",
}
"""Why a code names no rule, in the words of the profile error that shows it."""


def select(codes: list[str] | None = None, ignore: list[str] | None = None) -> list[Rule]:
    """Rules chosen by code or code prefix (`GK2` selects the freshness family)."""

    def expand(prefix: str) -> list[Rule]:
        if prefix in REMOVED:
            instead = REMOVED[prefix]
            raise UnknownRule(
                UNKNOWN_RULE["removed"].format(prefix=prefix)
                + (UNKNOWN_RULE["instead"].format(instead=instead) if instead else "")
            )
        hits = [rule for rule in RULES if rule.code.startswith(prefix)]
        if not hits:
            raise UnknownRule(UNKNOWN_RULE["none"].format(prefix=prefix))
        return hits

    chosen = [r for p in codes for r in expand(p)] if codes else list(RULES)
    dropped = {r.code for p in (ignore or []) for r in expand(p)}
    return [r for r in RULES if r in chosen and r.code not in dropped]
