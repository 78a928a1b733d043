"""The typed report reshaped for reading: what both renderers show, in the order they show it.

Renderers only lay this out; grouping, ordering, labels and URL safety are decided here once.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from checks.finding import Severity, Status
from checks.scoring import SiteVerdict, charged_rules, counted_per_rule

from ..profile import DEFAULT_TIMEZONE, zone
from . import labels as L
from .chart import points, trend_svg
from .labels import verdict_key
from .model import Changes, Column, Link, Report, ReportFinding, Run, Since, TrendPoint

# How much of a long list is shown before the rest folds into a closed <details> (另有 N 个): the page's
# height then grows with the number of kinds of problem, not with the number of broken links.
FOUND_ON_SHOWN = 5  # pages listed in one link's row
LINKS_SHOWN = 10  # rows of the 失效链接 table
FINDINGS_SHOWN = 10  # rows of one rule's table in 问题清单

URL_SHOWN = 100  # characters of a long URL report.html shows; its link and tooltip keep it whole

_SEVERITY_RANK = {key: rank for rank, key in enumerate(L.SEVERITY)}
_LIVE_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f]+\Z", re.IGNORECASE)


def safe_url(url: object) -> str | None:
    """`url` if it may become a live link, else None.

    Crawled URLs are hostile input: only http(s) is allowed, so javascript:, data:, vbscript: and
    anything a browser might normalise into them (embedded whitespace or control characters) stay text.
    """
    return url if isinstance(url, str) and _LIVE_URL.match(url) else None


def elide(value: object) -> str:
    """A URL past URL_SHOWN characters cut in the middle: the host and path start, then the end (the file,
    the id) that tells one link from the next. Other text is left whole; it wraps."""
    text = str(value)
    if len(text) <= URL_SHOWN or "://" not in text:
        return text
    head = (URL_SHOWN - 1) * 2 // 3
    return f"{text[:head]}…{text[head + 1 - URL_SHOWN :]}"


def fmt_num(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return L.TEXT["none"]
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def fmt_time(value: object, timezone: str = DEFAULT_TIMEZONE) -> str:
    """A stored time (ISO, UTC) as the reader's clock shows it, in `timezone`; a time without a zone is UTC."""
    if not value:
        return L.TEXT["none"]
    try:
        when = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    try:
        tz = zone(timezone)
    except ValueError:  # a report.json edited by hand: its time as written
        return when.isoformat(sep=" ", timespec="seconds")
    when = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    return when.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")


def incomplete_reasons(run: Run) -> list[str]:
    """Why the crawl did not see the whole portal, one line each; empty when it did."""
    reasons = []
    if run.page_limit_reached:
        words = L.INCOMPLETE["page_limit" if run.page_limit else "page_limit_unknown"]
        reasons.append(words.format(pages=fmt_num(run.pages), limit=fmt_num(run.page_limit)))
    if run.stopped_pages:
        reasons.append(L.INCOMPLETE["stopped"].format(n=fmt_num(run.stopped_pages)))
    if run.unprocessed_pages:
        reasons.append(L.INCOMPLETE["unprocessed"].format(n=fmt_num(run.unprocessed_pages)))
    return reasons


def provisional(report: Report) -> bool:
    """A 合格 of a crawl that did not see the whole portal: it holds only for what was seen."""
    return report.summary.verdict is SiteVerdict.PASSED and not report.run.complete


def verdict_text(report: Report) -> str:
    """The verdict as every output shows it."""
    verdict = report.summary.verdict.value
    return L.PROVISIONAL.format(verdict=verdict) if provisional(report) else verdict


def _deduction_notes(report: Report) -> dict[int, str]:
    """Why a failing finding costs no points or fewer than it says, by its place in `report.findings`: a veto,
    a rule that deducts nothing, a subject another rule already deducted for, a rule past its cap."""
    failing = [(i, f) for i, f in enumerate(report.findings) if f.status is Status.FAIL]
    scored = [(f.rule, f.subject, float(f.deduction)) for _, f in failing]
    charged = charged_rules(scored)
    uncapped = counted_per_rule(scored)
    kept = report.summary.deductions
    notes = {}
    for i, f in failing:
        rule = charged[f.subject][0]
        if f.severity is Severity.VETO and not f.deduction:
            notes[i] = L.DEDUCTION_WHY["veto"]
        elif not f.deduction:
            notes[i] = L.DEDUCTION_WHY["no_points"]
        elif rule != f.rule:
            notes[i] = L.DEDUCTION_WHY["counted"].format(rule=rule)
        elif f.rule in kept and kept[f.rule] < round(uncapped[f.rule], 2):
            notes[i] = L.DEDUCTION_WHY["capped"].format(cap=fmt_num(kept[f.rule]))
    return notes


def _css_key(mapping: dict[str, str], key: object) -> str:
    # Data values become CSS class names; only known ones, so crawled text never picks a style.
    return key if isinstance(key, str) and key in mapping else "other"


