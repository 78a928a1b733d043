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


def test_report_judges_by_the_profile_file_the_run_was_started_with(tmp_path):
    """A bureau's own profile is a file, not a bundled name: `report RUN` finds it from the run."""
    from routeserver import html, serve

    profile = tmp_path / "bureau.yaml"
    profile.write_text("name: 某某区商务局\nextends: national\n", encoding="utf-8")
    db = str(tmp_path / "db.sqlite")
    with serve(lambda req: html("<h1>某某区商务局</h1><p>" + "正文。" * 50 + "</p>")) as server:
        first = gapcheck(
            "check", server.url, "--profile", str(profile), "--db", db, "--out", str(tmp_path / "a"), "--no-render"
        )
    assert first.returncode in (0, 1), first.stderr
    again = gapcheck("report", "1", "--db", db, "--out", str(tmp_path / "b"))
    assert again.returncode in (0, 1), again.stderr
    report = json.loads((tmp_path / "b" / "report.json").read_text(encoding="utf-8"))
    assert report["site"]["profile"] == "某某区商务局"


def test_report_without_out_writes_a_folder_of_its_own_beside_the_site_s_others(tmp_path):
    """As `gapcheck check` does: `report RUN` again never writes over the reports of another run or site."""
    demo = gapcheck("demo", "--out", str(tmp_path / "demo"))
    assert demo.returncode == 0, demo.stderr
    db = str(tmp_path / "demo" / "gapcheck.sqlite")
    runs = [gapcheck("report", "1", "--db", db, cwd=tmp_path) for _ in range(2)]
    assert all(run.returncode == 1 for run in runs), runs[0].stderr
    sites = list((tmp_path / "gapcheck-report").iterdir())
    assert len(sites) == 1 and sites[0].name.startswith("127.0.0.1-"), sites  # the sample portal's host and port
    folders = sorted(p for p in sites[0].iterdir() if p.name != "latest")
    assert len(folders) == 2 and all((f / "report.json").is_file() for f in folders)
    assert (sites[0] / "latest").resolve() == folders[-1].resolve()
    assert f"最新报告：{sites[0].relative_to(tmp_path) / 'latest' / 'report.html'}" in runs[-1].stdout
