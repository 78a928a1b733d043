"""The 得分趋势 chart: an inline SVG built here, so the report stays one file with no scripts.

Every value from the report is escaped (dates may come from a hand-edited or hostile report.json) and
only numbers reach coordinates; colours are fixed by verdict, never taken from the data.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

from . import labels as L
from .labels import verdict_key
from .model import TrendPoint

WIDTH, HEIGHT = 760, 280
LEFT, RIGHT, TOP, BOTTOM = 48, 24, 40, 44
PASS_LINE = 60
MAX_X_LABELS = 8
MAX_SCORE_LABELS = 15
COLOURS = {"pass": "#1e7d3a", "fail": "#c0262d", "other": "#5f6670"}
AXIS, GRID, INK, GREY = "#8a9099", "#e3e6ea", "#1f2328", "#5f6670"
FONT = (
    'font-family="PingFang SC, Microsoft YaHei, Noto Sans CJK SC, WenQuanYi Micro Hei, Source Han Sans SC, sans-serif"'
)


def _num(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _x_label_indices(n: int) -> list[int]:
    """At most MAX_X_LABELS evenly spaced indices, always the first and the last."""
    if n <= MAX_X_LABELS:
        return list(range(n))
    step = math.ceil((n - 1) / (MAX_X_LABELS - 1))
    picked = list(range(0, n, step))
    if picked[-1] != n - 1:
        if n - 1 - picked[-1] < step / 2:
            picked.pop()  # too close to the last: its label would overlap
        picked.append(n - 1)
    return picked


def points(trend: Sequence[TrendPoint]) -> list[dict[str, Any]]:
    """The trend entries as the chart draws them, with the verdict as a colour key."""
    return [
        {**e.model_dump(mode="json"), "score": float(e.score), "verdict_key": verdict_key(e.verdict)} for e in trend
    ]


def trend_svg(trend: Sequence[TrendPoint]) -> Markup:
    """The chart as SVG markup; empty when no run has a score."""
    pts = points(trend)
    n = len(pts)
    if not n:
        return Markup("")
    T = L.TEXT
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(score: float) -> float:
        return TOP + plot_h * (1 - min(max(score, 0.0), 100.0) / 100)

    def x(i: int) -> float:
        return LEFT + plot_w / 2 if n == 1 else LEFT + 12 + (plot_w - 24) * i / (n - 1)

    title = T["trend_caption"].format(n=n)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(title)}" {FONT} font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<text class="chart-title" x="{LEFT}" y="22" font-size="15" font-weight="600" fill="{INK}">'
        f"{escape(title)}</text>",
    ]
    for tick in range(0, 101, 20):
        ty = _num(y(tick))
        out.append(f'<line x1="{LEFT}" y1="{ty}" x2="{WIDTH - RIGHT}" y2="{ty}" stroke="{GRID}" stroke-width="1"/>')
        out.append(f'<text x="{LEFT - 8}" y="{ty}" dy="4" text-anchor="end" fill="{GREY}">{tick}</text>')
    out.append(f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="{AXIS}" stroke-width="1"/>')
    out.append(
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" stroke="{AXIS}" '
        'stroke-width="1"/>'
    )
    py = _num(y(PASS_LINE))
    out.append(
        f'<line class="pass-line" x1="{LEFT}" y1="{py}" x2="{WIDTH - RIGHT}" y2="{py}" '
        f'stroke="{COLOURS["fail"]}" stroke-width="1.5" stroke-dasharray="6 4"/>'
    )
    out.append(
        f'<text x="{WIDTH - RIGHT}" y="{py}" dy="-5" text-anchor="end" fill="{COLOURS["fail"]}">'
        f"{escape(T['pass_line'])} {PASS_LINE}</text>"
    )
    coords = [(_num(x(i)), _num(y(p["score"]))) for i, p in enumerate(pts)]
    if n > 1:
        out.append(
            '<polyline class="score-line" fill="none" stroke="#2a5db0" stroke-width="2" '
            f'stroke-linejoin="round" points="{" ".join(f"{cx},{cy}" for cx, cy in coords)}"/>'
        )
    for p, (cx, cy) in zip(pts, coords, strict=False):
        tip = f"{p['as_of'] or T['none']} {T['score']} {_num(p['score'])} {p['verdict'] or T['none']}"
        out.append(
            f'<circle class="point point-{p["verdict_key"]}" cx="{cx}" cy="{cy}" r="5" '
            f'fill="{COLOURS[p["verdict_key"]]}" stroke="#fff" stroke-width="1.5">'
            f"<title>{escape(tip)}</title></circle>"
        )
        if n <= MAX_SCORE_LABELS:
            out.append(
                f'<text class="score-label" x="{cx}" y="{cy}" dy="-10" text-anchor="middle" '
                f'fill="{INK}">{escape(_num(p["score"]))}</text>'
            )
    base = _num(TOP + plot_h)
    for i in _x_label_indices(n):
        out.append(
            f'<text class="x-label" x="{coords[i][0]}" y="{base}" dy="18" text-anchor="middle" '
            f'fill="{GREY}">{escape(str(pts[i]["as_of"] or T["none"]))}</text>'
        )
    out.append("</svg>")
    return Markup("\n".join(out))
