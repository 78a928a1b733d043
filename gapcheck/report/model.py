"""The canonical report (schema gapcheck.report/1): one dict that every output format renders."""

from __future__ import annotations

from typing import Any

from checks import Context, Finding, Rule, Summary
from core.model import Verdict
from core.redaction import redact

from ..profile import Profile
from ..store import RunInfo

SCHEMA = "gapcheck.report/1"

BASIS = {
    "2015": "国办发〔2015〕15号《全国政府网站普查评分表》",
    "2019": "国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》",
}


def site_name(ctx: Context) -> str:
    """The portal's own name: its SiteName meta tag, else the home page's title."""
    landing = ctx.site.landing
    if landing is None:
        return ""
    return landing.meta.get("sitename") or landing.title


def build_report(
    run: RunInfo,
    finished_at: str,
    profile: Profile,
    rules: list[Rule],
    findings: list[Finding],
    ctx: Context,
    summary: Summary,
) -> dict[str, Any]:
    """The report of one run. Every selected rule's findings are listed, passes included."""
    return redact(_report(run, finished_at, profile, rules, findings, ctx, summary))


def _report(
    run: RunInfo,
    finished_at: str,
    profile: Profile,
    rules: list[Rule],
    findings: list[Finding],
    ctx: Context,
    summary: Summary,
) -> dict[str, Any]:
    site = ctx.site
    by_code = {r.code: r for r in rules}
    found_on = site.found_on
    as_of = site.as_of
    return {
        "schema": SCHEMA,
        "site": {"name": site_name(ctx) or profile.name, "start_url": site.start_url, "profile": profile.name},
        "run": {
            "id": run.id,
            "as_of": as_of.isoformat(),
            "started_at": run.started_at,
            "finished_at": finished_at,
            "pages": site.crawl.pages,
            "links_checked": len(site.checks),
            "page_limit_reached": site.crawl.page_limit_reached,
        },
        "summary": {
            "checked": summary.checked,
            **{s.value: n for s, n in summary.counts.items()},
            "verdict": summary.verdict.value,
            "score": summary.score,
            "vetoes": summary.vetoes,
            "basis": BASIS[profile.basis],
            "deductions": summary.deductions,
        },
        "findings": [
            {
                "rule": f.rule,
                "title": by_code[f.rule].title,
                "status": f.status.value,
                "severity": (f.severity or by_code[f.rule].severity).value,
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
                "status": c.status(as_of).value,
            }
            for c in ctx.columns
        ],
        # The site's template as the crawl showed it: the blocks (menus, latest-items boxes, footers) that
        # repeat on many pages and so are never a page's own content.
        "template": [
            {"block": b.key, "pages": b.pages, "links": b.links, "text": b.text, "example": b.example}
            for b in ctx.template.blocks()
        ],
        "links": [
            {
                "url": url,
                "status": check.status,
                "verdict": answer.verdict.value,
                "reason": answer.reason,
                "found_on": found_on.get(url, []),
                "on_homepage": url in site.homepage_links,
            }
            for url, check in site.checks.items()
            if (answer := ctx.judge(check)).verdict is not Verdict.OK
        ],
        "rules": {
            r.code: {
                "code": r.code,
                "name": r.name,
                "title": r.title,
                "severity": r.severity.value,
                "summary": r.summary,
                "how_to_fix": r.how_to_fix,
                "basis": r.basis,
            }
            for r in rules
        },
    }
