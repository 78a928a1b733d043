"""8xx: what only a person can judge is listed for them in every report, and never passes or fails until a
person enters the result (`gapcheck manual`)."""

from __future__ import annotations

import datetime as dt

import pytest
from cli import gapcheck
from loops import recheck_again, rereport
from sitebuilder import build_site, check, page

from checks import Finding, Options, Severity, Status, summarize
from checks.registry import RULES

SITE = build_site({"": page("<h2>要闻</h2>")})


@pytest.mark.parametrize(
    ("code", "status"),
    [("GK801", Status.MANUAL), ("GK802", Status.MANUAL), ("GK803", Status.MANUAL), ("GK804", Status.UNVERIFIED)],
)
def test_manual_items_are_listed_for_a_person(code, status):
    [finding] = check(code, SITE, Options())
    assert finding.status is status and finding.severity is Severity.VETO and finding.evidence
    summary = summarize([finding], {r.code: r.severity for r in RULES})
    assert summary.vetoes == 0 and summary.score == 100.0  # an open question is not a verdict


def test_availability_says_what_this_crawl_saw():
    [finding] = check("GK804", SITE, Options())
    assert "数据不足" in finding.evidence and "HTTP 200" in finding.evidence


# -- `gapcheck manual`: a person's result, kept and carried to later runs of the site ------------


def _finding(report: dict, rule: str) -> dict:
    [finding] = [f for f in report["findings"] if f["rule"] == rule]
    return finding


@pytest.mark.e2e
def test_a_fail_entered_by_a_person_fails_the_site_and_carries_to_the_next_run(sample_db, tmp_path):
    before = rereport(sample_db, tmp_path / "before")
    assert _finding(before, "GK801")["status"] == "manual" and before["summary"]["verdict"] == "合格"
    result = gapcheck(
        "manual",
        "1",
        "GK801",
        "--result",
        "不合格",
        "--note",
        "首页领导职务有误",
        "--by",
        "李四",
        "--db",
        str(sample_db),
    )
    assert result.returncode == 0, result.stderr
    assert "已记录" in result.stdout and "gapcheck report 1" in result.stdout
    after = rereport(sample_db, tmp_path / "after")
    finding = _finding(after, "GK801")
    assert finding["status"] == "fail" and "李四" in finding["evidence"] and "首页领导职务有误" in finding["evidence"]
    assert after["summary"]["verdict"] == "不合格" and after["summary"]["vetoes"] == 1
    assert after["summary"]["manual"] == before["summary"]["manual"] - 1
    [entry] = after["manual_checks"]
    assert entry["rule"] == "GK801" and entry["result"] == "fail" and entry["by"] == "李四" and entry["run"] == 1
    for name in ("report.md", "report.html"):
        text = (tmp_path / "after" / name).read_text(encoding="utf-8")
        assert "人工核查结果（1）" in text and "李四" in text and "首页领导职务有误" in text
    second = recheck_again(sample_db, tmp_path / "second")
    assert _finding(second, "GK801")["status"] == "fail"
    assert [(m["rule"], m["result"], m["run"]) for m in second["manual_checks"]] == [("GK801", "fail", 1)]


@pytest.mark.e2e
def test_a_pass_closes_the_item_and_the_newest_result_is_the_one_in_force(sample_db, tmp_path):
    for result in ("不合格", "合格"):
        entered = gapcheck("manual", "1", "gk802", "--result", result, "--by", "李四", "--db", str(sample_db))
        assert entered.returncode == 0, entered.stderr
    after = rereport(sample_db, tmp_path / "after")
    assert _finding(after, "GK802")["status"] == "pass"
    assert [(m["rule"], m["result"]) for m in after["manual_checks"]] == [("GK802", "pass")]
    assert after["summary"]["manual"] == 2  # GK801 and GK803 still wait for a person


@pytest.mark.e2e
def test_only_manual_items_take_a_result(sample_db):
    result = gapcheck("manual", "1", "GK101", "--result", "合格", "--db", str(sample_db))
    assert result.returncode == 2 and "GK801、GK802、GK803" in result.stderr and "Traceback" not in result.stderr
    wrong = gapcheck("manual", "1", "GK801", "--result", "通过", "--db", str(sample_db))
    assert wrong.returncode == 2 and "合格" in wrong.stderr


def test_decisions_apply_by_site_and_fingerprint_whatever_the_port(tmp_path):
    """The counting rule in one place (gapcheck/decisions.py): a manual result replaces its open item, an
    accepted finding still counts, a false positive does not but is stored; another port is the same site."""
    from gapcheck import decisions
    from gapcheck.store import AcceptKind, ManualResult, Store, fingerprint

    store = Store(tmp_path / "s.sqlite")
    run_id = store.start_run("局", "http://x.gov.cn/", "national", dt.date(2026, 11, 20), 100)
    manual = Finding("GK801", Status.MANUAL, "首页", message="需人工核查")
    kept = Finding("GK201", Status.FAIL, "商务动态", url="http://x.gov.cn/swdt/", deduction=3)
    wrong = Finding("GK101", Status.FAIL, "程序清单", url="http://x.gov.cn/", deduction=5)
    store.record_manual("x.gov.cn/", "GK801", ManualResult.FAIL, note="职务有误", by="李四", run_id=run_id)
    for f, kind in ((kept, AcceptKind.ACCEPTED), (wrong, AcceptKind.FALSE_POSITIVE)):
        fp = fingerprint(f.rule, f.subject, f.url)
        store.accept(
            "x.gov.cn/", fp, kind, rule=f.rule, subject=f.subject, url=f.url, reason="r", by="张三", run_id=run_id
        )
    applied = decisions.apply(store, "https://x.gov.cn:8443/", [manual, kept, wrong])
    assert [(f.rule, f.status) for f in applied.findings] == [("GK801", Status.FAIL), ("GK201", Status.FAIL)]
    assert "李四" in applied.findings[0].evidence and "职务有误" in applied.findings[0].evidence
    assert [f.rule for f in applied.stored] == ["GK801", "GK201", "GK101"]
    assert [(a["rule"], a["kind"]) for a in applied.accepted] == [("GK201", "accepted"), ("GK101", "false_positive")]
    assert [(m["rule"], m["result"], m["by"]) for m in applied.manual] == [("GK801", "fail", "李四")]
    summary = summarize(applied.findings, {r.code: r.severity for r in RULES})
    assert summary.vetoes == 1 and summary.score == 97.0
    assert decisions.apply(store, "http://y.gov.cn/", [manual, kept, wrong]).findings == [manual, kept, wrong]
