"""Reports: one canonical dict (report.json), rendered as Markdown, HTML, Excel and CSV."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import GapcheckError
from .excel import render_csv, render_xlsx
from .html import render_html
from .index import write_index
from .markdown import render_markdown
from .model import SCHEMA, build_report

FILES = {"report.json": lambda r: json.dumps(r, ensure_ascii=False, indent=2) + "\n",
         "report.md": render_markdown, "report.html": render_html,
         "report.xlsx": render_xlsx, "report.csv": render_csv}  # renderers return str (UTF-8) or bytes


def write_reports(report: dict[str, Any], out: Path) -> Path:
    """Writes every format into `out`; returns the HTML report's path."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, render in FILES.items():
            data = render(report)
            (out / name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    except OSError as exc:
        raise GapcheckError(f"{out}: cannot write the reports ({exc.strerror}); pass --out with a writable "
                            "folder") from None
    return out / "report.html"


__all__ = ["SCHEMA", "build_report", "render_csv", "render_html", "render_markdown", "render_xlsx",
           "write_index", "write_reports"]
