"""The canonical report (schema gapcheck.report/1): typed classes that every output format renders.

`report.json` is `Report.json_text()`, and its published JSON Schema is `report_schema()` (`gapcheck schema`).
Reports are frozen: history (`gapcheck.history.annotate`) makes a new report, never changes one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from checks import Context
from checks import Finding as CheckFinding
from checks import Rule as CheckRule
from checks import Summary as CheckSummary
from checks.columns import ColumnStatus
from checks.crawl_health import stopped_pages
from checks.finding import Severity, Status
from checks.scoring import SiteVerdict
from core.model import Site as CrawledSite
from core.model import Verdict
from core.redaction import redact

from ..profile import DEFAULT_TIMEZONE, Profile

SCHEMA = "gapcheck.report/1"

BASIS = {
    "2015": "国办发〔2015〕15号《全国政府网站普查评分表》",
    "2019": "国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》",
}

Number = Annotated[int | float, WithJsonSchema({"type": "number"})]
"""A number written as the code computed it: 2 stays 2 and 2.0 stays 2.0, so report.json keeps its bytes."""


class _Part(BaseModel):
    # Unknown keys are refused: a report.json of another shape is not read as this one.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)


class Site(_Part):
    name: str
    start_url: str
    profile: str


class Run(_Part):
    id: int
    as_of: str
    """The date the crawl's facts are judged at (ISO)."""
    started_at: str
    finished_at: str
    pages: int
    links_checked: int
    page_limit_reached: bool
    page_limit: int = 0
    """The page limit the run used (0 in reports written before it was recorded)."""
    stopped_pages: int = 0
    """The portal's own pages never fetched because the server kept failing (the crawl stopped asking)."""
    unprocessed_pages: int = 0
    """Pages fetched that gapcheck itself failed on (an internal error): their links and content unchecked."""
    timezone: str = DEFAULT_TIMEZONE
    """The IANA zone the reports show the run's times in; the times themselves are stored in UTC."""

    @property
    def complete(self) -> bool:
        """Whether the crawl saw the whole portal: no page limit reached, no page given up on, none gapcheck
        failed on. When not, a 合格 holds only for what was seen."""
        return not (self.page_limit_reached or self.stopped_pages or self.unprocessed_pages)


class Changes(_Part):
    """Failing findings compared with the site's previous finished run."""

    previous_run: int | None
    new: int
    still_open: int
    fixed: int


class Summary(_Part):
    checked: int
    passed: int = Field(alias="pass")
    fail: int
    warn: int
    unverified: int
    manual: int
    verdict: SiteVerdict
    score: Number
    vetoes: int
    basis: str
    deductions: dict[str, Number]
    """Points lost per rule code, after caps."""
    changes: Changes | None = None
    """Left out of reports written without history."""

    def count(self, status: Status) -> int:
        return int(getattr(self, "passed" if status is Status.PASS else status.value))


class Since(_Part):
    """The run an unbroken streak of a failing finding began in."""

    run: int
    as_of: str


class ReportFinding(_Part):
    rule: str
    title: str
    status: Status
    severity: Severity
    subject: str
    url: str
    evidence: str
    message: str
    deduction: Number
    fingerprint: str | None = None
    """With history: the same finding across runs has the same fingerprint."""
    change: Literal["new", "open"] | None = None
    """With history, for failing findings: new since the previous run, or still open."""
    since: Since | None = None
    """With history, for open findings only."""


class Column(_Part):
    name: str
    url: str
    kind: str | None
    kind_label: str | None
    kind_why: str
    trail: str
    pages: int
    items: int
    newest: str | None
    limit_days: int | None
    status: ColumnStatus


class TemplateBlock(_Part):
    block: str
    pages: int
    links: int
    text: str
    example: str


class Link(_Part):
    url: str
    status: int | None
    verdict: Verdict
    reason: str
    found_on: list[str]
    on_homepage: bool
    texts: list[str] = []
    """The words the link is shown with on its pages (anchor text, an image's alt), each once, crawl order."""


