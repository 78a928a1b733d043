"""`gapcheck recheck URL…`: after a fix, those pages (and their links) fetched again, no full crawl; a new run
derived from the last one, judged and reported like any other."""

from __future__ import annotations

import json
import shutil
import sqlite3
import time

import pytest
from cli import SAMPLE_CHECK, gapcheck

from gapcheck.sample import PORTAL_DIR
from gapcheck.sample.server import serve

pytestmark = pytest.mark.e2e


@pytest.fixture
def portal(tmp_path):
    copy = tmp_path / "portal"
    shutil.copytree(PORTAL_DIR, copy)
    return copy


def _pages(db, run_id):
    with sqlite3.connect(db) as con:
        return dict(con.execute("SELECT url, depth FROM pages WHERE run_id = ?", (run_id,)).fetchall())


def test_a_recheck_fetches_only_the_pages_asked_and_judges_the_site_again(portal, tmp_path):
    db = tmp_path / "db.sqlite"
    with serve(portal) as server:
        url = server.url
        first = gapcheck("check", url, *SAMPLE_CHECK, "--out", str(tmp_path / "r1"), "--db", str(db))
        assert first.returncode == 1, first.stderr
        (portal / "images" / "logo.png").unlink()  # broken on every page now; the home page is rechecked
        started = time.monotonic()
        # The home page by the URL it landed on (the start URL's script sends visitors there), and a column.
        asked = (url + "sy/index.html", url + "bszn/index.html")
        result = gapcheck("recheck", *asked, "--delay", "0", "--out", str(tmp_path / "r2"), "--db", str(db))
        took = time.monotonic() - started
    assert result.returncode == 1, result.stderr
    assert "复查 2 个页面（基于运行 #1，新运行 #2）" in result.stdout and "结论" in result.stdout
    r1 = json.loads((tmp_path / "r1" / "report.json").read_text(encoding="utf-8"))
    r2 = json.loads((tmp_path / "r2" / "report.json").read_text(encoding="utf-8"))
    assert r2["run"]["id"] == 2 and r2["run"]["as_of"] == r1["run"]["as_of"]  # judged at the last run's date
    new = [(f["rule"], f["subject"]) for f in r2["findings"] if f.get("change") == "new"]
    assert new == [("GK301", f"{url}images/logo.png")]
    assert r2["summary"]["changes"]["fixed"] == 0
    # The pages not asked are the last run's, in their places; the rechecked page keeps its place too.
    assert _pages(db, 2) == _pages(db, 1)
    with sqlite3.connect(db) as con:

        def fetched(page: str) -> dict[int, str]:
            return dict(con.execute("SELECT run_id, fetched_at FROM pages WHERE url = ?", (url + page,)).fetchall())

        home, column, untouched = fetched(""), fetched("bszn/index.html"), fetched("hdjl/index.html")
        links = con.execute("SELECT run_id, count(*) FROM links WHERE page_url = ? GROUP BY run_id", (url,)).fetchall()
    assert home[2] > home[1] and column[2] > column[1] and untouched[2] == untouched[1]
    assert links[0][1] == links[1][1] > 10  # the home page kept under its start URL, with all its links
    runs = gapcheck("runs", "--db", str(db))
    assert runs.stdout.strip().splitlines()[-1].split("\t")[-1] == "复查自 #1"
    assert (tmp_path / "r2" / "report.html").is_file() and (tmp_path / "r2" / "report.xlsx").is_file()
    print(f"recheck of two pages: {took:.1f} s")


def test_errors_name_the_fix(portal, tmp_path):
    db = tmp_path / "db.sqlite"
    none = gapcheck("recheck", "http://127.0.0.1:9/x.html", "--db", str(db))
    assert none.returncode == 2 and "--db" in none.stderr and "Traceback" not in none.stderr
    with serve(portal) as server:
        checked = gapcheck("check", server.url, *SAMPLE_CHECK, "--out", str(tmp_path / "r1"), "--db", str(db))
        assert checked.returncode == 1, checked.stderr
    unknown = gapcheck("recheck", "http://other.example/a.html", "--db", str(db))
    assert unknown.returncode == 2 and "gapcheck check" in unknown.stderr and "Traceback" not in unknown.stderr
