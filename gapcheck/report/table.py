"""The report's lists as flat tables (header + plain cell values), shared by the CSV and Excel renderings.

Every value a spreadsheet will see passes through `cell_value`, the one place crawled text is made inert
for spreadsheets: a string that could start a formula gets a leading apostrophe (as OWASP recommends for
CSV/formula injection), characters XML cannot carry are replaced, and overlong text is cut to what a cell
holds. Numbers and dates stay numbers and dates.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from . import labels as L

Value = str | int | float | dt.date | None

# Excel, LibreOffice, WPS and Google Sheets start a formula on these; the full-width forms are included
# because Chinese input methods produce them and OWASP lists them too.
FORMULA_START = frozenset("=+-@\t\r＝＋－＠")
CELL_MAX = 32767  # characters an Excel cell holds
# Control characters (except tab, LF, CR), lone surrogates and U+FFFE/U+FFFF: not allowed in XML, so an
# .xlsx could not carry them; the CSV gets the same text so both files agree.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Problems first, in the order they are dealt with; within a status, vetoes first, then by rule.
_STATUS_ORDER = {key: rank for rank, key in enumerate(("fail", "warn", "unverified", "manual", "pass"))}
_SEVERITY_ORDER = {key: rank for rank, key in enumerate(L.SEVERITY)}
# Which built-in spreadsheet tone ("good"/"bad"/"neutral") a status cell gets; keyed on data, never text.
_TONE = {
    "fail": "bad",
    "warn": "neutral",
    "unverified": "neutral",
    "pass": "good",
    "stale": "bad",
    "blank": "bad",
    "undated": "neutral",
    "fresh": "good",
    "broken": "bad",
}


def neutralise(text: str) -> str:
    """`text` with a leading apostrophe if a spreadsheet could read it as a formula.

    Leading whitespace is looked through, since some importers trim it. Idempotent: the apostrophe
    itself is not a formula start.
    """
    if text and (text[0] in FORMULA_START or text.lstrip()[:1] in FORMULA_START):
        return "'" + text
    return text


def cell_value(value: object) -> Value:
    """`value` as a spreadsheet cell may hold it: numbers and dates as they are, everything else inert text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return L.TEXT["yes"] if value else L.TEXT["no"]
    if isinstance(value, (int, float, dt.date)):
        return value
    text = neutralise(_NOT_XML.sub("\ufffd", str(value)))
    return text if len(text) <= CELL_MAX else text[: CELL_MAX - 1] + "…"


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"  # text (wrapped), url (a link when http/https), number, label (short), status (toned)
    width: int = 40  # the widest the column is made, in spreadsheet character units


@dataclass(frozen=True)
class Row:
    cells: tuple[Any, ...]  # raw values; writers pass each through `cell_value`
    tone: str = ""  # good / bad / neutral for the row's status cell, or ""


@dataclass(frozen=True)
class Table:
    key: str
    title: str  # the sheet name
    columns: tuple[Column, ...]
    rows: list[Row] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


def _date(value: object) -> object:
    # ISO dates become real dates so a spreadsheet sorts and filters them as dates.
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    return value


def findings_table(view: dict[str, Any]) -> Table:
    T = L.TEXT
    columns = (
        Column(T["rule"], "label", 10),
        Column(T["rule_title"], "text", 30),
        Column(T["status"], "status", 10),
        # 变化: 新增, or 仍存在 with the run the unbroken streak began in; empty for passes and first runs.
        Column(T["change"], "label", 30),
        Column(T["severity"], "label", 10),
        Column(T["subject"], "text", 30),
        Column(T["message"], "text", 40),
        Column(T["evidence"], "text", 60),
        Column(T["url"], "url", 50),
        Column(T["deduction"], "number", 8),
        Column(T["how_to_fix"], "text", 50),
    )
    findings = sorted(
        view["checks"],
        key=lambda f: (
            _STATUS_ORDER.get(f["status_key"], len(_STATUS_ORDER)),
            _SEVERITY_ORDER.get(f["severity_key"], len(_SEVERITY_ORDER)),
        ),
    )
    rows = [
        Row(
            (
                f["rule"],
                f["title"],
                f["status_label"],
                f["change_text"],
                f["severity_label"],
                f["subject"],
                f["message"],
                f["evidence"],
                f["url"],
                f["deduction"],
                f["how_to_fix"],
            ),
            _TONE.get(f["status_key"], ""),
        )
        for f in findings
    ]
    return Table("findings", L.SHEET["findings"], columns, rows)


def columns_table(view: dict[str, Any]) -> Table:
    T = L.TEXT
    columns = (
        Column(T["column_name"], "text", 30),
        Column(T["column_kind"], "label", 14),
        Column(T["item_count"], "number", 10),
        Column(T["newest"], "label", 12),
        Column(T["limit_days"], "number", 16),
        Column(T["status"], "status", 12),
        Column(T["url"], "url", 50),
    )
    rows = [
        Row(
            (
                c["name"],
                c["kind_text"],
                c["items"],
                _date(c["newest"]),
                c["limit_text"] if c["limit_days"] is None else c["limit_days"],
                c["status_label"],
                c["url"],
            ),
            _TONE.get(c["status_key"], ""),
        )
        for c in view["columns"]
    ]
    return Table("columns", L.SHEET["columns"], columns, rows)


def links_table(view: dict[str, Any]) -> Table:
    T = L.TEXT
    columns = (
        Column(T["link_url"], "url", 50),
        Column(T["http_status"], "number", 10),
        Column(T["status"], "status", 10),
        Column(T["reason"], "text", 30),
        Column(T["on_homepage"], "label", 10),
        Column(T["found_on"], "text", 60),
        Column(T["anchor_text"], "text", 30),
    )
    rows = [
        Row(
            (
                x["url"],
                x["status"],
                x["verdict_label"],
                x["reason"],
                x["on_homepage"],
                "\n".join(x["found_on"]),
                "\n".join(x["texts"]),
            ),
            _TONE.get(x["verdict_key"], ""),
        )
        for x in view["links"]
    ]
    return Table("links", L.SHEET["links"], columns, rows)


def fixed_table(view: dict[str, Any]) -> Table:
    """已整改: what the previous run of the site found and this one no longer does."""
    T = L.TEXT
    columns = (
        Column(T["rule"], "label", 10),
        Column(T["rule_title"], "text", 30),
        Column(T["subject"], "text", 40),
        Column(T["url"], "url", 60),
    )
    rows = [Row((x["rule"], x["title"], x["subject"], x["url"] or None)) for x in view["fixed"]]
    return Table("fixed", L.SHEET["fixed"], columns, rows)


def build_tables(view: dict[str, Any]) -> list[Table]:
    """The findings, columns, links and fixed tables, in sheet order, from `build_view`'s view."""
    return [findings_table(view), columns_table(view), links_table(view), fixed_table(view)]