class Rule(_Part):
    code: str
    name: str
    title: str
    severity: Severity
    summary: str
    how_to_fix: str
    basis: str


class Fixed(_Part):
    """A failing finding of the previous run that this one no longer has."""

    rule: str
    title: str
    subject: str
    url: str
    fingerprint: str


class Accepted(_Part):
    """A finding of this run that a person accepted, or dismissed as a false positive (`gapcheck accept`)."""

    rule: str
    title: str
    subject: str
    url: str
    fingerprint: str
    kind: Literal["accepted", "false_positive"]
    """accepted: still counted in the score and the verdict; false_positive: counted in neither."""
    reason: str
    by: str
    at: str


class ManualCheck(_Part):
    """A person's result for an item only a person can check (`gapcheck manual`), in force for this run."""

    rule: str
    title: str
    result: Literal["pass", "fail"]
    note: str
    by: str
    at: str
    run: int | None
    """The run it was entered on."""


class TrendPoint(_Part):
    run: int
    as_of: str
    score: Number
    verdict: SiteVerdict | None
    fail: int


class Report(_Part):
    """One run's report: what report.json holds."""

    model_config = ConfigDict(title="gapcheck report")

    schema_: Literal["gapcheck.report/1"] = Field(alias="schema")
    site: Site
    run: Run
    summary: Summary
    findings: list[ReportFinding]
    columns: list[Column]
    template: list[TemplateBlock]
    """The site's template as the crawl showed it: the blocks (menus, latest-items boxes, footers) that repeat
    on many pages and so are never a page's own content."""
    links: list[Link]
    """Links that are not OK: broken, unverified or skipped."""
    rules: dict[str, Rule]
    fixed: list[Fixed] | None = None
    """With history."""
    trend: list[TrendPoint] | None = None
    """With history: score, verdict and failing count of the site's last finished runs, this one last."""
    accepted: list[Accepted] | None = None
    """Findings people accepted or dismissed (已确认/误报); left out when there are none."""
    manual_checks: list[ManualCheck] | None = None
    """Results people entered for the manual items; left out when there are none."""

    def data(self) -> dict[str, Any]:
        """report.json's content: the keys history left out stay out."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)

    def json_text(self) -> str:
        return json.dumps(self.data(), ensure_ascii=False, indent=2) + "\n"

    @property
    def failing(self) -> list[ReportFinding]:
        return [f for f in self.findings if f.status is Status.FAIL]

    def title_of(self, code: str) -> str:
        rule = self.rules.get(code)
        return rule.title if rule else ""


def report_schema() -> dict[str, Any]:
    """The JSON Schema of report.json (draft 2020-12, the draft pydantic writes)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **Report.model_json_schema(by_alias=True, mode="serialization"),
    }


def schema_text() -> str:
    return json.dumps(report_schema(), ensure_ascii=False, indent=2) + "\n"


ANCHOR_TEXTS_KEPT = 5
"""Distinct anchor texts kept per failing link: enough to recognise it on the page, bounded for template links."""


def _anchor_texts(site: CrawledSite, targets: Iterable[str]) -> dict[str, list[str]]:
    """Failing target → the words it is shown with (the web team searches the page for them, not the URL)."""
    wanted = set(targets)
    texts: dict[str, list[str]] = {}
    for page in site.html_pages:
        for link in page.links:
            if link.url not in wanted:  # most links do not fail: their words are not needed
                continue
            seen = texts.setdefault(link.url, [])
            text = " ".join(link.text.split())
            if text and text not in seen and len(seen) < ANCHOR_TEXTS_KEPT:
                seen.append(text)
    return texts


def site_name(ctx: Context) -> str:
    """The portal's own name: its SiteName meta tag, else the home page's title."""
    landing = ctx.site.landing
    if landing is None:
        return ""
    return landing.meta.get("sitename") or landing.title