def _finding(f: ReportFinding, report: Report, note: str | None = None) -> dict[str, Any]:
    rule = report.rules.get(f.rule)
    title = f.title or (rule.title if rule else "")
    change = f.change
    return {
        **f.model_dump(mode="json"),
        "title": title,
        "how_to_fix": rule.how_to_fix if rule else "",
        "status_key": f.status.value,
        "status_label": L.STATUS[f.status],
        "severity_key": f.severity.value,
        "severity_label": L.SEVERITY[f.severity],
        # A number wherever it is not counted in full (0 included), with why beside it.
        "deduction_text": fmt_num(f.deduction) if f.deduction or note else "",
        "deduction_why": note or "",
        "is_new": change == "new",
        "since_text": _since_text(f.since) if change == "open" else "",
        # Data, never text: the filter matches on it and the spreadsheets' 变化 column is worded from it.
        "change_key": change or "",
        "change_text": _change_text(change, f.since),
        # What the search box of report.html looks through; autoescaped into a data-* attribute.
        "search_text": " ".join(
            " ".join(str(v) for v in (f.rule, title, f.subject, f.message, f.evidence, f.url) if v).split()
        ),
    }


def _change_text(change: str | None, since: Since | None) -> str:
    """The 变化 cell: 新增, 仍存在（自运行 #N，date）, or empty for passes and reports without history."""
    if change == "new":
        return L.TEXT["change_new"]
    if change == "open":
        if since is not None:
            return L.TEXT["change_open_since"].format(id=fmt_num(since.run), as_of=since.as_of or L.TEXT["none"])
        return L.TEXT["change_open"]
    return ""


def _since_text(since: Since | None) -> str:
    if since is None:
        return ""
    return L.TEXT["open_since"].format(id=fmt_num(since.run), as_of=since.as_of or L.TEXT["none"])


def _changes(changes: Changes | None) -> dict[str, Any] | None:
    """The header's 新增问题/已整改 counts; None for reports written without history."""
    if changes is None:
        return None
    previous = changes.previous_run
    return {
        "new_text": fmt_num(changes.new),
        "fixed_text": fmt_num(changes.fixed),
        "open_text": fmt_num(changes.still_open),
        "against": L.TEXT["since_run"].format(id=fmt_num(previous)) if previous is not None else L.TEXT["first_run"],
        "fixed_note": L.TEXT["fixed_note"].format(id=fmt_num(previous)) if previous is not None else "",
    }


