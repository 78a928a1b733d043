"""`gapcheck report RUN`: the rules and reports again over a stored run, without crawling."""

from __future__ import annotations

import json

import pytest
from cli import gapcheck

pytestmark = pytest.mark.e2e


def test_report_over_a_stored_run_equals_the_crawl_s_own(tmp_path):
    demo = gapcheck("demo", "--out", str(tmp_path / "demo"))
    assert demo.returncode == 0, demo.stderr
    db = tmp_path / "demo" / "gapcheck.sqlite"
    again = gapcheck("report", "1", "--db", str(db), "--out", str(tmp_path / "again"))
    assert again.returncode == 1, again.stderr  # the sample portal has gaps
    assert "结论" in again.stdout
    first = json.loads((tmp_path / "demo" / "report.json").read_text(encoding="utf-8"))
    second = json.loads((tmp_path / "again" / "report.json").read_text(encoding="utf-8"))
    assert second["summary"] == first["summary"]
    assert second["findings"] == first["findings"]
    assert (tmp_path / "again" / "report.xlsx").is_file()


def test_report_errors_name_the_fix(tmp_path):
    missing = gapcheck("report", "1", "--db", str(tmp_path / "none.sqlite"))
    assert missing.returncode == 2 and "--db" in missing.stderr and "Traceback" not in missing.stderr
    demo = gapcheck("demo", "--out", str(tmp_path / "demo"))
    assert demo.returncode == 0, demo.stderr
    absent = gapcheck("report", "7", "--db", str(tmp_path / "demo" / "gapcheck.sqlite"))
    assert absent.returncode == 2 and "gapcheck history" in absent.stderr