def report_title(ctx: Context, profile: Profile) -> str:
    """Whose report it is: the bureau's name the run was started with (sites.yaml `name:`, else the profile's
    bureau), else the portal's own name, else its host.

    Runs stored the profile's name there before; a standard's name (national) is no bureau's, so it is passed
    over, as it is for a run started without a bureau."""
    stored = ctx.site.name
    if stored and (stored != profile.name or profile.bureau):
        return stored
    return site_name(ctx) or urlsplit(ctx.site.start_url).hostname or ctx.site.start_url


def build_report(
    run_id: int,
    started_at: str,
    finished_at: str,
    profile: Profile,
    rules: list[CheckRule],
    findings: list[CheckFinding],
    ctx: Context,
    summary: CheckSummary,
) -> Report:
    """The report of one run. Every selected rule's findings are listed, passes included."""
    site = ctx.site
    by_code = {r.code: r for r in rules}
    found_on = site.found_on
    as_of = site.as_of
    failing = {
        url: (check, answer)
        for url, check in site.checks.items()
        if (answer := ctx.judged(url, check)).verdict is not Verdict.OK
    }
    texts = _anchor_texts(site, failing.keys())
    data = {
        "schema": SCHEMA,
        "site": {"name": report_title(ctx, profile), "start_url": site.start_url, "profile": profile.name},
        "run": {
            "id": run_id,
            "as_of": as_of.isoformat(),
            "started_at": started_at,
            "finished_at": finished_at,
            "pages": site.crawl.pages,
            "links_checked": len(site.checks),
            "page_limit_reached": site.crawl.page_limit_reached,
            "page_limit": site.crawl.page_limit,
            "stopped_pages": len(stopped_pages(site)),
            "unprocessed_pages": site.crawl.internal_errors,
            "timezone": profile.timezone,
        },
        "summary": {
            "checked": summary.checked,
            **{s.value: n for s, n in summary.counts.items()},
            "verdict": summary.verdict,
            "score": summary.score,
            "vetoes": summary.vetoes,
            "basis": BASIS[profile.basis],
            "deductions": summary.deductions,
        },
        "findings": [
            {
                "rule": f.rule,
                "title": by_code[f.rule].title,
                "status": f.status,
                "severity": f.severity or by_code[f.rule].severity,
                "subject": f.subject,
                "url": f.url,
                "evidence": f.evidence,
                "message": f.message,
                "deduction": f.deduction if f.status == "fail" else 0.0,
            }
            for f in findings
        ],
        "columns": [
            {
                "name": c.name,
                "url": c.url,
                "kind": c.kind.key if c.kind else None,
                "kind_label": c.kind.label if c.kind else None,
                "kind_why": c.why,
                "trail": c.trail,
                "pages": len(c.pages),
                "items": len(c.items),
                "newest": c.newest.isoformat() if c.newest else None,
                "limit_days": c.kind.limit.days(as_of) if c.kind and c.kind.limit else None,
                "status": c.status(as_of),
            }
            for c in ctx.columns
        ],
        "template": [
            {"block": b.key, "pages": b.pages, "links": b.links, "text": b.text, "example": b.example}
            for b in ctx.template.blocks()
        ],
        "links": [
            {
                "url": url,
                "status": check.status,
                "verdict": answer.verdict,
                "reason": answer.reason,
                "found_on": found_on.get(url, []),
                "on_homepage": url in site.homepage_links,
                "texts": texts.get(url, []),
            }
            for url, (check, answer) in failing.items()
        ],
        "rules": {
            r.code: {
                "code": r.code,
                "name": r.name,
                "title": r.title,
                "severity": r.severity,
                "summary": r.summary,
                "how_to_fix": r.how_to_fix,
                "basis": r.basis,
            }
            for r in rules
        },
    }
    # Strict: the values are the code's own, so a wrong type here is a bug to see, not to coerce.
    return Report.model_validate(redact(data), strict=True)
