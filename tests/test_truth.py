"""`--resume` goes on with what the run was started with: the seed bureau's profile and the crawl options
of the first command line, stored with the run, not whatever the resuming command leaves out; a resuming
command that asks for another profile or option is refused naming both. The hint a stopped run prints is a
command that works when copied: it carries --db and --out (folders with spaces in their names, quoted)."""

from __future__ import annotations

import json
import re
import shlex
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from cli import COMMAND, gapcheck
from oldstore import downgrade

from gapcheck.sample import AS_OF
from gapcheck.sample.server import serve

pytestmark = pytest.mark.e2e

BUREAU = "武汉市商务局"
"""The name of the seed bureau's profile (config/profiles/wuhan-commerce.yaml)."""
EXCLUDE = r"^https?://([a-z0-9-]+\.)*wuhan\.gov\.cn/"
"""The city portal, out of the sandbox's reach: a resumed crawl that forgot it would ask the internet."""


@pytest.fixture(scope="module")
def portal():
    with serve() as server:
        yield server


def _pages(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM pages WHERE run_id = 1").fetchone()[0]
    except sqlite3.Error:
        return 0


def _stopped(url: str, db: Path, out: Path) -> subprocess.CompletedProcess:
    """`gapcheck check` of the sample portal with the seed bureau's profile, stopped (SIGTERM) at 20 pages."""
    args = [
        *COMMAND,
        "check",
        url,
        "--profile",
        "wuhan-commerce",
        "--as-of",
        AS_OF,
        "--exclude",
        EXCLUDE,
        "--db",
        str(db),
        "--out",
        str(out),
        "--delay",
        "0.15",
        "--concurrency",
        "1",
        "--no-render",  # no Chromium to start: not what is tested (and kept on resume, as the rest)
    ]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while _pages(db) < 20:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    out_text, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    return subprocess.CompletedProcess(args, proc.returncode, out_text, err)


def _hint(stderr: str) -> list[str]:
    """The command the stopped run says to run, as a shell would split it."""
    match = re.search(r"运行 (gapcheck check .+?) 从停下的地方继续", stderr)
    assert match, stderr
    return shlex.split(match.group(1))


def _state(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT state FROM runs WHERE id = 1").fetchone()[0]


def test_the_printed_hint_resumes_with_the_profile_and_options_the_run_started_with(portal, tmp_path):
    db, out = tmp_path / "my store" / "db.sqlite", tmp_path / "my reports" / "商务局"
    db.parent.mkdir()
    stopped = _stopped(portal.url, db, out)
    hint = _hint(stopped.stderr)
    assert hint[:4] == ["gapcheck", "check", portal.url, "--resume"]
    assert hint[4:] == ["--db", str(db), "--out", str(out)]
    # Neither --profile nor --exclude: both are the run's. --delay 0 is this command's pace, not the run's.
    resumed = subprocess.run([*COMMAND, *hint[1:], "--delay", "0"], capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 1, resumed.stderr  # the sample portal has gaps
    assert _state(db) == "done"
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["run"]["id"] == 1
    assert report["site"]["profile"] == BUREAU
    with sqlite3.connect(db) as conn:
        asked = {row[0] for row in conn.execute("SELECT url FROM link_checks WHERE run_id = 1")}
    assert not [u for u in asked if re.search(EXCLUDE, u)]  # the first command's --exclude held on resume


CONFLICTS = [
    (["--profile", "national"], ["--profile", "wuhan-commerce.yaml", "national"]),
    (["--max-pages", "5"], ["--max-pages", "未加 --max-pages", "为 5"]),
    (["--full"], ["--full", "未加 --full", "加了 --full"]),
    (["--as-of", "2026-01-01"], ["--as-of", AS_OF, "2026-01-01"]),
]


def test_a_resume_asking_for_another_profile_or_option_is_refused_naming_both(portal, tmp_path):
    db, out = tmp_path / "db.sqlite", tmp_path / "out"
    hint = _hint(_stopped(portal.url, db, out).stderr)
    for extra, words in CONFLICTS:  # one stopped run for all: a refused resume leaves it as it was
        result = gapcheck(*hint[1:], *extra, timeout=60)
        assert result.returncode == 2, result.stdout + result.stderr
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
        for word in words:
            assert word in result.stderr, result.stderr
        assert _state(db) == "interrupted"


def test_a_run_stored_before_runs_kept_their_options_resumes_with_the_command_line_s(portal, tmp_path):
    db, out = tmp_path / "db.sqlite", tmp_path / "out"
    _stopped(portal.url, db, out)
    downgrade(db, 8)  # the store an older gapcheck left: no started_with
    resumed = gapcheck(
        "check", portal.url, "--resume", "--profile", "wuhan-commerce", "--exclude", EXCLUDE, "--db", str(db),
        "--out", str(out), "--delay", "0",
    )  # fmt: skip
    assert resumed.returncode == 1, resumed.stderr
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["site"]["profile"] == BUREAU
