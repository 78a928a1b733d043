"""The sample portal checked once and stored, for the work-loop tests (accept, manual, sites, runs, export):
each test gets its own copy of the store (the `sample_db` fixture), so what one decides is not seen by
another. A plugin of the test session (conftest.py)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from cli import gapcheck


def checked_sample(folder: Path) -> Path:
    """`gapcheck demo` into `folder`: the store of one finished run (#1) of the sample portal."""
    result = gapcheck("demo", "--out", str(folder))
    assert result.returncode == 0, result.stderr
    return folder / "gapcheck.sqlite"


def copy_store(source: Path, target: Path) -> Path:
    """A copy of the store through SQLite's backup API (the WAL is read too)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def rereport(db: Path, out: Path, run: int = 1) -> dict[str, Any]:
    """`gapcheck report RUN` into `out`; its report.json."""
    result = gapcheck("report", str(run), "--db", str(db), "--out", str(out))
    assert result.returncode in (0, 1), result.stderr
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def recheck_again(db: Path, out: Path) -> dict[str, Any]:
    """The sample portal checked once more into the same store (run #2); its report.json."""
    result = gapcheck("demo", "--out", str(out), "--db", str(db))
    assert result.returncode == 0, result.stderr
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory) -> Path:
    """The sample portal checked once per test module."""
    return checked_sample(tmp_path_factory.mktemp("sample"))


@pytest.fixture
def sample_db(sample_store, tmp_path) -> Path:
    """This test's own copy of the sample store."""
    return copy_store(sample_store, tmp_path / "db.sqlite")
