"""`gapcheck accept`: a finding accepted (still counted) or a false positive (counted for nothing), kept in the
store, carried to later runs of the site by its fingerprint, shown apart in every report, listed, withdrawn."""

from __future__ import annotations

import sqlite3

import pytest
from cli import gapcheck
from loops import recheck_again, rereport

pytestmark = pytest.mark.e2e


def _major(report: dict) -> dict:
    """A failing finding that costs points and is not a veto."""
    return next(f for f in report["findings"] if f["status"] == "fail" and f["deduction"] > 0)


def test_without_a_fingerprint_it_lists_the_run_s_problems_with_theirs(sample_db, tmp_path):
    report = rereport(sample_db, tmp_path / "r")
    result = gapcheck("accept", "1", "--db", str(sample_db))
    assert result.returncode == 0, result.stderr
    for f in report["findings"]:
        if f["status"] == "fail":
            assert f"{f['fingerprint']}  {f['rule']}" in result.stdout


def test_an_accepted_finding_still_counts_and_is_listed_apart(sample_db, tmp_path):
    before = rereport(sample_db, tmp_path / "before")
    finding = _major(before)
    reason = "专题已按上级要求下线 <i>x</i>"
    result = gapcheck("accept", "1", finding["fingerprint"], "--reason", reason, "--by", "张三", "--db", str(sample_db))
    assert result.returncode == 0, result.stderr
    assert "已记录" in result.stdout and "gapcheck report 1" in result.stdout
    after = rereport(sample_db, tmp_path / "after")
    assert after["summary"]["score"] == before["summary"]["score"]
    assert after["summary"]["verdict"] == before["summary"]["verdict"]
    assert finding["fingerprint"] in {f["fingerprint"] for f in after["findings"] if f["status"] == "fail"}
    [accepted] = after["accepted"]
    assert accepted["kind"] == "accepted" and accepted["by"] == "张三" and accepted["reason"] == reason
    assert accepted["fingerprint"] == finding["fingerprint"] and accepted["rule"] == finding["rule"]
    html = (tmp_path / "after" / "report.html").read_text(encoding="utf-8")
    md = (tmp_path / "after" / "report.md").read_text(encoding="utf-8")
    assert 'id="accepted"' in html and "已确认/误报（1）" in html and "&lt;i&gt;x" in html and "<i>x" not in html
    assert "已确认/误报（1）" in md and "张三" in md and "&lt;i&gt;x" in md
    assert "accepted" not in before  # no decision, no section: older reports keep their bytes


def test_a_false_positive_counts_for_nothing_and_carries_to_the_next_run(sample_db, tmp_path):
    before = rereport(sample_db, tmp_path / "before")
    finding = _major(before)
    fp = finding["fingerprint"]
    result = gapcheck("accept", "1", fp, "--false-positive", "--reason", "栏目在外网专题中", "--db", str(sample_db))
    assert result.returncode == 0, result.stderr
    after = rereport(sample_db, tmp_path / "after")
    assert fp not in {f["fingerprint"] for f in after["findings"]}
    assert after["summary"]["fail"] == before["summary"]["fail"] - 1
    assert after["summary"]["score"] >= before["summary"]["score"]
    assert [(a["fingerprint"], a["kind"]) for a in after["accepted"]] == [(fp, "false_positive")]
    # The next run of the same site (another port) carries the decision by the fingerprint.
    second = recheck_again(sample_db, tmp_path / "second")
    assert second["run"]["id"] == 2
    assert fp not in {f["fingerprint"] for f in second["findings"]}
    assert [(a["fingerprint"], a["kind"]) for a in second["accepted"]] == [(fp, "false_positive")]
    assert fp not in {x["fingerprint"] for x in second["fixed"]}  # dismissed, not fixed
    diff = gapcheck("diff", "1", "2", "--db", str(sample_db))
    assert diff.returncode == 0 and "新增问题（0）" in diff.stdout, diff.stdout + diff.stderr
    history = gapcheck("history", "127.0.0.1", "--db", str(sample_db))
    assert [line.split("\t")[5] for line in history.stdout.splitlines()[1:]] == [str(after["summary"]["fail"])] * 2


def test_the_list_shows_who_why_and_when_and_a_withdrawal_brings_the_finding_back(sample_db, tmp_path):
    before = rereport(sample_db, tmp_path / "before")
    fp = _major(before)["fingerprint"]
    assert (
        gapcheck(
            "accept", "1", fp, "--false-positive", "--reason", "误判", "--by", "王五", "--db", str(sample_db)
        ).returncode
        == 0
    )
    listed = gapcheck("accept", "--list", "--db", str(sample_db))
    assert listed.returncode == 0, listed.stderr
    head, row = listed.stdout.strip().splitlines()
    assert head.split("\t")[:3] == ["编号", "网站", "类别"]
    cells = row.split("\t")
    assert cells[2] == "误报" and fp in cells and "误判" in cells and "王五" in cells and cells[-1].startswith("20")
    withdrawn = gapcheck("accept", "1", fp, "--withdraw", "--by", "王五", "--db", str(sample_db))
    assert withdrawn.returncode == 0 and "已撤销" in withdrawn.stdout, withdrawn.stderr
    assert "没有已确认/误报的问题" in gapcheck("accept", "--list", "--db", str(sample_db)).stdout
    again = rereport(sample_db, tmp_path / "again")
    assert fp in {f["fingerprint"] for f in again["findings"]} and "accepted" not in again
    assert again["summary"]["score"] == before["summary"]["score"]
    # The withdrawn decision stays in the store, with who withdrew it and when.
    with sqlite3.connect(sample_db) as con:
        assert con.execute("SELECT decided_by, withdrawn_by FROM acceptances").fetchall() == [("王五", "王五")]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["1", "0123456789abcdef", "--reason", "x"], "gapcheck accept 1"),
        (["1", "0123456789abcdef"], "--reason"),
        (["1", "0123456789abcdef", "--withdraw"], "--list"),
        ([], "--list"),
        (["9", "0123456789abcdef", "--reason", "x"], "gapcheck history"),
    ],
)
def test_errors_name_the_fix(sample_db, args, words):
    result = gapcheck("accept", *args, "--db", str(sample_db))
    assert result.returncode == 2, result.stdout
    assert words in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
