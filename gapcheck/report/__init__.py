"""Reports: one canonical dict (report.json), rendered as Markdown and HTML."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import GapcheckError
from .html import render_html
from .markdown import render_markdown
from .model import SCHEMA, build_report

FILES = {"report.json": lambda r: json.dumps(r, ensure_ascii=False, indent=2) + "\n",
         "report.md": render_markdown, "report.html": render_html}


def write_reports(report: dict[str, Any], out: Path) -> Path:
    """Writes every format into `out`; returns the HTML report's path."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, render in FILES.items():
            (out / name).write_text(render(report), encoding="utf-8")
    except OSError as exc:
        raise GapcheckError(f"{out}: cannot write the reports ({exc.strerror}); pass --out with a writable "
                            "folder") from None
    return out / "report.html"


__all__ = ["SCHEMA", "build_report", "render_html", "render_markdown", "write_reports"]
