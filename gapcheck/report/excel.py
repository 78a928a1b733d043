"""The report for spreadsheets: a workbook for supervisors (report.xlsx) and the findings as CSV (report.csv).

Both lay out `table.py`'s tables and write every value through `cell_value`, so no crawled string becomes
a formula; strings are stored as strings (never as formulas or error codes) and only http(s) URLs become
hyperlinks.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from checks.finding import Status

from . import labels as L
from .model import Report
from .table import Table, build_tables, cell_value, findings_table
from .view import build_view, fmt_time, safe_url


def _font(size: int = 11, **style: Any) -> Font:
    # Named like the workbook's default font; a font without a name shows as serif in LibreOffice.
    return Font(name="Calibri", size=size, **style)


URL_MAX = 2079  # Excel cannot open a hyperlink address longer than this; the URL then stays text
_HEAD_FONT = _font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
_TITLE_FONT = _font(16, bold=True)
_SECTION_FONT = _font(12, bold=True)
_NOTE_FONT = _font(italic=True, color="595959")
# The colours of Excel's built-in Good / Bad / Neutral and Hyperlink styles, applied directly so every
# spreadsheet program shows them the same way.
_TONE = {
    "good": (_font(color="006100"), PatternFill("solid", fgColor="C6EFCE")),
    "bad": (_font(color="9C0006"), PatternFill("solid", fgColor="FFC7CE")),
    "neutral": (_font(color="9C5700"), PatternFill("solid", fgColor="FFEB9C")),
}
_LINK_FONT = _font(color="0563C1", underline="single")
_TOP = Alignment(vertical="top")
_WRAP = Alignment(vertical="top", wrap_text=True)
_HEAD_ALIGN = Alignment(vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="top")
_FILTER_BUTTON = 3  # width the autofilter arrow takes from a header cell
_MIN_WIDTH = 6
_LINE_HEIGHT = 15  # points per line of 11-point text
_MAX_HEIGHT = 409  # the tallest row Excel allows


# --- cells ----------------------------------------------------------------------------------------------


def _put(ws: Worksheet, row: int, col: int, value: object, kind: str = "text", tone: str = "") -> Cell:
    """Writes one value; the only way anything reaches a sheet."""
    cell = ws.cell(row=row, column=col)
    assert isinstance(cell, Cell)  # no sheet here merges cells
    safe = cell_value(value)
    cell.value = safe
    if isinstance(safe, str):
        cell.data_type = "s"  # openpyxl would read "#N/A" as an error code; text stays text
    href = safe_url(value) if kind == "url" else None
    if href and len(href) <= URL_MAX:
        cell.hyperlink = href
        cell.font = _LINK_FONT
    elif kind == "status" and tone in _TONE:
        cell.font, cell.fill = _TONE[tone]
    cell.alignment = _WRAP if kind == "text" else _TOP
    return cell


def _header(ws: Worksheet, row: int, headers: Iterable[str]) -> None:
    for col, text in enumerate(headers, 1):
        cell = _put(ws, row, col, text, "label")
        cell.font, cell.fill, cell.alignment = _HEAD_FONT, _HEAD_FILL, _HEAD_ALIGN


def _char_width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def _width(value: object) -> int:
    """Display width of a cell's longest line; CJK and other wide characters count double."""
    if value is None:
        return 0
    if isinstance(value, (dt.date, dt.datetime)):
        return 10
    lines = str(value).splitlines() or [""]
    return max(len(line) if line.isascii() else sum(map(_char_width, line)) for line in lines)


def _wrapped_lines(text: str, usable: int) -> int:
    """Lines `text` takes when wrapped at `usable` width: breaks after spaces and around wide characters,
    and inside a word only when the word alone is wider than a line (as spreadsheets do with long URLs)."""
    total = 0
    for line in text.splitlines() or [""]:
        tokens = _ascii_tokens(line) if line.isascii() else _tokens(line)
        lines, used = 1, 0
        for w in tokens:
            if used + w <= usable:
                used += w
                continue
            if used:
                lines += 1
            lines += (w - 1) // usable
            used = w - (w - 1) // usable * usable
        total += lines
    return total


def _tokens(line: str) -> list[int]:
    """Widths of the line's unbreakable pieces: words, spaces and each wide character."""
    tokens, word = [], 0
    for ch in line:
        w = _char_width(ch)
        if w == 2 or ch == " ":
            if word:
                tokens.append(word)
            tokens.append(w)
            word = 0
        else:
            word += w
    if word:
        tokens.append(word)
    return tokens


