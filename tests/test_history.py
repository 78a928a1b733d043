"""History of runs: finding fingerprints, the schema-4 upgrade, and new/open/fixed between runs of one site."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import subprocess

import pytest
from cli import SAMPLE_CHECK, gapcheck
from oldstore import downgrade
from reports import make_report

from checks import Finding, Severity, SiteVerdict, Status
from gapcheck import history
from gapcheck.sample import AS_OF, PORTAL_DIR
from gapcheck.sample.server import serve
from gapcheck.store import SCHEMA_VERSION, Store, fingerprint, site_key

# -- store level ---------------------------------------------------------------------------------


def test_fingerprint_is_rule_subject_and_path_hex16():
    fp = fingerprint("GK101", "程序清单", "http://x.gov.cn/zwgk/index.html?a=1")
    assert fp == hashlib.sha1("GK101\x1f程序清单\x1f/zwgk/index.html?a=1".encode()).hexdigest()[:16]
    assert re.fullmatch(r"[0-9a-f]{16}", fp)


def test_fingerprint_survives_scheme_host_and_port_changes():
    base = fingerprint("GK201", "商务动态", "http://x.gov.cn/swdt/index.html")
    for url in (
        "https://x.gov.cn/swdt/index.html",
        "http://x.gov.cn:8080/swdt/index.html",
        "https://www.x.gov.cn:8443/swdt/index.html",
    ):
        assert fingerprint("GK201", "商务动态", url) == base
    # A subject that is a URL (a broken link) keeps its host but not its scheme or port.
    link = fingerprint("GK301", "http://127.0.0.1:8000/images/a.jpg", "http://127.0.0.1:8000/sy/index.html")
    assert fingerprint("GK301", "https://127.0.0.1:9/images/a.jpg", "https://127.0.0.1/sy/index.html") == link
    assert fingerprint("GK301", "http://other.example/images/a.jpg", "http://127.0.0.1:8000/sy/index.html") != link


def test_fingerprint_tells_findings_apart():
    fps = {
        fingerprint("GK201", "商务动态", "http://x.gov.cn/swdt/index.html"),
        fingerprint("GK202", "商务动态", "http://x.gov.cn/swdt/index.html"),
        fingerprint("GK201", "人事任免", "http://x.gov.cn/swdt/index.html"),
        fingerprint("GK201", "商务动态", "http://x.gov.cn/swdt/index_1.html"),
        fingerprint("GK201", "商务动态", "http://x.gov.cn/swdt/index.html?page=2"),
        fingerprint("GK201", "商务动态", ""),
    }
    assert len(fps) == 6


def test_site_key_drops_scheme_and_port_only():
    assert site_key("http://x.gov.cn/") == site_key("https://x.gov.cn:8443/") == "x.gov.cn/"
    assert site_key("http://x.gov.cn/a/") != site_key("http://x.gov.cn/")
    assert site_key("http://y.gov.cn/") != site_key("http://x.gov.cn/")


def _run(
    store: Store,
    start_url: str,
    failing: list[tuple[str, str, str]],
    as_of=dt.date(2026, 11, 20),
    passing: list[tuple[str, str, str]] = (),
) -> tuple[int, dict]:
    """A finished run whose failing findings are (rule, subject, url); returns its id and its report.json."""
    run_id = store.start_run("局", start_url, "national", as_of, 100)
    findings = [Finding(r, Status.FAIL, s, url=u, evidence=f"证据 {s}") for r, s, u in failing] + [
        Finding(r, Status.PASS, s, url=u) for r, s, u in passing
    ]
    report = make_report(
        {
            "site": {"start_url": start_url},
            "run": {"id": run_id, "as_of": as_of.isoformat(), "finished_at": "2026-11-20T00:00:00+00:00"},
            "summary": {"verdict": "合格", "score": 90.0, "fail": len(failing), "pass": len(passing)},
            "findings": [
                {"rule": f.rule, "status": f.status.value, "subject": f.subject, "url": f.url} for f in findings
            ],
        }
    )
    data = history.annotate(report, store, run_id).data()
    store.finish_run(
        run_id,
        findings,
        {f.rule: Severity.MAJOR for f in findings},
        data,
        finished_at="2026-11-20T00:00:00+00:00",
        verdict=SiteVerdict.PASSED,
        score=90.0,
    )
    return run_id, data


def test_stored_fingerprints_match_and_only_failures_are_compared(tmp_path):
    store = Store(tmp_path / "s.sqlite")
    run_id, report = _run(
        store,
        "http://x.gov.cn/",
        [("GK201", "商务动态", "http://x.gov.cn/swdt/")],
        passing=[("GK202", "专项资金", "http://x.gov.cn/zxzj/")],
    )
    stored = store.db.execute(
        "SELECT rule, fingerprint FROM findings WHERE run_id = ? ORDER BY seq", (run_id,)
    ).fetchall()
    assert stored == [
        ("GK201", fingerprint("GK201", "商务动态", "http://x.gov.cn/swdt/")),
        ("GK202", fingerprint("GK202", "专项资金", "http://x.gov.cn/zxzj/")),
    ]
    assert [f.rule for f in store.failing(run_id)] == ["GK201"]
    assert [f["change"] for f in report["findings"]] == ["new", None]
    assert report["summary"]["changes"] == {"previous_run": None, "new": 1, "still_open": 0, "fixed": 0}
    assert report["fixed"] == []
    assert store.db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'findings_by_fingerprint'").fetchone()[0]


def test_a_version_3_store_is_upgraded_and_its_findings_fingerprinted(tmp_path):
    path = tmp_path / "v3.sqlite"
    store = Store(path)
    run_id, _ = _run(store, "http://x.gov.cn/", [("GK201", "商务动态", "http://x.gov.cn/swdt/")])
    store.close()
    downgrade(path, 3)
    store = Store(path)
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 10
    assert store.db.execute("SELECT fingerprint FROM findings WHERE run_id = ?", (run_id,)).fetchone()[
        0
    ] == fingerprint("GK201", "商务动态", "http://x.gov.cn/swdt/")
    assert store.db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'findings_by_fingerprint'").fetchone()[0]
    # The upgraded store's old run is the next run's previous run.
    _, report = _run(store, "https://x.gov.cn/", [("GK201", "商务动态", "https://x.gov.cn/swdt/")])
    assert report["findings"][0]["change"] == "open"
    assert report["findings"][0]["since"] == {"run": run_id, "as_of": "2026-11-20"}


def test_new_open_fixed_and_streaks(tmp_path):
    store = Store(tmp_path / "s.sqlite")
    a = ("GK201", "商务动态", "http://x.gov.cn/swdt/")
    b = ("GK202", "专项资金", "http://x.gov.cn/zxzj/")
    c = ("GK502", "党政机关网站标识", "http://x.gov.cn/")
    r1, _ = _run(store, "http://x.gov.cn/", [a, b], as_of=dt.date(2026, 11, 1))
    _run(store, "http://y.gov.cn/", [a, b, c])  # another site: never compared
    failed = store.start_run("局", "http://x.gov.cn/", "national", dt.date(2026, 11, 5), 100)
    store.fail_run(failed, "no answer")  # not 'done': skipped
    r2, rep2 = _run(store, "http://x.gov.cn:8080/", [a], as_of=dt.date(2026, 11, 8))
    assert rep2["summary"]["changes"] == {"previous_run": r1, "new": 0, "still_open": 1, "fixed": 1}
    assert rep2["findings"][0]["since"] == {"run": r1, "as_of": "2026-11-01"}
    assert [(x["rule"], x["subject"]) for x in rep2["fixed"]] == [("GK202", "专项资金")]
    r3, rep3 = _run(store, "https://x.gov.cn/", [a, b, c], as_of=dt.date(2026, 11, 15))
    changes = {f["subject"]: (f["change"], f.get("since")) for f in rep3["findings"]}
    # b failed in r1, not in r2: its streak was interrupted, so it is new again.
    assert changes == {
        "商务动态": ("open", {"run": r1, "as_of": "2026-11-01"}),
        "专项资金": ("new", None),
        "党政机关网站标识": ("new", None),
    }
    assert rep3["summary"]["changes"] == {"previous_run": r2, "new": 2, "still_open": 1, "fixed": 0}
    r4, rep4 = _run(store, "http://x.gov.cn/", [b], as_of=dt.date(2026, 11, 16))
    assert rep4["findings"][0]["since"] == {"run": r3, "as_of": "2026-11-15"}
    assert {x["subject"] for x in rep4["fixed"]} == {"商务动态", "党政机关网站标识"}
    lines = history.history(store, "http://x.gov.cn/")
    assert [(ln.run.id, ln.fail, ln.new, ln.fixed) for ln in lines] == [
        (r1, 2, 2, 0),
        (failed, None, None, None),
        (r2, 1, 0, 1),
        (r3, 3, 2, 0),
        (r4, 1, 0, 2),
    ]
    d = history.diff(store, r1, r3)
    assert ([f.subject for f in d.new], [f.subject for f in d.fixed], [f.subject for f in d.still_open]) == (
        ["党政机关网站标识"],
        [],
        ["商务动态", "专项资金"],
    )


# -- end to end: the sample portal checked, changed, checked again --------------------------------

BANNER = "讲文明 树新风 公益广告联播"


def _check(url: str, out, db) -> subprocess.CompletedProcess:
    return gapcheck("check", url, *SAMPLE_CHECK, "--out", str(out), "--db", str(db))


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("history")
    portal = tmp / "portal"
    shutil.copytree(PORTAL_DIR, portal)
    db = tmp / "db.sqlite"
    with serve(portal) as server:
        url1 = server.url
        first = _check(url1, tmp / "r1", db)
    home = portal / "sy" / "index.html"
    html = home.read_text(encoding="utf-8")
    anchor = '<li><a href="/ztzl/zyjs/index.html"'
    assert anchor in html
    home.write_text(
        html.replace(
            anchor,
            f'<li><a href="/ztzl/zgm/index.html" target="_blank"><img '
            f'src="/images/banner/zgm.jpg" alt="{BANNER}" width="280" height="64"></a></li>\n' + anchor,
            1,
        ),
        encoding="utf-8",
    )
    (portal / "images" / "logo.png").unlink()
    # Served again on another port: the same site (scheme and port do not count).
    with serve(portal) as server:
        url2 = server.url
        second = _check(url2, tmp / "r2", db)
    assert url1 != url2
    return {
        "tmp": tmp,
        "db": db,
        "url1": url1,
        "url2": url2,
        "first": first,
        "second": second,
        "r1": json.loads((tmp / "r1" / "report.json").read_text(encoding="utf-8")),
        "r2": json.loads((tmp / "r2" / "report.json").read_text(encoding="utf-8")),
    }


def test_bundled_portal_is_untouched():
    assert (PORTAL_DIR / "images" / "logo.png").is_file()
    assert BANNER not in (PORTAL_DIR / "sy" / "index.html").read_text(encoding="utf-8")


@pytest.mark.e2e
def test_first_run_has_everything_new(two_runs):
    r1 = two_runs["r1"]
    assert two_runs["first"].returncode == 1, two_runs["first"].stderr
    failing = [f for f in r1["findings"] if f["status"] == "fail"]
    assert failing and all(f["change"] == "new" for f in failing)
    assert all(f["change"] is None for f in r1["findings"] if f["status"] != "fail")
    assert all(re.fullmatch(r"[0-9a-f]{16}", f["fingerprint"]) for f in r1["findings"])
    assert r1["summary"]["changes"] == {"previous_run": None, "new": len(failing), "still_open": 0, "fixed": 0}
    assert r1["fixed"] == []


@pytest.mark.e2e
def test_second_run_shows_exactly_what_changed(two_runs):
    r1, r2, url2 = two_runs["r1"], two_runs["r2"], two_runs["url2"]
    assert two_runs["second"].returncode == 1, two_runs["second"].stderr
    failing = [f for f in r2["findings"] if f["status"] == "fail"]
    new = {(f["rule"], f["subject"]) for f in failing if f["change"] == "new"}
    assert new == {("GK301", f"{url2}images/logo.png")}
    assert [(x["rule"], x["subject"]) for x in r2["fixed"]] == [("GK102", BANNER)]
    assert r2["fixed"][0]["title"]
    still = [f for f in failing if f["change"] != "new"]
    assert all(f["change"] == "open" and f["since"] == {"run": 1, "as_of": AS_OF} for f in still)
    assert len(still) == sum(f["status"] == "fail" for f in r1["findings"]) - 1
    assert r2["summary"]["changes"] == {"previous_run": 1, "new": 1, "still_open": len(still), "fixed": 1}


@pytest.mark.e2e
def test_reports_carry_the_score_trend(two_runs):
    r1, r2 = two_runs["r1"], two_runs["r2"]

    def point(run_id, report):
        s = report["summary"]
        return {"run": run_id, "as_of": AS_OF, "score": s["score"], "verdict": s["verdict"], "fail": s["fail"]}

    assert r1["trend"] == [point(1, r1)]
    assert r2["trend"] == [point(1, r1), point(2, r2)]
    assert r1["summary"]["score"] != r2["summary"]["score"] or r1["summary"]["fail"] != r2["summary"]["fail"]
    html = (two_runs["tmp"] / "r2" / "report.html").read_text(encoding="utf-8")
    md = (two_runs["tmp"] / "r2" / "report.md").read_text(encoding="utf-8")
    assert "得分趋势" in html and html.count("<circle") == 2 and "合格线" in html
    assert "仅有一次检查记录" in (two_runs["tmp"] / "r1" / "report.html").read_text(encoding="utf-8")
    assert "得分趋势" in md and "仅有一次检查记录" not in md


@pytest.mark.e2e
def test_reports_show_the_changes_in_chinese(two_runs):
    out = two_runs["tmp"] / "r2"
    html = (out / "report.html").read_text(encoding="utf-8")
    md = (out / "report.md").read_text(encoding="utf-8")
    for text in (html, md):
        assert "新增问题" in text and "已整改" in text and "已整改问题（1）" in text
        assert re.search(r"较运行 \\?#1", text)  # Markdown escapes the #
        assert BANNER in text
    assert '<span class="badge change-new">新</span>' in html
    assert "**【新】**" in md


@pytest.mark.e2e
def test_diff_prints_new_fixed_and_open(two_runs):
    result = gapcheck("diff", "1", "2", "--db", str(two_runs["db"]))
    assert result.returncode == 1, result.stderr  # new problems: scripts and CI stop on it
    out = result.stdout
    assert "运行 #1" in out and "运行 #2" in out
    new = out.split("新增问题（1）：")[1].split("已整改（1）：")[0]
    fixed = out.split("已整改（1）：")[1].split("仍未整改（")[0]
    assert "GK301" in new and "images/logo.png" in new
    assert "GK102" in fixed and BANNER in fixed
    assert "仍未整改（15）" in out and "GK201" in out and "证据：" in out
    same = gapcheck("diff", "2", "2", "--db", str(two_runs["db"]))
    assert same.returncode == 0 and "新增问题（0）" in same.stdout, same.stderr


@pytest.mark.e2e
def test_history_lists_both_runs(two_runs):
    result = gapcheck("history", two_runs["url1"].replace("http://", "https://"), "--db", str(two_runs["db"]))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0].split("\t") == ["运行", "数据截至", "完成时间", "结论", "得分", "问题", "新增", "已整改"]
    rows = [line.split("\t") for line in lines[1:]]
    r1, r2 = two_runs["r1"]["summary"], two_runs["r2"]["summary"]
    assert [(r[0], r[1], r[3], r[4], r[5], r[6], r[7]) for r in rows] == [
        ("#1", AS_OF, r1["verdict"], f"{r1['score']:g}", str(r1["fail"]), str(r1["fail"]), "0"),
        ("#2", AS_OF, r2["verdict"], f"{r2['score']:g}", str(r2["fail"]), "1", "1"),
    ]
    # Beijing time, as in the reports (the store keeps UTC); --timezone shows another zone.
    finished = [dt.datetime.fromisoformat(r["run"]["finished_at"]) for r in (two_runs["r1"], two_runs["r2"])]
    assert [r[2] for r in rows] == [f"{t + dt.timedelta(hours=8):%Y-%m-%d %H:%M:%S}" for t in finished]
    utc = gapcheck("history", two_runs["url1"], "--db", str(two_runs["db"]), "--timezone", "UTC")
    assert [line.split("\t")[2] for line in utc.stdout.strip().splitlines()[1:]] == [
        f"{t:%Y-%m-%d %H:%M:%S}" for t in finished
    ]


@pytest.mark.e2e
def test_unknown_run_is_a_usage_error(two_runs):
    db = str(two_runs["db"])
    result = gapcheck("diff", "1", "99", "--db", db)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "99" in result.stderr and db in result.stderr and "Traceback" not in result.stderr
