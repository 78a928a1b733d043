"""Reports: one typed report (`model.Report`, written as report.json), rendered as Markdown, HTML, Excel and CSV."""

from __future__ import annotations

import gc
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from lxml import etree
from pydantic import ValidationError

from core.errors import GapcheckError

from ..cli_words import ERROR
from .excel import render_csv, render_xlsx
from .html import render_html
from .index import write_index
from .markdown import render_markdown
from .model import SCHEMA, Report, build_report, report_schema

FILES: dict[str, Callable[[Report], str | bytes]] = {
    "report.json": Report.json_text,
    "report.md": render_markdown,
    "report.html": render_html,
    "report.xlsx": render_xlsx,
    "report.csv": render_csv,
}  # renderers return str (UTF-8) or bytes


def write_reports(report: Report, out: Path) -> Path:
    """Writes every format into `out`; returns the HTML report's path.

    Each file is written whole under a temporary name in `out` first, and the files are renamed into place
    only once all are written: a run killed or failing meanwhile leaves the earlier run's files as they were,
    not some of each run's."""
    written: dict[Path, Path] = {}
    try:
        out.mkdir(parents=True, exist_ok=True)
        # A killed run's files: one folder takes one run's reports at a time (a second writer would mix
        # its files with this one's whatever the names), so any left here is stale.
        for stale in out.glob(".report.*.partial"):
            stale.unlink(missing_ok=True)
        for name, render in FILES.items():
            try:
                data = render(report)
            except (OSError, etree.SerialisationError) as exc:  # openpyxl writes the sheets through temp files
                _drop_quietly(exc)
                raise GapcheckError(
                    f"临时文件夹 {tempfile.gettempdir()} 写不下 {name} 的草稿（{exc}）；请清理该文件夹，"
                    "或把环境变量 TMPDIR 指向空间充足的文件夹"
                ) from None
            # Not mkstemp: its files are private (0600), and reports are read by web servers and colleagues.
            temporary = written[out / name] = out / f".{name}.{os.getpid()}.partial"
            temporary.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        for final, temporary in written.items():
            os.replace(temporary, final)
    except BaseException as exc:
        for temporary in written.values():
            temporary.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise GapcheckError(ERROR["reports_unwritable"].format(out=out, reason=exc.strerror)) from None
        raise
    return out / "report.html"


def _drop_quietly(exc: BaseException) -> None:
    """Frees the failed render's frames now: openpyxl's sheet writers fail once more as they are collected,
    which Python would print as a traceback after the one-line error."""
    hook, sys.unraisablehook = sys.unraisablehook, lambda _: None
    try:
        exc.__traceback__ = None
        gc.collect()
    finally:
        sys.unraisablehook = hook


def reports_of(out: Path, run_id: int) -> bool:
    """Whether `out` holds every report file, and they are of run `run_id`."""
    if not all((out / name).is_file() for name in FILES):
        return False
    try:
        return Report.model_validate_json((out / "report.json").read_bytes()).run.id == run_id
    except (OSError, ValidationError):
        return False


__all__ = [
    "SCHEMA",
    "Report",
    "build_report",
    "render_csv",
    "render_html",
    "render_markdown",
    "render_xlsx",
    "report_schema",
    "reports_of",
    "write_index",
    "write_reports",
]
