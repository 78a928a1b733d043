"""The published JSON Schema of report.json: the committed file is what `gapcheck schema` prints, reports
follow it, and the session's check (tests/report_schema_check.py) fails a test that leaves a report that
does not."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli import gapcheck
from jsonschema import Draft202012Validator
from report_schema_check import SCHEMA
from reports import make_report

from gapcheck.report import Report

HERE = Path(__file__).resolve().parent


@pytest.mark.e2e
def test_the_committed_schema_is_what_gapcheck_schema_prints():
    result = gapcheck("schema")
    assert result.returncode == 0, result.stderr
    assert result.stdout == SCHEMA.read_text(encoding="utf-8"), "run: gapcheck schema > " + str(SCHEMA)
    Draft202012Validator.check_schema(json.loads(result.stdout))


def test_a_report_follows_the_schema_and_reads_back_the_same():
    report = make_report()
    data = json.loads(report.json_text())
    Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8"))).validate(data)
    assert Report.model_validate(data) == report


def _session(tmp_path: Path, test_body: str) -> subprocess.CompletedProcess:
    """A pytest session of one test with the schema check on, as tests/conftest.py turns it on."""
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["report_schema_check"]\n', encoding="utf-8")
    (tmp_path / "test_writes.py").write_text(test_body, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--basetemp={tmp_path / 'temp'}", "."],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


BROKEN = """
import json
{mark}
def test_it(tmp_path):
    report = json.loads({valid!r})
    {damage}
    (tmp_path / "report.json").write_text(json.dumps(report), encoding="utf-8")
"""


@pytest.mark.damaged_reports
@pytest.mark.parametrize(
    "damage, expected",
    [
        ('report["summary"]["verdict"] = "良好"', "summary/verdict: '良好' is not one of"),
        ('report["findings"][0]["deduction"] = "2"', "findings/0/deduction: '2' is not of type 'number'"),
        ('report["extra"] = 1', "Additional properties are not allowed ('extra' was unexpected)"),
    ],
    ids=["verdict", "deduction-text", "unknown-key"],
)
def test_a_test_that_leaves_a_broken_report_fails(tmp_path, damage, expected):
    valid = make_report({"findings": [{"status": "fail", "deduction": 2.0}]}).json_text()
    result = _session(tmp_path, BROKEN.format(mark="", valid=valid, damage=damage))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 passed, 1 error" in result.stdout
    assert "report.json does not follow the schema" in result.stdout
    assert expected in result.stdout


@pytest.mark.damaged_reports
def test_a_valid_report_passes_and_a_marked_test_may_leave_a_damaged_one(tmp_path):
    valid = make_report().json_text()
    assert _session(tmp_path / "valid", BROKEN.format(mark="", valid=valid, damage="")).returncode == 0
    marked = BROKEN.format(mark="import pytest\n@pytest.mark.damaged_reports", valid=valid, damage='del report["run"]')
    result = _session(tmp_path / "marked", marked)  # `run` missing: the check would fail it
    assert result.returncode == 0, result.stdout + result.stderr
