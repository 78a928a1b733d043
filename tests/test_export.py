"""`gapcheck export RUN --csv FILE`: every crawled URL with status, title, depth and referrer, as a CSV that
Excel opens with its Chinese intact (UTF-8 with a BOM) and no cell a formula."""

from __future__ import annotations

import csv
import sqlite3

import pytest
from cli import gapcheck

pytestmark = pytest.mark.e2e


def _read(path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def test_every_crawled_url_with_status_title_depth_and_referrer(sample_db, tmp_path):
    out = tmp_path / "pages.csv"
    result = gapcheck("export", "1", "--csv", str(out), "--db", str(sample_db))
    assert result.returncode == 0, result.stderr
    head, *rows = _read(out)
    assert head == ["网址", "最终网址", "状态码", "标题", "深度", "来源页面", "错误"]
    with sqlite3.connect(sample_db) as con:
        pages = con.execute("SELECT url, status, title, depth, referrer FROM pages WHERE run_id = 1").fetchall()
    assert f"已写出 {len(pages)} 个网址" in result.stdout
    assert sorted((r[0], r[2], r[3], r[4], r[5]) for r in rows) == sorted(
        (u, str(s or ""), t or "", str(d), ref or "") for u, s, t, d, ref in pages
    )
    assert rows[0][4] == "0" and rows[0][3] == "示例市商务局"  # the start page first, by depth
    assert all(r[5] for r in rows if r[4] != "0")  # every page below the start page says where it was linked


def test_no_cell_is_a_formula(sample_db, tmp_path):
    with sqlite3.connect(sample_db) as con:
        con.execute("UPDATE pages SET title = '=HYPERLINK(\"http://evil\")' WHERE run_id = 1 AND depth = 0")
    out = tmp_path / "pages.csv"
    assert gapcheck("export", "1", "--csv", str(out), "--db", str(sample_db)).returncode == 0
    assert _read(out)[1][3] == '\'=HYPERLINK("http://evil")'


def test_errors_name_the_fix(sample_db, tmp_path):
    absent = gapcheck("export", "7", "--csv", str(tmp_path / "x.csv"), "--db", str(sample_db))
    assert absent.returncode == 2 and "gapcheck history" in absent.stderr
    folder = gapcheck("export", "1", "--csv", str(tmp_path), "--db", str(sample_db))
    assert folder.returncode == 2 and "--csv" in folder.stderr and "Traceback" not in folder.stderr
