"""gapcheck's rules: pure functions over a crawled site that yield findings. No network, no CLI."""

from core.model import Site

from .context import Context
from .crawl_health import mark_script_hidden
from .finding import Finding, Severity, Status
from .options import Options
from .registry import BY_CODE, DEFAULTS, RULES, Rule, UnknownRule, select
from .scoring import SiteVerdict, Summary, summarize


def run(site: Site, options: Options, rules: list[Rule] | None = None) -> tuple[list[Finding], Context]:
    """Every selected rule's findings, in rule order, and the context they were computed in."""
    ctx = Context(site, options, DEFAULTS)
    findings = [f for rule in (rules if rules is not None else RULES) for f in rule.check(ctx)]
    return mark_script_hidden(findings, ctx), ctx


__all__ = [
    "BY_CODE",
    "DEFAULTS",
    "RULES",
    "Context",
    "Finding",
    "Options",
    "Rule",
    "Severity",
    "SiteVerdict",
    "Status",
    "Summary",
    "UnknownRule",
    "run",
    "select",
    "summarize",
]
