"""The report as one self-contained HTML page: inline CSS, no scripts, no external resources."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from . import labels
from .view import build_view, safe_url


@cache
def _env() -> jinja2.Environment:
    # A path next to this module rather than PackageLoader: the templates ship as package data beside
    # it, so this finds them the same from a checkout, an editable install (where `gapcheck.report`
    # is mapped, not copied) and a wheel.
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        # Explicitly on: select_autoescape() keys off the file extension and would miss `.html.j2`.
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["live_url"] = safe_url
    return env


def render_html(report: dict[str, Any]) -> str:
    view = build_view(report)
    return _env().get_template("report.html.j2").render(**view, T=labels.TEXT, L=labels)
