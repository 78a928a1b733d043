"""The report as Markdown, for pasting into tickets, chat and wikis.

Crawled text is made inert here by hand (no autoescaping in Markdown): every value passes through
`_text` or `_link`, which keep it on one line, neutralise Markdown syntax and turn `<`, `>`, `&` into
entities so a Markdown viewer never sees live HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from . import labels as L
from .model import Report
from .view import build_view, safe_url

_MD_SPECIAL = re.compile(r"[\\`*_\[\]|~#]")
_NEWLINE = re.compile(r"\r\n|\r|\n|\u2028|\u2029")
# Kept as-is in link destinations; quote() percent-encodes the rest (< > | \ ` spaces, non-ASCII), which
# could otherwise end the link, split a table cell or start a code span.
_URL_SAFE = ";/?:@&=+$,-_.!*'()#%[]~"


def _text(value: object) -> str:
    s = "" if value is None else str(value)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _MD_SPECIAL.sub(r"\\\g<0>", s)
    # <br> is our own markup, added after escaping; it keeps multi-line evidence legible in table cells.
    return _NEWLINE.sub("<br>", s.strip())


def _link(url: object, text: object = None) -> str:
    label = _text(url if text is None else text)
    href = safe_url(url)
    if not href:
        return label or L.TEXT["none"]
    # Entities are decoded in link destinations, so a literal & must be written as &amp;.
    dest = quote(href, safe=_URL_SAFE).replace("&", "&amp;")
    return f"[{label}](<{dest}>)"


def _table(head: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    head = list(head)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return [*lines, ""]


def render_markdown(report: Report) -> str:
    v = build_view(report)
    T = L.TEXT
    site = v["site"]
    out = [
        f"# {_text(site['name'])} {T['report']}",
        "",
        f"{T['start_url']}：{_link(site['start_url'])}　{T['profile']}：{_text(site['profile']) or T['none']}"
        f"　{T['as_of']}：{_text(v['as_of'])}（{T['as_of_note']}）"
        f"　{T['checked_at']}：{_text(v['checked_at'])}（{_text(v['timezone'])}）"
        + (f"　{T['basis']}：{_text(v['basis'])}" if v["basis"] else ""),
        "",
        *_incomplete(v["incomplete"]),
        f"## {T['verdict']}：**{_text(v['verdict'])}**　{T['score']}：**{_text(v['score_text'])}**",
        "",
        _text(v["verdict_rule"]),
        "",
        *_table(
            [T["vetoes"], *(name for name, _, _ in v["counts"])],
            [[_text(v["vetoes_count"]), *(_text(value) for _, value, _ in v["counts"])]],
        ),
        *(
            [
                f"{T['changes_new']} **{_text(v['changes']['new_text'])}**　{T['changes_fixed']} "
                f"**{_text(v['changes']['fixed_text'])}**（{_text(v['changes']['against'])}）",
                "",
            ]
            if v["changes"]
            else []
        ),
    ]
    if v["trend"]:
        out += [f"## {T['trend']}", ""]
        out += _table(
            [T["trend_run"], T["as_of"], T["score"], T["verdict"], T["fail_count"]],
            (
                [
                    _text(e["run_text"]),
                    _text(e["as_of"]),
                    _text(e["score_text"]),
                    _text(e["verdict"]),
                    _text(e["fail_text"]),
                ]
                for e in v["trend"]
            ),
        )
        if len(v["trend"]) == 1:
            out += [T["trend_single"], ""]
    out += [f"## {T['vetoes']}（{len(v['vetoes'])}）", ""]

    if v["vetoes"]:
        out += [f"> {T['vetoes_note']}", ""]
        for f in v["vetoes"]:
            out += [
                f"### {_text(f['severity_label'])} {_text(f['rule'])} {_text(f['title'])}{_new_mark(f)}",
                "",
                f"- **{T['subject']}**：{_text(f['subject']) or T['none']}",
                f"- **{T['message']}**：{_text(f['message']) or T['none']}",
                f"- **{T['evidence']}**：{_text(f['evidence']) or T['none']}",
                f"- **{T['url']}**：{_link(f['url'])}",
            ]
            if f["how_to_fix"]:
                out.append(f"- **{T['how_to_fix']}**：{_text(f['how_to_fix'])}")
            out.append("")
    else:
        out += [T["no_vetoes"], ""]

    out += [f"## {T['problems']}", ""]
    if v["problem_groups"]:
        out += [f"> {T['problems_note']}", ""]
    else:
        out += [T["no_problems"], ""]
    for g in v["problem_groups"]:
        out += [
            f"### {_text(g['code'])} {_text(g['title'])}（{_text(g['severity_label'])}，{len(g['findings'])} {T['count']}）",
            "",
        ]
        if g["summary"]:
            out += [_text(g["summary"]), ""]
        if g["how_to_fix"]:
            out += [f"**{T['how_to_fix']}**：{_text(g['how_to_fix'])}", ""]
        out += _table(
            [T["subject"], T["message"], T["evidence"], T["url"], T["deduction"]],
            (
                [
                    _new_mark(f, after=False)
                    + _text(f["subject"])
                    + (f"<br>{_text(f['since_text'])}" if f["since_text"] else ""),
                    _text(f["message"]),
                    _text(f["evidence"]),
                    _link(f["url"]),
                    _deduction(f),
                ]
                for f in g["findings"]
            ),
        )

    if v["fixed"]:
        out += [f"## {T['fixed_list']}（{len(v['fixed'])}）", ""]
        if v["changes"] and v["changes"]["fixed_note"]:
            out += [_text(v["changes"]["fixed_note"]), ""]
        out += _table(
            [T["rule"], T["subject"], T["url"]],
            ([f"{_text(x['rule'])} {_text(x['title'])}", _text(x["subject"]), _link(x["url"])] for x in v["fixed"]),
        )

    out += _decisions(v)
    out += [f"## {T['columns']}", ""]
    out += (
        _table(
            [T["column_name"], T["column_kind"], T["status"], T["newest"], T["limit_days"], T["item_count"], T["url"]],
            (
                [
                    _text(c["name"]),
                    _text(c["kind_text"]),
                    _text(c["status_label"]),
                    _text(c["newest_text"]),
                    _text(c["limit_text"]),
                    _text(c["items_text"]),
                    _link(c["url"]),
                ]
                for c in v["columns"]
            ),
        )
        if v["columns"]
        else [T["no_columns"], ""]
    )

    if v["template"]:
        out += [f"## {T['template']}", ""]
        out += _table(
            [T["template_block"], T["template_pages"], T["template_text"], T["url"]],
            ([_text(b["block"]), _text(str(b["pages"])), _text(b["text"]), _link(b["example"])] for b in v["template"]),
        )

    out += [
        f"## {T['links']}（{L.LINK_VERDICT['broken']} {v['links_broken']}，"
        f"{L.LINK_VERDICT['unverified']} {v['links_unverified']}）",
        "",
    ]
    out += (
        _table(
            [T["link_url"], T["status"], T["http_status"], T["reason"], T["found_on"]],
            (
                [
                    _link(x["url"]),
                    _text(x["verdict_label"]),
                    _text(x["status_text"]),
                    _text(x["reason"]),
                    _found_on(x),
                ]
                for x in v["links"]
            ),
        )
        if v["links"]
        else [T["no_links"], ""]
    )

    out += [f"## {T['checks']}", ""]
    out += (
        _table(
            [T["rule"], T["severity"], T["status"], T["subject"], T["message"], T["deduction"]],
            (
                [
                    f"{_text(f['rule'])} {_text(f['title'])}",
                    _text(f["severity_label"]),
                    _text(f["status_label"]),
                    _text(f["subject"]),
                    _text(f["message"]),
                    _deduction(f),
                ]
                for f in v["checks"]
            ),
        )
        if v["checks"]
        else [T["no_checks"], ""]
    )

    out += [f"## {T['footer']}", ""]
    out += [f"- **{name}**：{_text(value)}" for name, value in v["footer"]]
    out += ["", f"*{T['generated_by']} · {_text(v['schema'])}*", ""]
    return "\n".join(out)


def _deduction(f: dict[str, Any]) -> str:
    """The 扣分 cell: the points, and why when they are not counted in full."""
    why = f"（{f['deduction_why']}）" if f["deduction_why"] else ""
    return _text(f["deduction_text"] + why)


def _incomplete(reasons: list[str]) -> list[str]:
    """The banner of a crawl that did not see the whole portal, as a quote block; nothing when it did."""
    if not reasons:
        return []
    return [
        f"> **{L.INCOMPLETE['title']}**",
        ">",
        *(f"> - {_text(r)}" for r in reasons),
        ">",
        f"> {L.INCOMPLETE['note']}",
        "",
    ]


def _new_mark(f: dict[str, Any], *, after: bool = True) -> str:
    if not f["is_new"]:
        return ""
    return f" **【{L.CHANGE['new']}】**" if after else f"**【{L.CHANGE['new']}】** "


def _found_on(link: dict[str, Any]) -> str:
    parts = [f"**{L.TEXT['homepage']}**"] if link["on_homepage"] else []
    parts += [_link(page) for page in link["pages_shown"]]
    if link["pages_more"]:
        parts.append(link["pages_more"])
    return "<br>".join(parts)


def _decisions(v: dict[str, Any]) -> list[str]:
    """The 已确认/误报 and 人工核查结果 sections: what people decided, apart from what the rules found."""
    D, T, out = L.DECISIONS, L.TEXT, []
    if v["accepted"]:
        out += [f"## {D['section']}（{len(v['accepted'])}）", "", D["note"], ""]
        out += _table(
            [D["kind"], T["rule"], T["subject"], T["url"], D["reason"], D["by"], D["at"]],
            (
                [
                    _text(a["kind_text"]),
                    f"{_text(a['rule'])} {_text(a['title'])}",
                    _text(a["subject"]),
                    _link(a["url"]),
                    _text(a["reason"]),
                    _text(a["by"]),
                    _text(a["at_text"]),
                ]
                for a in v["accepted"]
            ),
        )
    if v["manual_checks"]:
        out += [f"## {D['manual_section']}（{len(v['manual_checks'])}）", "", D["manual_note"], ""]
        out += _table(
            [T["rule"], D["result"], D["note_head"], D["by"], D["at"]],
            (
                [
                    f"{_text(m['rule'])} {_text(m['title'])}",
                    _text(m["result_text"]),
                    _text(m["note"]),
                    _text(m["by"]),
                    _text(m["at_text"]),
                ]
                for m in v["manual_checks"]
            ),
        )
    return out