def _ascii_tokens(line: str) -> list[int]:
    """`_tokens` of an ASCII line (a URL), without going character by character."""
    tokens = []
    for i, word in enumerate(line.split(" ")):
        if i:
            tokens.append(1)
        if word:
            tokens.append(len(word))
    return tokens


def _fit(ws: Worksheet, caps: Sequence[int], header_rows: Iterable[int] = (), skip: Iterable[int] = ()) -> None:
    """Sizes each column to its content, up to its cap; wrapped text takes the extra lines."""
    header_rows, skip = set(header_rows), set(skip)
    for col, cap in enumerate(caps, 1):
        widest = _MIN_WIDTH
        for (cell,) in ws.iter_rows(min_col=col, max_col=col):
            if cell.row in skip:
                continue
            extra = _FILTER_BUTTON if cell.row in header_rows else 0
            widest = max(widest, _width(cell.value) + extra)
        ws.column_dimensions[get_column_letter(col)].width = min(widest + 2, max(cap, _MIN_WIDTH))


def _fit_rows(ws: Worksheet) -> None:
    """Heights for rows with wrapped text, estimated from the column widths.

    Set explicitly because LibreOffice keeps the default height of rows the file leaves unsized, which
    would hide every wrapped line after the first.
    """
    widths = {letter: dim.width for letter, dim in ws.column_dimensions.items()}
    for row in ws.iter_rows():
        lines = 1
        for cell in row:
            if cell.value is None or not cell.alignment.wrap_text:
                continue
            usable = max(int(widths.get(cell.column_letter, 10)) - 2, 1)
            lines = max(lines, _wrapped_lines(str(cell.value), usable))
        if lines > 1 and row[0].row is not None:
            ws.row_dimensions[row[0].row].height = min(_LINE_HEIGHT * lines + 2, _MAX_HEIGHT)


def _print_setup(ws: Worksheet, landscape: bool) -> None:
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


# --- sheets ---------------------------------------------------------------------------------------------


def _table_sheet(ws: Worksheet, table: Table) -> None:
    """One table: bold frozen header, autofilter over all rows, fitted columns."""
    _header(ws, 1, table.headers)
    for r, row in enumerate(table.rows, 2):
        for col, (column, value) in enumerate(zip(table.columns, row.cells, strict=False), 1):
            _put(ws, r, col, value, column.kind, row.tone)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"
    ws.print_title_rows = "1:1"
    _fit(ws, [c.width for c in table.columns], header_rows=[1])
    _fit_rows(ws)
    _print_setup(ws, landscape=True)


