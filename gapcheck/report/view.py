"""The report dict reshaped for reading: what both renderers show, in the order they show it.

Renderers only lay this out; grouping, ordering, labels and URL safety are decided here once.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from . import labels as L
from .chart import points, trend_svg

FOUND_ON_SHOWN = 5

_SEVERITY_RANK = {key: rank for rank, key in enumerate(L.SEVERITY)}
_LIVE_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f]+\Z", re.IGNORECASE)


def safe_url(url: object) -> str | None:
    """`url` if it may become a live link, else None.

    Crawled URLs are hostile input: only http(s) is allowed, so javascript:, data:, vbscript: and
    anything a browser might normalise into them (embedded whitespace or control characters) stay text.
    """
    return url if isinstance(url, str) and _LIVE_URL.match(url) else None


def fmt_num(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return L.TEXT["none"]
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def fmt_time(value: object) -> str:
    if not value:
        return L.TEXT["none"]
    try:
        return dt.datetime.fromisoformat(str(value)).isoformat(sep=" ", timespec="seconds")
    except ValueError:
        return str(value)


def _css_key(mapping: dict[str, str], key: object) -> str:
    # Data values become CSS class names; only known ones, so crawled text never picks a style.
    return key if isinstance(key, str) and key in mapping else "other"


def _finding(f: dict[str, Any], rules: dict[str, Any]) -> dict[str, Any]:
    rule = rules.get(f.get("rule")) or {}
    title = f.get("title") or rule.get("title") or ""
    change = f.get("change") if f.get("change") in L.FILTER_CHANGE else ""
    return {
        **f,
        "title": title,
        "how_to_fix": rule.get("how_to_fix") or "",
        "status_key": _css_key(L.STATUS, f.get("status")),
        "status_label": L.label(L.STATUS, f.get("status")),
        "severity_key": _css_key(L.SEVERITY, f.get("severity")),
        "severity_label": L.label(L.SEVERITY, f.get("severity")),
        "deduction_text": fmt_num(f.get("deduction")) if f.get("deduction") else "",
        "is_new": f.get("change") == "new",
        "since_text": _since_text(f.get("since")) if f.get("change") == "open" else "",
        # Data, never text: the filter matches on it and the spreadsheets' 变化 column is worded from it.
        "change_key": change,
        "change_text": _change_text(change, f.get("since")),
        # What the search box of report.html looks through; autoescaped into a data-* attribute.
        "search_text": " ".join(
            " ".join(
                str(v)
                for v in (f.get("rule"), title, f.get("subject"), f.get("message"), f.get("evidence"), f.get("url"))
                if v
            ).split()
        ),
    }


def _change_text(change: str, since: object) -> str:
    """The 变化 cell: 新增, 仍存在（自运行 #N，date）, or empty for passes and reports without history."""
    if change == "new":
        return L.TEXT["change_new"]
    if change == "open":
        if isinstance(since, dict) and since.get("run") is not None:
            return L.TEXT["change_open_since"].format(
                id=fmt_num(since.get("run")), as_of=since.get("as_of") or L.TEXT["none"]
            )
        return L.TEXT["change_open"]
    return ""


def _since_text(since: object) -> str:
    if not isinstance(since, dict):
        return ""
    return L.TEXT["open_since"].format(id=fmt_num(since.get("run")), as_of=since.get("as_of") or L.TEXT["none"])


def _changes(report: dict[str, Any]) -> dict[str, Any] | None:
    """The header's 新增问题/已整改 counts; None for reports written before runs were compared."""
    changes = (report.get("summary") or {}).get("changes")
    if not isinstance(changes, dict):
        return None
    previous = changes.get("previous_run")
    return {
        "new_text": fmt_num(changes.get("new", 0)),
        "fixed_text": fmt_num(changes.get("fixed", 0)),
        "open_text": fmt_num(changes.get("still_open", 0)),
        "against": L.TEXT["since_run"].format(id=fmt_num(previous)) if previous is not None else L.TEXT["first_run"],
        "fixed_note": L.TEXT["fixed_note"].format(id=fmt_num(previous)) if previous is not None else "",
    }


