"""A full disk: the store and the reports say so in one line (file, what, fix), the crawl stops instead of
going on for nothing, and what was written stays consistent. Needs root to mount a small tmpfs (CI runs
as root); skipped elsewhere."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from cli import COMMAND, gapcheck, sites_file
from routeserver import Answer, Req, html
from routeserver import serve as rserve

from gapcheck.sample.server import serve

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root")]


@contextmanager
def small_disk(path: Path, size: str):
    path.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def _check(url: str, out: Path, db: Path) -> subprocess.CompletedProcess:
    return gapcheck(
        "check",
        url,
        "--profile",
        "wuhan-commerce",
        "--out",
        str(out),
        "--db",
        str(db),
        "--delay",
        "0",
        "--exclude",
        r"^https?://([a-z0-9-]+\.)*wuhan\.gov\.cn/",
        timeout=300,
    )


def test_a_store_on_a_full_disk_stops_the_crawl_with_a_clear_error(tmp_path):
    with serve() as portal, small_disk(tmp_path / "small", "400k") as disk:
        db = disk / "db.sqlite"
        result = _check(portal.url, tmp_path / "out", db)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr
        assert str(db) in result.stderr and "磁盘空间" in result.stderr and "--db" in result.stderr
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("SELECT state FROM runs WHERE id = 1").fetchone()[0] == "crawling"


def test_reports_on_a_full_disk_are_a_clear_error(tmp_path):
    with serve() as portal, small_disk(tmp_path / "small", "64k") as disk:
        result = _check(portal.url, disk / "out", tmp_path / "db.sqlite")
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "写不了报告" in result.stderr and "--out" in result.stderr


@pytest.mark.parametrize("size", ["12k", "24k"])
def test_a_full_temp_folder_stops_the_crawl_resumably_with_a_clear_error(tmp_path, size):
    """The crawl's frontier (Scrapy's disk queues) and seen-set live in the temp folder: when it fills, the crawl
    stops at once naming it, instead of idling forever deaf to SIGTERM."""
    db = tmp_path / "db.sqlite"
    with serve() as portal, small_disk(tmp_path / "small", size) as disk:
        args = [
            *COMMAND,
            "check",
            portal.url,
            "--profile",
            "wuhan-commerce",
            "--out",
            str(tmp_path / "out"),
            "--db",
            str(db),
            "--delay",
            "0",
            "--no-render",
            "--exclude",
            r"^https?://([a-z0-9-]+\.)*wuhan\.gov\.cn/",
        ]
        proc = subprocess.Popen(
            args, env={**os.environ, "TMPDIR": str(disk)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            _, err = proc.communicate(timeout=120)
        finally:
            proc.kill()
        assert proc.returncode not in (0, 1), err
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
        assert str(disk) in err and "--resume" in err and "TMPDIR" in err
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT state FROM runs WHERE id = 1").fetchone()[0] == "interrupted"
        resumed = subprocess.run([*args, "--resume"], capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 1, resumed.stderr  # the sample portal has gaps


def test_a_full_temp_folder_while_the_reports_are_written_is_a_clear_error(tmp_path):
    """openpyxl writes the Excel report's sheets through temp files."""
    db, out = tmp_path / "db.sqlite", tmp_path / "out"
    with serve() as portal:
        first = _check(portal.url, out, db)
    assert first.returncode == 1, first.stderr
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    with small_disk(tmp_path / "small", "4k") as disk:
        again = gapcheck(
            "report", "1", "--db", str(db), "--out", str(out), env={**os.environ, "TMPDIR": str(disk)}, timeout=300
        )
    assert again.returncode == 2, again.stderr
    assert "Traceback" not in again.stderr and len(again.stderr.strip().splitlines()) == 1, again.stderr
    assert str(disk) in again.stderr and "TMPDIR" in again.stderr and "gapcheck report 1" in again.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # the earlier reports, untouched


def _article_portal(req: Req) -> Answer:
    if req.path == "/":
        return html("".join(f'<a href="/a{i}.html">第{i}篇工作动态</a>' for i in range(ARTICLES)))
    if req.path.startswith("/a"):
        return html(f"<h1>{req.path}</h1>" + "<p>本局召开会议，研究部署近期重点工作，要求各单位抓好落实。</p>" * 40)
    return Answer(404)


ARTICLES = 60
"""Pages of each portal besides its home page: at DELAY apart, a crawl of half a minute."""
DELAY = 0.5


def test_a_check_whose_store_fills_stops_at_once(tmp_path):
    """The requests held for the host's delay are dropped, not sent one delay apart for nothing."""
    with rserve(_article_portal) as portal, small_disk(tmp_path / "small", "200k") as disk:
        started = time.monotonic()
        result = gapcheck(
            "check", portal.url, "--db", str(disk / "db.sqlite"), "--out", str(tmp_path / "out"), "--delay", str(DELAY),
            "--no-render", timeout=300,
        )  # fmt: skip
        took = time.monotonic() - started
        asked = len(portal.requests)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "磁盘空间" in result.stderr
    assert asked < ARTICLES // 2, asked
    assert took < ARTICLES * DELAY / 2, took


def test_a_batch_whose_store_fills_stops_its_workers_crawls(tmp_path):
    """With --workers the parent writes the store: once a portal's pages cannot be stored, its worker is told
    to stop, as a crawl in one process stops at its first failed write (not a night of crawling for nothing)."""
    with (
        rserve(_article_portal, host="127.0.0.2") as a,
        rserve(_article_portal, host="127.0.0.3") as b,
        small_disk(tmp_path / "small", "200k") as disk,
    ):
        sites = sites_file(tmp_path, [a.url, b.url], f"delay: {DELAY}, render: off", db=str(disk / "db.sqlite"))
        started = time.monotonic()
        result = gapcheck("batch", str(sites), "--workers", "2", cwd=tmp_path, timeout=300)
        took = time.monotonic() - started
        asked = [len(server.requests) for server in (a, b)]
    # A store that cannot be written is the night's setup error: said once, with the file and the fix.
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and str(disk) in result.stderr and "磁盘空间" in result.stderr
    assert min(asked) >= 2 and max(asked) < ARTICLES // 2, asked  # stopped soon after the store filled
    assert took < ARTICLES * DELAY / 2, took
