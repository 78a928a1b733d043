"""gapcheck's rules: pure functions over a crawled site that yield findings. No network, no CLI."""

from .context import Context
from .crawl_health import mark_script_hidden
from .finding import Finding, Severity, Status
from .model import (
    CrawlStats, DateMention, DateSource, FetchError, Link, LinkCheck, LinkTag, Page, Region, Site, Verdict,
)
from .options import Options
from .registry import BY_CODE, RULES, Rule, UnknownRule, select
from .scoring import SiteVerdict, Summary, summarize


def run(site: Site, options: Options, rules: list[Rule] | None = None) -> tuple[list[Finding], Context]:
    """Every selected rule's findings, in rule order, and the context they were computed in."""
    ctx = Context(site, options)
    findings = [f for rule in (rules if rules is not None else RULES) for f in rule.check(ctx)]
    return mark_script_hidden(findings, ctx), ctx


__all__ = [
    "BY_CODE", "RULES", "Context", "CrawlStats", "DateMention", "DateSource", "FetchError", "Finding", "Link", "LinkCheck",
    "LinkTag", "Options", "Page", "Region", "Rule", "Severity", "Site", "SiteVerdict", "Status", "Summary", "UnknownRule",
    "Verdict", "run", "select", "summarize",
]
