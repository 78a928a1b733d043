"""The report as one self-contained HTML page: inline CSS, one inline script, no external resources.

The page reads complete without scripts: every finding is shown. One inline script, allowed by its hash
in the page's Content-Security-Policy and by nothing else, adds a search box and filters over the
findings. It holds no data: it reads the findings' data-* attributes (autoescaped by Jinja) and the words
it shows from the filter bar's own attributes, and writes only through `hidden` and `textContent`.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from . import labels
from .model import Report
from .view import build_view, elide, safe_url

# Static text: nothing from the report is ever put into it, so its hash is fixed.
SCRIPT = r"""
(function () {
  "use strict";
  var bar = document.getElementById("filter");
  var search = document.getElementById("filter-text");
  var shown = document.getElementById("filter-shown");
  var reset = document.getElementById("filter-reset");
  if (!bar || !search || !shown || !reset) { return; }
  function all(selector, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(selector));
  }
  var boxes = all("input[type=checkbox][data-filter]", bar);
  var items = all("[data-finding]");
  var groups = all("[data-finding-group]");
  var empties = all("[data-filter-empty]");
  function apply() {
    var terms = search.value.toLowerCase().split(/\s+/).filter(function (t) { return t; });
    var want = {};
    boxes.forEach(function (box) {
      if (box.checked) {
        var key = box.getAttribute("data-filter");
        (want[key] = want[key] || []).push(box.value);
      }
    });
    var keys = Object.keys(want), n = 0, total = 0;
    items.forEach(function (el) {
      var ok = keys.every(function (key) {
        return want[key].indexOf(el.getAttribute("data-" + key) || "") >= 0;
      });
      if (ok && terms.length) {
        var text = (el.getAttribute("data-search") || "").toLowerCase();
        ok = terms.every(function (t) { return text.indexOf(t) >= 0; });
      }
      el.hidden = !ok;
      if (el.hasAttribute("data-count")) {
        total += 1;
        if (ok) { n += 1; }
      }
    });
    groups.forEach(function (g) { g.hidden = !g.querySelector("[data-finding]:not([hidden])"); });
    empties.forEach(function (p) {
      var scope = p.parentNode;
      p.hidden = !scope.querySelector("[data-finding]") || !!scope.querySelector("[data-finding]:not([hidden])");
    });
    var active = terms.length > 0 || keys.length > 0;
    // A match in a folded part of a long table is opened, or the reader would not see it.
    if (active) {
      all("details[data-fold]").forEach(function (d) {
        if (d.querySelector("[data-finding]:not([hidden])")) { d.open = true; }
      });
    }
    shown.textContent = shown.getAttribute(active ? "data-some" : "data-all")
      .replace("{n}", String(n)).replace("{total}", String(total));
    reset.disabled = !active;
  }
  search.addEventListener("input", apply);
  boxes.forEach(function (box) { box.addEventListener("change", apply); });
  reset.addEventListener("click", function () {
    search.value = "";
    boxes.forEach(function (box) { box.checked = false; });
    apply();
    search.focus();
  });
  // A browser may restore the controls' state when the page is shown again (back button).
  window.addEventListener("pageshow", apply);
  bar.hidden = false;
  apply();
})();
"""


def script_hash(script: str = SCRIPT) -> str:
    """The CSP source that allows exactly `script` as an inline script."""
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"


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
    env.filters["elide"] = elide
    return env


def render_html(report: Report) -> str:
    view = build_view(report)
    return (
        _env()
        .get_template("report.html.j2")
        .render(**view, T=labels.TEXT, L=labels, script=Markup(SCRIPT), script_hash=Markup(script_hash()))
    )
