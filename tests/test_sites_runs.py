"""`gapcheck sites` and `gapcheck runs [SITE]`: what a store holds; `history` and `runs` take a start URL, a host
or a site's name."""

from __future__ import annotations

import datetime as dt

import pytest
from cli import gapcheck
from loops import recheck_again, rereport

pytestmark = pytest.mark.e2e


def _rows(stdout: str) -> list[list[str]]:
    return [line.split("\t") for line in stdout.strip().splitlines()]


def test_sites_lists_each_site_with_its_last_run(sample_db, tmp_path):
    report = rereport(sample_db, tmp_path / "r")
    result = gapcheck("sites", "--db", str(sample_db))
    assert result.returncode == 0, result.stderr
    head, *rows = _rows(result.stdout)
    assert head == ["网站", "名称", "运行次数", "最近运行", "时间", "结论", "得分", "问题"]
    [row] = rows
    s = report["summary"]
    assert row[0].startswith("http://127.0.0.1:") and row[1] == report["site"]["name"] == "示例市商务局"
    assert row[2:4] == ["1", "#1"]
    finished = dt.datetime.fromisoformat(report["run"]["finished_at"])  # stored UTC, shown in Beijing time
    assert row[4] == f"{finished + dt.timedelta(hours=8):%Y-%m-%d %H:%M:%S}"
    assert row[5:] == [s["verdict"], f"{s['score']:g}", str(s["fail"])]


def test_runs_lists_every_run_of_a_site_named_by_url_host_or_name(sample_db, tmp_path):
    second = recheck_again(sample_db, tmp_path / "second")
    url = second["site"]["start_url"]
    for name in (url, url.replace("http://", "https://"), "127.0.0.1", "示例市商务局"):
        result = gapcheck("runs", name, "--db", str(sample_db))
        assert result.returncode == 0, result.stderr
        head, *rows = _rows(result.stdout)
        assert head[:6] == ["运行", "网站", "名称", "数据截至", "时间", "状态"]
        assert [r[0] for r in rows] == ["#1", "#2"] and all(r[5] == "完成" for r in rows)
        assert rows[1][6:9] == [
            second["summary"]["verdict"],
            f"{second['summary']['score']:g}",
            str(second["summary"]["fail"]),
        ]
    everything = gapcheck("runs", "--db", str(sample_db))
    assert len(_rows(everything.stdout)) == 3


def test_history_takes_a_host_or_a_name(sample_db):
    by_host = gapcheck("history", "127.0.0.1", "--db", str(sample_db))
    by_name = gapcheck("history", "示例市商务局", "--db", str(sample_db))
    assert by_host.returncode == by_name.returncode == 0, by_host.stderr + by_name.stderr
    assert by_host.stdout == by_name.stdout and "#1" in by_host.stdout


def test_an_unknown_site_names_the_fix(sample_db):
    result = gapcheck("runs", "no.such.gov.cn", "--db", str(sample_db))
    assert result.returncode == 2 and "gapcheck sites" in result.stderr and "Traceback" not in result.stderr
    empty = gapcheck("sites", "--db", str(sample_db.parent / "none.sqlite"))
    assert empty.returncode == 2 and "--db" in empty.stderr
