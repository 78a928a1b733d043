"""Reports for tests, built through the model (`gapcheck.report.model.Report`) so a test cannot hand a
renderer a report the code would never write.

`make_report(data)` takes a report.json-shaped dict that may leave out what a test does not care about:
every field left out gets the value a real run would write for a site without it (no template block, no
basis text, a page limit not reached…). What it does give is validated as report.json is: a wrong type,
an unknown verdict or an unknown key fails the test that built it.
"""

from __future__ import annotations

import copy
from typing import Any

from gapcheck.report.model import SCHEMA, Report

SITE = {"name": "示例市商务局", "start_url": "https://www.example.gov.cn/", "profile": "national"}
RUN = {
    "id": 1,
    "as_of": "2026-11-20",
    "started_at": "2026-11-20T08:00:00+00:00",
    "finished_at": "2026-11-20T08:10:00+00:00",
    "pages": 10,
    "links_checked": 20,
    "page_limit_reached": False,
}
SUMMARY = {
    "checked": 0,
    "pass": 0,
    "fail": 0,
    "warn": 0,
    "unverified": 0,
    "manual": 0,
    "verdict": "合格",
    "score": 100.0,
    "vetoes": 0,
    "basis": "国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》",
    "deductions": {},
}
FINDING = {
    "rule": "GK101",
    "title": "",
    "status": "pass",
    "severity": "major",
    "subject": "",
    "url": "",
    "evidence": "",
    "message": "",
    "deduction": 0.0,
}
COLUMN = {
    "name": "",
    "url": "",
    "kind": None,
    "kind_label": None,
    "kind_why": "未分类",
    "trail": "",
    "pages": 1,
    "items": 0,
    "newest": None,
    "limit_days": None,
    "status": "unlimited",
}
LINK = {"url": "", "status": None, "verdict": "broken", "reason": "", "found_on": [], "on_homepage": False}
RULE = {"code": "", "name": "", "title": "", "severity": "major", "summary": "", "how_to_fix": "", "basis": ""}
BLOCK = {"block": "body/div.footer", "pages": 2, "links": 0, "text": "", "example": ""}


def _filled(defaults: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    return {**defaults, **given}


def report_data(data: dict[str, Any] | None = None) -> dict[str, Any]:
    """`data` with every field it leaves out filled in, in report.json's key order."""
    data = copy.deepcopy(data or {})
    out: dict[str, Any] = {
        "schema": data.pop("schema", SCHEMA),
        "site": _filled(SITE, data.pop("site", {})),
        "run": _filled(RUN, data.pop("run", {})),
        "summary": _filled(SUMMARY, data.pop("summary", {})),
        "findings": [_filled(FINDING, f) for f in data.pop("findings", [])],
        "columns": [_filled(COLUMN, c) for c in data.pop("columns", [])],
        "template": [_filled(BLOCK, b) for b in data.pop("template", [])],
        "links": [_filled(LINK, x) for x in data.pop("links", [])],
        "rules": {code: _filled({**RULE, "code": code}, r) for code, r in data.pop("rules", {}).items()},
    }
    return {**out, **data}  # fixed, trend and anything else: validated as given


def make_report(data: dict[str, Any] | None = None) -> Report:
    """The typed report for `data` (see `report_data`); raises when the code could never have written it."""
    return Report.model_validate(report_data(data))
