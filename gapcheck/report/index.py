"""The supervisors' overview: one index.html over a folder of site reports (`gapcheck index DIR`).

DIR holds one folder per site (what `gapcheck batch` writes): DIR/<slug>/report.json with its
report.html beside it, or DIR/<slug>/error.json ({"name", "url", "error", "at"}) for a site that could
not be checked. The page is one self-contained file like report.html: inline CSS, no external resource,
every string from the reports autoescaped, live links only for http(s) and for the relative path of a
site's own report. It reads complete without scripts; one inline script, allowed by its hash in the page's
Content-Security-Policy and by nothing else, adds sorting and filtering.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup, escape
from pydantic import ValidationError

from checks.finding import Severity
from core.errors import GapcheckError

from ..cli_words import ERROR
from ..profile import DEFAULT_TIMEZONE
from . import labels as L
from .chart import COLOURS, PASS_LINE, points
from .labels import verdict_key
from .model import SCHEMA, Report, TrendPoint
from .view import fmt_num, fmt_time, incomplete_reasons, safe_url, verdict_text

INDEX = "index.html"
REPORT_JSON, REPORT_HTML, ERROR_JSON = "report.json", "report.html", "error.json"

TEXT = {
    "title": "政府网站检查结果汇总",
    "sites": "网站",
    "passed": L.VERDICT_PASS,
    "failed": L.VERDICT_FAIL,
    "error": L.NOT_CHECKED,
    "site": "网站",
    "verdict": "结论",
    "score": "得分",
    "trend": "得分趋势",
    "new_vetoes": "新增" + L.SEVERITY["veto"],
    "open": L.FINDING_COUNT["fail"],
    "open_total": "现有" + L.FINDING_COUNT["fail"],
    "open_note": "各网站本次检查发现、尚未整改的问题总数（含新增）",
    "new": "新增问题",
    "fixed": L.TEXT["changes_fixed"],
    "checked_at": L.TEXT["checked_at"],
    "report": "报告",
    "open_report": "查看报告",
    "previous_report": "上次报告",
    "no_report": "无报告",
    "vetoes_count": L.SEVERITY["veto"] + " {n} 项",
    "first_run": "首次检查",
    "as_of": "数据截至 {as_of}",
    "error_at": "失败时间 {at}",
    "unreadable": "{file} 无法读取：{reason}",
    "generated": "生成时间 {at}（{zone}） · 共 {n} 个网站 · 由 gapcheck 生成",
    "sort_note": f"按结论排序：{L.VERDICT_FAIL}在前，其次{L.NOT_CHECKED}，最后{L.VERDICT_PASS}；同一结论按得分从低到高。",
    "no_sites": "该目录下还没有检查结果。",
    "filter": "筛选",
    "filter_placeholder": "网站名称或地址",
    "all": "全部",
    "shown": "显示 {n} / {total} 个网站",
    "trend_title": "得分趋势（最近 {n} 次）：{scores}",
    "no_history": "报告未含历史记录",
    "not_a_report": "不是 {schema} 格式的检查报告（{where}：{why}）；用当前版本的 gapcheck 重新检查该网站",
}

# Display order: what needs a supervisor's attention first.
_RANK = {"fail": 0, "error": 1, "pass": 2}
SPARK_W, SPARK_H, SPARK_PAD = 120, 30, 4


def _read_json(path: Path) -> tuple[Any, str | None]:
    try:
        return json.loads(path.read_text(encoding="utf-8")), None
    except OSError as exc:
        return None, exc.strerror or str(exc)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, f"不是有效的 JSON（{exc}）"


def _not_a_report(exc: ValidationError) -> str:
    """Why a JSON file is not a report of this gapcheck: an older or edited file, or another kind of file."""
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "（顶层）"
    return TEXT["not_a_report"].format(schema=SCHEMA, where=where, why=first["msg"])


def _text(value: object) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def sparkline(trend: Sequence[TrendPoint]) -> Markup:
    """A tiny inline SVG of the scores, oldest first: dashed pass line, last point coloured by verdict."""
    pts = points(trend)
    if not pts:
        return Markup("")
    n = len(pts)

    def x(i: int) -> float:
        return SPARK_W / 2 if n == 1 else SPARK_PAD + (SPARK_W - 2 * SPARK_PAD) * i / (n - 1)

    def y(score: float) -> float:
        return SPARK_PAD + (SPARK_H - 2 * SPARK_PAD) * (1 - min(max(score, 0.0), 100.0) / 100)

    def num(v: float) -> str:
        return f"{v:.1f}".rstrip("0").rstrip(".")

    title = TEXT["trend_title"].format(n=n, scores=" → ".join(fmt_num(p["score"]) for p in pts))
    coords = [(num(x(i)), num(y(p["score"]))) for i, p in enumerate(pts)]
    last = pts[-1]
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="spark" viewBox="0 0 {SPARK_W} {SPARK_H}" '
        f'width="{SPARK_W}" height="{SPARK_H}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="0" y1="{num(y(PASS_LINE))}" x2="{SPARK_W}" y2="{num(y(PASS_LINE))}" '
        f'stroke="{COLOURS["fail"]}" stroke-width="1" stroke-dasharray="3 2" opacity="0.6"/>',
    ]
    if n > 1:
        out.append(
            f'<polyline fill="none" stroke="#2a5db0" stroke-width="1.5" stroke-linejoin="round" '
            f'points="{" ".join(f"{cx},{cy}" for cx, cy in coords)}"/>'
        )
    cx, cy = coords[-1]
    out.append(f'<circle cx="{cx}" cy="{cy}" r="3" fill="{COLOURS[last["verdict_key"]]}"/>')
    out.append("</svg>")
    return Markup("".join(out))


def _report_href(slug: str) -> str:
    # A relative path to DIR/<slug>/report.html, every character of the folder name quoted: no scheme
    # (javascript:), no "..", no query can come out of a folder name.
    return f"{quote(slug, safe='')}/{REPORT_HTML}"


def _site_row(slug: str, report: Report, has_html: bool, timezone: str) -> dict[str, Any]:
    summary, run = report.summary, report.run
    changes = summary.changes
    # Reports written without history carry no `change`: every veto then counts as news.
    new_vetoes = [f for f in report.failing if f.severity is Severity.VETO and (changes is None or f.change == "new")]
    titles: list[str] = []
    for f in new_vetoes:
        title = f.title or report.title_of(f.rule) or f.rule
        if title not in titles:
            titles.append(title)
    finished = run.finished_at or run.started_at
    return {
        "slug": slug,
        "name": report.site.name or slug,
        "url": report.site.start_url,
        "key": verdict_key(summary.verdict),
        "verdict": verdict_text(report),
        "incomplete": incomplete_reasons(run),
        "vetoes_text": TEXT["vetoes_count"].format(n=summary.vetoes) if summary.vetoes else "",
        "score": float(summary.score),
        "score_text": fmt_num(summary.score),
        "trend_svg": sparkline(report.trend or []),
        "new_vetoes": titles,
        "open": summary.fail,
        "new": changes.new if changes else None,
        "fixed": changes.fixed if changes else None,
        "first_run": changes is not None and changes.previous_run is None,
        "checked_at": fmt_time(finished, timezone),
        "sort_time": finished,
        "as_of": run.as_of,
        "href": _report_href(slug) if has_html else None,
        "error": "",
    }


def _error_row(slug: str, error: Any, problem: str | None, has_html: bool, timezone: str) -> dict[str, Any]:
    error = error if isinstance(error, dict) else {}
    return {
        "slug": slug,
        "name": _text(error.get("name")) or slug,
        "url": _text(error.get("url")),
        "key": "error",
        "verdict": TEXT["error"],
        "incomplete": [],
        "vetoes_text": "",
        "score": None,
        "score_text": L.TEXT["none"],
        "trend_svg": Markup(""),
        "new_vetoes": [],
        "open": None,
        "new": None,
        "fixed": None,
        "first_run": False,
        "checked_at": fmt_time(error.get("at"), timezone),
        "sort_time": _text(error.get("at")),
        "as_of": "",
        # A report left from an earlier run stays reachable, marked as such.
        "href": _report_href(slug) if has_html else None,
        "error": problem or _text(error.get("error")) or L.TEXT["none"],
    }


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return -1.0


def read_sites(reports_dir: Path, timezone: str = DEFAULT_TIMEZONE) -> list[dict[str, Any]]:
    """One row per DIR/<slug>/ holding a report.json or an error.json, in display order, times in `timezone`.

    When both are there the newer file is the site's state: a failed batch run after a good one shows
    未能检查 (with a link to the earlier report); an unreadable report.json shows 未能检查 with the reason.
    """
    rows = []
    for folder in sorted(p for p in reports_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        report_path, error_path = folder / REPORT_JSON, folder / ERROR_JSON
        has_report, has_error = report_path.is_file(), error_path.is_file()
        if not (has_report or has_error):
            continue
        has_html = (folder / REPORT_HTML).is_file()
        if has_error and (not has_report or _mtime(error_path) >= _mtime(report_path)):
            error, problem = _read_json(error_path)
            if problem:
                problem = TEXT["unreadable"].format(file=ERROR_JSON, reason=problem)
            rows.append(_error_row(folder.name, error, problem, has_html, timezone))
            continue
        data, problem = _read_json(report_path)
        report = None
        if problem is None:
            try:
                report = Report.model_validate(data)
            except ValidationError as exc:
                problem = _not_a_report(exc)
        if report is None:
            problem = TEXT["unreadable"].format(file=REPORT_JSON, reason=problem)
            rows.append(_error_row(folder.name, {}, problem, has_html, timezone))
        else:
            rows.append(_site_row(folder.name, report, has_html, timezone))
    rows.sort(key=lambda r: (_RANK[r["key"]], r["score"] is None, r["score"] or 0.0, r["name"], r["slug"]))
    return rows


@cache
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,  # explicitly: select_autoescape() would miss `.html.j2`
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["live_url"] = safe_url
    return env


# Sorting and filtering, added by script so the page without it is complete and shows no dead controls.
# Static text: every word it shows comes from the page's data-* attributes, every value through textContent.
SCRIPT = r"""
(function () {
  "use strict";
  var table = document.getElementById("sites");
  if (!table || !table.tBodies.length) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var controls = document.getElementById("controls");
  var shown = document.getElementById("shown");
  var search = document.getElementById("filter-text");
  var verdict = document.getElementById("filter-verdict");
  function apply() {
    var q = search.value.trim().toLowerCase(), v = verdict.value, n = 0;
    rows.forEach(function (tr) {
      var ok = (!q || (tr.getAttribute("data-text") || "").toLowerCase().indexOf(q) >= 0) &&
               (!v || tr.getAttribute("data-key") === v);
      tr.hidden = !ok;
      if (ok) { n += 1; }
    });
    shown.textContent = table.getAttribute("data-shown").replace("{n}", n).replace("{total}", rows.length);
  }
  var order = {};
  Array.prototype.forEach.call(table.tHead.querySelectorAll("th[data-sort]"), function (th) {
    th.classList.add("sortable");
    th.tabIndex = 0;
    function sort() {
      var key = th.getAttribute("data-sort"), numeric = th.hasAttribute("data-numeric");
      var dir = order[key] = -(order[key] || -1);
      Array.prototype.forEach.call(table.tHead.querySelectorAll("th[aria-sort]"), function (o) {
        o.removeAttribute("aria-sort");
      });
      th.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
      rows.slice().sort(function (a, b) {
        var x = a.getAttribute("data-" + key) || "", y = b.getAttribute("data-" + key) || "";
        if (numeric) {
          if (x === "" || y === "") { return (x === "") - (y === ""); }
          return dir * (parseFloat(x) - parseFloat(y));
        }
        return dir * x.localeCompare(y, "zh-CN");
      }).forEach(function (tr) { body.appendChild(tr); });
    }
    th.addEventListener("click", sort);
    th.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); }
    });
  });
  search.addEventListener("input", apply);
  verdict.addEventListener("change", apply);
  controls.hidden = false;
  apply();
})();
"""


def _script() -> tuple[Markup, str]:
    """The inline script and its CSP source: the page runs this script and no other."""
    digest = base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode("ascii")
    return Markup(SCRIPT), f"'sha256-{digest}'"


def totals(rows: list[dict[str, Any]]) -> dict[str, int]:
    """Sites by verdict key (pass, fail, error), for the page's headline and the command's summary alike."""
    return {k: sum(r["key"] == k for r in rows) for k in _RANK}


def open_total(rows: list[dict[str, Any]]) -> int:
    """Problems open across the sites checked: each site's failing findings in its latest report."""
    return sum(r["open"] or 0 for r in rows)