def _problem_groups(failing: list[dict[str, Any]], report: Report) -> list[dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for f in failing:
        groups.setdefault(f["rule"], []).append(f)
    result = []
    for code, items in groups.items():
        rule = report.rules.get(code)
        severity = rule.severity.value if rule else items[0]["severity"]
        result.append(
            {
                "code": code,
                "title": (rule.title if rule else "") or items[0]["title"],
                "summary": rule.summary if rule else "",
                "how_to_fix": rule.how_to_fix if rule else "",
                "severity_key": severity,
                "severity_label": L.label(L.SEVERITY, severity),
                "findings": items,
                "rows": _folded(items, FINDINGS_SHOWN),
            }
        )
    result.sort(key=lambda g: (_SEVERITY_RANK[str(g["severity_key"])], str(g["code"])))
    return result


def _checks_by_rule(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The 检查规则执行情况 rows by rule, each rule's long list folded so every rule stays in sight."""
    rules: dict[str, list[dict[str, Any]]] = {}
    for f in sorted(findings, key=lambda f: f["rule"]):
        rules.setdefault(f["rule"], []).append(f)
    return [_folded(items, FINDINGS_SHOWN) for items in rules.values()]


def _column(c: Column) -> dict[str, Any]:
    kind = c.kind_label or c.kind
    return {
        **c.model_dump(mode="json"),
        # The kind and what gave it (名称含「动态」, 面包屑「预算公开」含「预算」), or 未分类: no duty.
        "kind_text": f"{kind}（{c.kind_why}）" if c.kind and c.kind_why else kind or c.kind_why or L.TEXT["none"],
        "items_text": fmt_num(c.items),
        "newest_text": c.newest or L.TEXT["none"],
        "limit_text": fmt_num(c.limit_days) if c.limit_days is not None else L.TEXT["no_limit"],
        "status_key": c.status.value,
        "status_label": L.label(L.COLUMN_STATUS, c.status.value),
    }


def _folded(items: list[Any], shown: int) -> dict[str, Any]:
    """The first `shown` of `items`, the rest, and the 另有 N 个 that opens the rest (empty when none)."""
    rest = items[shown:]
    return {"shown": items[:shown], "rest": rest, "rest_text": L.TEXT["more_items"].format(n=len(rest)) if rest else ""}


def _link(link: Link) -> dict[str, Any]:
    pages = link.found_on
    more = len(pages) - FOUND_ON_SHOWN
    return {
        **link.model_dump(mode="json"),
        "status_text": fmt_num(link.status),
        "verdict_key": _css_key(L.LINK_VERDICT, link.verdict.value),
        "verdict_label": L.label(L.LINK_VERDICT, link.verdict.value),
        "pages_count_text": fmt_num(len(pages)),
        "pages_shown": pages[:FOUND_ON_SHOWN],
        # The count is of all pages, so "等 N 个页面" reads as the total, as in common Chinese usage.
        "pages_more": L.TEXT["more_pages"].format(n=len(pages)) if more > 0 else "",
        "pages": _folded(pages, FOUND_ON_SHOWN),
        "texts_text": "、".join(link.texts),
    }


def _links_by_page(links: list[dict[str, Any]]) -> dict[str, Any]:
    """The same links seen from the pages they are on: each page once, most failing links first."""
    pages: dict[str, list[dict[str, Any]]] = {}
    for x in links:
        for page in x["found_on"]:
            pages.setdefault(page, []).append(x)
    by_page = [
        {"url": url, "links": items, "count_text": L.TEXT["links_on_page"].format(n=len(items))}
        for url, items in sorted(pages.items(), key=lambda p: -len(p[1]))
    ]
    return _folded(by_page, LINKS_SHOWN)


def _trend(trend: list[TrendPoint]) -> list[dict[str, Any]]:
    """The 得分趋势 rows; empty for reports written without history."""
    return [
        {
            "run_text": f"#{fmt_num(e['run'])}",
            "as_of": e["as_of"] or L.TEXT["none"],
            "score_text": fmt_num(e["score"]),
            "verdict": e["verdict"] or L.TEXT["none"],
            "verdict_key": e["verdict_key"],
            "fail_text": fmt_num(e["fail"]),
        }
        for e in points(trend)
    ]


def build_view(report: Report) -> dict[str, Any]:
    notes = _deduction_notes(report)
    findings = [_finding(f, report, notes.get(i)) for i, f in enumerate(report.findings)]
    failing = [f for f in findings if f["status"] == "fail"]
    vetoes = [f for f in failing if f["severity"] == "veto"]
    summary = report.summary
    run = report.run
    links = [_link(x) for x in report.links]
    # Broken before merely unverified, and homepage links first: what the web team fixes first.
    links.sort(key=lambda x: (x["verdict"] != "broken", not x["on_homepage"]))
    trend = report.trend or []
    return {
        "schema": report.schema_,
        "site": report.site.model_dump(mode="json"),
        "as_of": run.as_of or L.TEXT["none"],
        "basis": summary.basis,
        "summary": summary.model_dump(mode="json", by_alias=True),
        "verdict": verdict_text(report),
        # A provisional 合格 is not shown in the colour of a sure one.
        "verdict_key": "provisional" if provisional(report) else verdict_key(summary.verdict),
        "verdict_rule": L.VERDICT_RULE,
        "incomplete": incomplete_reasons(run),
        "score_text": fmt_num(summary.score),
        "counts": [
            (L.TEXT["checked"], fmt_num(summary.checked), "checked"),
            *((L.FINDING_COUNT[k], fmt_num(summary.count(k)), k.value) for k in Status),
        ],
        "checked_at": fmt_time(run.finished_at or run.started_at, run.timezone),
        "timezone": run.timezone,
        "vetoes_count": fmt_num(summary.vetoes),
        "vetoes": vetoes,
        "problem_groups": _problem_groups([f for f in failing if f["severity"] != "veto"], report),
        "columns": [_column(c) for c in report.columns],
        "template": [b.model_dump(mode="json") for b in report.template],
        "links": links,
        "links_rows": _folded(links, LINKS_SHOWN),
        "links_by_page": _links_by_page(links),
        "links_broken": sum(x["verdict"] == "broken" for x in links),
        "links_unverified": sum(x["verdict"] == "unverified" for x in links),
        "checks": sorted(findings, key=lambda f: f["rule"]),
        "checks_by_rule": _checks_by_rule(findings),
        "changes": _changes(summary.changes),
        "trend": _trend(trend),
        "trend_svg": trend_svg(trend),
        "fixed": [
            dict(x.model_dump(mode="json"), title=x.title or report.title_of(x.rule)) for x in report.fixed or []
        ],
        "accepted": [
            dict(a.model_dump(mode="json"), kind_text=L.DECISIONS[a.kind], at_text=fmt_time(a.at, run.timezone))
            for a in report.accepted or []
        ],
        "manual_checks": [
            dict(m.model_dump(mode="json"), result_text=L.DECISIONS[m.result], at_text=fmt_time(m.at, run.timezone))
            for m in report.manual_checks or []
        ],
        "footer": [
            (L.TEXT["run_id"], fmt_num(run.id)),
            (L.TEXT["as_of"], run.as_of or L.TEXT["none"]),
            (L.TEXT["started_at"], fmt_time(run.started_at, run.timezone)),
            (L.TEXT["finished_at"], fmt_time(run.finished_at, run.timezone)),
            (L.TEXT["timezone"], run.timezone),
            (L.TEXT["profile"], report.site.profile or L.TEXT["none"]),
            (L.TEXT["basis"], summary.basis or L.TEXT["none"]),
            (L.TEXT["pages"], fmt_num(run.pages)),
            (L.TEXT["links_checked"], fmt_num(run.links_checked)),
        ],
    }