def _summary_sheet(ws: Worksheet, report: Report, view: dict[str, Any]) -> None:
    T, none = L.TEXT, L.TEXT["none"]
    site, summary, run = report.site, report.summary, report.run
    headers: list[int] = []  # rows holding a table header
    skip: list[int] = []  # rows whose text may run past its column (titles, notes)
    r = 1

    def line(text: str, font: Font) -> None:
        nonlocal r
        _put(ws, r, 1, text, "label").font = font
        skip.append(r)
        r += 1

    def pair(name: str, value: object, kind: str = "text", tone: str = "") -> None:
        nonlocal r
        _put(ws, r, 1, name, "label").font = _HEAD_FONT
        cell = _put(ws, r, 2, none if value is None or value == "" else value, kind, tone)
        if isinstance(cell.value, (int, float)):
            cell.alignment = _LEFT  # next to its name, not at the far side of a wide column
        r += 1

    def table(head: Sequence[str], rows: Iterable[Sequence[object]], kinds: Sequence[str]) -> None:
        nonlocal r
        _header(ws, r, head)
        headers.append(r)
        r += 1
        for values in rows:
            for col, (value, kind) in enumerate(zip(values, kinds, strict=False), 1):
                _put(ws, r, col, value, kind)
            r += 1

    line(f"{site.name} {T['report']}".strip(), _TITLE_FONT)
    r += 1
    pair(T["verdict"], view["verdict"], "status", {"pass": "good", "fail": "bad"}.get(view["verdict_key"], ""))
    for reason in view["incomplete"]:
        pair(L.INCOMPLETE["title"], reason)
    pair(T["score"], summary.score)
    pair(T["vetoes"], summary.vetoes)
    r += 1
    pair(T["site"], site.name)
    pair(T["start_url"], site.start_url, "url")
    pair(T["profile"], site.profile)
    pair(T["basis"], summary.basis)
    pair(T["as_of"], run.as_of)
    pair(T["started_at"], fmt_time(run.started_at, run.timezone))
    pair(T["finished_at"], fmt_time(run.finished_at, run.timezone))
    pair(T["timezone"], run.timezone)
    pair(T["run_id"], run.id)
    pair(T["pages"], run.pages)
    pair(T["links_checked"], run.links_checked)
    r += 1

    line(T["status_counts"], _SECTION_FONT)
    table(
        [T["status"], T["quantity"]],
        [
            (T["checked"], summary.checked),
            *((L.FINDING_COUNT[status], summary.count(status)) for status in Status),
            (T["vetoes"], summary.vetoes),
        ],
        ["label", "number"],
    )
    for (cell,) in ws.iter_rows(min_row=headers[-1] + 1, max_row=r - 1, min_col=2, max_col=2):
        cell.alignment = _LEFT
    r += 1

    # Compared with the previous finished run of the site; left out for reports written before runs were.
    changes = summary.changes
    if changes is not None:
        line(f"{T['changes_head']}（{view['changes']['against']}）", _SECTION_FONT)
        table(
            [T["change"], T["quantity"]],
            [
                (T["changes_new"], changes.new),
                (T["changes_open"], changes.still_open),
                (T["changes_fixed"], changes.fixed),
            ],
            ["label", "number"],
        )
        for (cell,) in ws.iter_rows(min_row=headers[-1] + 1, max_row=r - 1, min_col=2, max_col=2):
            cell.alignment = _LEFT
        if view["fixed"]:
            line(T["fixed_sheet_note"].format(n=len(view["fixed"]), sheet=L.SHEET["fixed"]), _NOTE_FONT)
        r += 1

    line(f"{T['vetoes']}（{len(view['vetoes'])}）", _SECTION_FONT)
    if view["vetoes"]:
        line(T["vetoes_note"], _NOTE_FONT)
        table(
            [T["rule"], T["rule_title"], T["subject"], T["message"], T["evidence"], T["url"], T["how_to_fix"]],
            (
                (
                    f["rule"],
                    f["title"],
                    f["subject"],
                    f["message"],
                    f["evidence"],
                    f["url"],
                    f["how_to_fix"],
                )
                for f in view["vetoes"]
            ),
            ["label", "text", "text", "text", "text", "url", "text"],
        )
    else:
        line(T["no_vetoes"], _NOTE_FONT)
    r += 1

    line(T["deductions"], _SECTION_FONT)
    deductions = summary.deductions
    if deductions:
        table(
            [T["rule"], T["rule_title"], T["deduction"]],
            [(code, report.title_of(code), deductions[code]) for code in sorted(deductions)],
            ["label", "text", "number"],
        )
        _put(ws, r, 1, T["total"], "label").font = _HEAD_FONT
        _put(ws, r, 3, round(sum(deductions.values()), 6), "number").font = _HEAD_FONT
        r += 1
    else:
        line(T["no_deductions"], _NOTE_FONT)
    r += 1

    line(f"{T['generated_by']} · {view['schema']}", _NOTE_FONT)
    _fit(ws, [14, 50, 30, 36, 50, 40, 50], header_rows=headers, skip=skip)
    _fit_rows(ws)
    _print_setup(ws, landscape=False)


# --- renderers ------------------------------------------------------------------------------------------


def render_xlsx(report: Report) -> bytes:
    """The workbook: 汇总, then one sheet per table (检查结果, 栏目, 链接, 已整改)."""
    view = build_view(report)
    wb = Workbook()
    summary = wb.active
    assert isinstance(summary, Worksheet)  # a new workbook's one sheet
    summary.title = L.SHEET["summary"]
    _summary_sheet(summary, report, view)
    for table in build_tables(view):
        _table_sheet(wb.create_sheet(table.title), table)
    wb.properties.creator = "gapcheck"
    wb.properties.title = cell_value(f"{report.site.name} {L.TEXT['report']}".strip())
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _csv_text(value: object) -> str:
    safe = cell_value(value)
    if safe is None:
        return ""
    if isinstance(safe, float):
        text = f"{safe:.6f}".rstrip("0").rstrip(".")
        return "0" if text == "-0" else text
    if isinstance(safe, dt.date):
        return safe.isoformat()
    return str(safe)


def render_csv(report: Report) -> bytes:
    """The findings table as CSV: UTF-8 with a BOM (so Excel reads the Chinese), comma, CRLF, quoted as needed."""
    table = findings_table(build_view(report))
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([_csv_text(h) for h in table.headers])
    writer.writerows([_csv_text(v) for v in row.cells] for row in table.rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