def _problem_groups(failing: list[dict[str, Any]], rules: dict[str, Any]) -> list[dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for f in failing:
        groups.setdefault(str(f.get("rule", "")), []).append(f)
    result = []
    for code, items in groups.items():
        rule = rules.get(code) or {}
        severity = rule.get("severity") or items[0].get("severity")
        result.append(
            {
                "code": code,
                "title": rule.get("title") or items[0]["title"],
                "summary": rule.get("summary") or "",
                "how_to_fix": rule.get("how_to_fix") or "",
                "severity_key": _css_key(L.SEVERITY, severity),
                "severity_label": L.label(L.SEVERITY, severity),
                "findings": items,
            }
        )
    result.sort(key=lambda g: (_SEVERITY_RANK.get(g["severity_key"], len(_SEVERITY_RANK)), g["code"]))
    return result


def _column(c: dict[str, Any]) -> dict[str, Any]:
    limit = c.get("limit_days")
    return {
        **c,
        # The kind and what gave it (名称含「动态」, 面包屑「预算公开」含「预算」), or 未分类: no duty.
        "kind_text": (
            f"{c.get('kind_label') or c.get('kind')}（{c['kind_why']}）"
            if c.get("kind") and c.get("kind_why")
            else c.get("kind_label") or c.get("kind") or c.get("kind_why") or L.TEXT["none"]
        ),
        "items_text": fmt_num(c.get("items")),
        "newest_text": c.get("newest") or L.TEXT["none"],
        "limit_text": fmt_num(limit) if limit is not None else L.TEXT["no_limit"],
        "status_key": _css_key(L.COLUMN_STATUS, c.get("status")),
        "status_label": L.label(L.COLUMN_STATUS, c.get("status")),
    }


def _link(link: dict[str, Any]) -> dict[str, Any]:
    pages = list(link.get("found_on") or [])
    more = len(pages) - FOUND_ON_SHOWN
    return {
        **link,
        "status_text": fmt_num(link.get("status")),
        "verdict_key": _css_key(L.LINK_VERDICT, link.get("verdict")),
        "verdict_label": L.label(L.LINK_VERDICT, link.get("verdict")),
        "pages_shown": pages[:FOUND_ON_SHOWN],
        # The count is of all pages, so "等 N 个页面" reads as the total, as in common Chinese usage.
        "pages_more": L.TEXT["more_pages"].format(n=len(pages)) if more > 0 else "",
    }


def _trend(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The 得分趋势 rows; empty for reports written before the trend was kept."""
    trend = report.get("trend")
    return [
        {
            "run_text": f"#{fmt_num(e.get('run'))}",
            "as_of": e.get("as_of") or L.TEXT["none"],
            "score_text": fmt_num(e["score"]),
            "verdict": e.get("verdict") if isinstance(e.get("verdict"), str) else L.TEXT["none"],
            "verdict_key": e["verdict_key"],
            "fail_text": fmt_num(e.get("fail")),
        }
        for e in points(trend if isinstance(trend, list) else [])
    ]


def build_view(report: dict[str, Any]) -> dict[str, Any]:
    rules = report.get("rules") or {}
    findings = [_finding(f, rules) for f in report.get("findings") or []]
    failing = [f for f in findings if f.get("status") == "fail"]
    vetoes = [f for f in failing if f.get("severity") == "veto"]
    summary = dict(report.get("summary") or {})
    verdict = summary.get("verdict")
    run = dict(report.get("run") or {})
    links = [_link(x) for x in report.get("links") or []]
    # Broken before merely unverified, and homepage links first: what the web team fixes first.
    links.sort(key=lambda x: (x.get("verdict") != "broken", not x.get("on_homepage")))
    trend = _trend(report)
    return {
        "schema": report.get("schema") or "",
        "site": dict(report.get("site") or {}),
        "as_of": run.get("as_of") or L.TEXT["none"],
        "basis": summary.get("basis") or "",
        "summary": summary,
        "verdict": verdict if isinstance(verdict, str) else L.TEXT["none"],
        "verdict_key": {L.VERDICT_PASS: "pass", L.VERDICT_FAIL: "fail"}.get(verdict, "other"),
        "score_text": fmt_num(summary.get("score")),
        "counts": [
            (L.TEXT["checked"], fmt_num(summary.get("checked", 0)), "checked"),
            *((L.STATUS[k], fmt_num(summary.get(k, 0)), k) for k in L.STATUS),
        ],
        "vetoes_count": fmt_num(summary.get("vetoes", len(vetoes))),
        "vetoes": vetoes,
        "problem_groups": _problem_groups([f for f in failing if f.get("severity") != "veto"], rules),
        "columns": [_column(c) for c in report.get("columns") or []],
        "template": [b for b in report.get("template") or [] if isinstance(b, dict)],
        "links": links,
        "links_broken": sum(x.get("verdict") == "broken" for x in links),
        "links_unverified": sum(x.get("verdict") == "unverified" for x in links),
        "checks": sorted(findings, key=lambda f: str(f.get("rule", ""))),
        "changes": _changes(report),
        "trend": trend,
        "trend_svg": trend_svg(report.get("trend") if isinstance(report.get("trend"), list) else []),
        "fixed": [
            dict(x, title=x.get("title") or (rules.get(x.get("rule")) or {}).get("title") or "")
            for x in report.get("fixed") or []
            if isinstance(x, dict)
        ],
        "footer": [
            (L.TEXT["run_id"], fmt_num(run.get("id"))),
            (L.TEXT["as_of"], run.get("as_of") or L.TEXT["none"]),
            (L.TEXT["started_at"], fmt_time(run.get("started_at"))),
            (L.TEXT["finished_at"], fmt_time(run.get("finished_at"))),
            (L.TEXT["profile"], (report.get("site") or {}).get("profile") or L.TEXT["none"]),
            (L.TEXT["basis"], summary.get("basis") or L.TEXT["none"]),
            (L.TEXT["pages"], fmt_num(run.get("pages"))),
            (L.TEXT["links_checked"], fmt_num(run.get("links_checked"))),
        ],
    }
