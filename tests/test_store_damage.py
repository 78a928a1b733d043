"""A damaged store and a store that cannot be written: one line naming the file and the fix, no run added,
and the read-only commands still read a store they may not write."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from cli import gapcheck

from gapcheck.sample.server import serve

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    demo = gapcheck("demo", "--out", str(out))
    assert demo.returncode == 0, demo.stderr
    return out / "gapcheck.sqlite"


def _runs(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM runs").fetchone()[0]


def test_random_bytes_inside_the_store_are_named_with_the_recovery(demo_store, tmp_path):
    db = tmp_path / "db.sqlite"
    shutil.copy(demo_store, db)
    runs = _runs(db)
    with open(db, "r+b") as f:
        f.seek(db.stat().st_size // 3)
        f.write(os.urandom(8192))
    with serve() as portal:
        for _ in range(2):
            result = gapcheck("check", portal.url, "--db", str(db), "--out", str(tmp_path / "out"), "--delay", "0")
            assert result.returncode == 2, result.stderr
            assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
            assert str(db) in result.stderr and ".recover" in result.stderr
    assert _runs(db) == runs  # no dead run per attempt
    history = gapcheck("report", "1", "--db", str(db), "--out", str(tmp_path / "again"))
    assert history.returncode == 2 and "Traceback" not in history.stderr and ".recover" in history.stderr


def test_history_and_report_read_a_read_only_store(demo_store, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "db.sqlite"
    shutil.copy(demo_store, db)
    # As on a CD or a read-only mount: neither the file nor its folder can be written (root ignores
    # modes, so the folder is mounted read-only over itself when it can be).
    mounted = (
        os.geteuid() == 0
        and subprocess.run(["mount", "--bind", "-o", "ro", str(folder), str(folder)], capture_output=True).returncode
        == 0
    )
    if not mounted:
        db.chmod(0o444)
        folder.chmod(0o555)
    try:
        history = gapcheck("history", "http://127.0.0.1/", "--db", str(db))
        assert history.returncode == 0 and "Traceback" not in history.stderr, history.stderr
        report = gapcheck("report", "1", "--db", str(db), "--out", str(tmp_path / "out"))
        assert report.returncode == 1, report.stderr  # the sample portal has gaps
        assert (tmp_path / "out" / "report.json").is_file()
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(folder)], check=False)
        folder.chmod(0o755)