def totals_line(rows: list[dict[str, Any]]) -> str:
    """网站 N：合格 a，不合格 b，未能检查 c；现有问题 d — what `gapcheck index` prints."""
    counts = totals(rows)
    names = {"pass": TEXT["passed"], "fail": TEXT["failed"], "error": TEXT["error"]}
    return (
        f"{TEXT['sites']} {len(rows)}："
        + "，".join(f"{names[k]} {counts[k]}" for k in names)
        + f"；{TEXT['open_total']} {open_total(rows)}"
    )


def render_index(
    rows: list[dict[str, Any]], generated_at: dt.datetime | None = None, timezone: str = DEFAULT_TIMEZONE
) -> str:
    counts = totals(rows)
    script, script_hash = _script()
    generated = fmt_time((generated_at or dt.datetime.now(dt.UTC)).isoformat(), timezone)
    return (
        _env()
        .get_template("index.html.j2")
        .render(
            rows=rows,
            counts=counts,
            total=len(rows),
            open_total=open_total(rows),
            T=TEXT,
            LT=L.TEXT,
            L=L,
            script=script,
            script_hash=script_hash,
            generated=TEXT["generated"].format(at=generated, zone=timezone, n=len(rows)),
        )
    )


def write_index(reports_dir: Path, timezone: str = DEFAULT_TIMEZONE) -> Path:
    """Reads every DIR/*/report.json (and error.json) and writes DIR/index.html, times in `timezone`; returns
    its path."""
    reports_dir = Path(reports_dir)
    if not reports_dir.is_dir():
        raise GapcheckError(ERROR["index_no_dir"].format(dir=reports_dir))
    try:
        rows = read_sites(reports_dir, timezone)
        html = render_index(rows, timezone=timezone)
        path = reports_dir / INDEX
        tmp = path.with_name(f".{INDEX}.tmp")
        tmp.write_text(html, encoding="utf-8")
        tmp.replace(path)  # a supervisor reloading meanwhile never sees half a page
    except OSError as exc:
        raise GapcheckError(
            ERROR["index_unwritable"].format(dir=reports_dir, name=INDEX, reason=exc.strerror or exc)
        ) from None
    return path
