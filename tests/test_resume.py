"""A run killed mid-crawl (SIGKILL, SIGTERM) goes on with `--resume` and ends as an uninterrupted run
does; a second run of the same portal and store is refused while one runs, and a dead run's lock is
taken over. A resumed run goes on with the profile and crawl options it was started with (stored with it),
not whatever the resuming command leaves out; a resuming command that asks for another profile or option is
refused naming both; the command a stopped run prints works when copied (--db and --out, quoted)."""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli import COMMAND, gapcheck, stored_pages
from oldstore import downgrade

from gapcheck.sample.server import serve

pytestmark = pytest.mark.e2e

AS_OF = "2026-11-20"


def _args(url: str, tmp: Path, name: str, db: Path, *extra: str) -> list[str]:
    return [
        *COMMAND,
        "check",
        url,
        "--profile",
        "wuhan-commerce",
        "--as-of",
        AS_OF,
        "--out",
        str(tmp / name),
        "--db",
        str(db),
        "--exclude",
        r"^https?://([a-z0-9-]+\.)*wuhan\.gov\.cn/",
        *extra,
    ]


def _pages(db: Path) -> int:
    return stored_pages(db)


def _stop_midway(args: list[str], db: Path, sig: int) -> subprocess.CompletedProcess:
    """Starts a slow crawl and sends `sig` once 20 pages are stored."""
    proc = subprocess.Popen(
        [*args, "--delay", "0.15", "--concurrency", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 120
    while _pages(db) < 20:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.2)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(args, proc.returncode, out, err)


def _state(db: Path) -> tuple[str, set[str], int, set[str]]:
    with sqlite3.connect(db) as conn:
        state = conn.execute("SELECT state FROM runs WHERE id = 1").fetchone()[0]
        pages = {row[0] for row in conn.execute("SELECT url FROM pages WHERE run_id = 1")}
        links = conn.execute("SELECT count(*) FROM links WHERE run_id = 1").fetchone()[0]
        failing = {
            row[0] for row in conn.execute("SELECT fingerprint FROM findings WHERE run_id = 1 AND status = 'fail'")
        }
    return state, {p.split("/", 3)[3] for p in pages}, links, failing


@pytest.fixture(scope="module")
def portal():
    with serve() as server:
        yield server


@pytest.fixture(scope="module")
def reference(portal, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("reference")
    result = subprocess.run(
        _args(portal.url, tmp, "out", tmp / "db.sqlite", "--delay", "0"), capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 1, result.stderr
    return _state(tmp / "db.sqlite")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_a_stopped_run_resumes_to_what_an_uninterrupted_run_finds(portal, reference, tmp_path, sig):
    db = tmp_path / "db.sqlite"
    stopped = _stop_midway(_args(portal.url, tmp_path, "first", db), db, sig)
    state, pages, _, _ = _state(db)
    if sig == signal.SIGTERM:
        assert stopped.returncode == 130 and "--resume" in stopped.stderr, stopped.stderr
        assert state == "interrupted"
    else:
        assert state == "crawling"
    assert 20 <= len(pages) < len(reference[1])
    resumed = subprocess.run(
        _args(portal.url, tmp_path, "resumed", db, "--resume", "--delay", "0"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert resumed.returncode == 1, resumed.stderr  # the sample portal has gaps
    assert _state(db) == ("done", *reference[1:])  # same pages, as many link rows, same failing findings
    report = json.loads((tmp_path / "resumed" / "report.json").read_text(encoding="utf-8"))
    assert report["run"]["id"] == 1 and report["run"]["pages"] == len(reference[1])


def test_resume_without_a_stopped_run_says_so(portal, tmp_path):
    result = subprocess.run(
        _args(portal.url, tmp_path, "out", tmp_path / "db.sqlite", "--resume"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "没有这个网站被中断的运行" in result.stderr and "Traceback" not in result.stderr


def test_a_second_run_of_the_same_portal_is_refused_while_one_runs(portal, tmp_path):
    db = tmp_path / "db.sqlite"
    first = subprocess.Popen(
        _args(portal.url, tmp_path, "first", db, "--delay", "0.2", "--concurrency", "1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while _pages(db) < 1:
            assert first.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)
        second = subprocess.run(_args(portal.url, tmp_path, "second", db), capture_output=True, text=True, timeout=60)
        assert second.returncode == 4, second.stderr
        assert "另一个 gapcheck 正在用" in second.stderr and f"pid {first.pid}" in second.stderr
    finally:
        first.kill()
        first.wait()
    # The killed run's lock is the kernel's to drop: the next run takes it over.
    again = subprocess.run(
        _args(portal.url, tmp_path, "again", db, "--resume", "--delay", "0"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 1, again.stderr


def test_a_reader_holding_the_store_open_never_blocks_a_crawl(portal, tmp_path):
    db = tmp_path / "db.sqlite"
    crawl = subprocess.Popen(
        _args(portal.url, tmp_path, "out", db, "--delay", "0.05", "--concurrency", "2"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while _pages(db) < 1:
        assert crawl.poll() is None and time.monotonic() < deadline
        time.sleep(0.1)
    reader = sqlite3.connect(db, isolation_level=None)
    reader.execute("BEGIN")  # a supervisor's report reading a snapshot for the whole crawl
    seen = reader.execute("SELECT count(*) FROM pages").fetchone()[0]
    history = gapcheck("history", portal.url, "--db", str(db), timeout=60)
    _out, err = crawl.communicate(timeout=300)
    assert crawl.returncode == 1, err
    assert history.returncode == 0, history.stderr
    assert reader.execute("SELECT count(*) FROM pages").fetchone()[0] == seen  # its snapshot, undisturbed
    reader.execute("COMMIT")
    assert reader.execute("SELECT state FROM runs WHERE id = 1").fetchone()[0] == "done"
    reader.close()


def test_a_page_whose_check_was_stored_without_it_is_asked_again(portal, reference, tmp_path):
    db = tmp_path / "db.sqlite"
    _stop_midway(_args(portal.url, tmp_path, "first", db), db, signal.SIGKILL)
    # What a kill between a check's write and its page's left: the check row, no page row.
    with sqlite3.connect(db) as conn:
        lost = [
            row[0]
            for row in conn.execute(
                "SELECT url FROM pages WHERE run_id = 1 AND depth > 0 AND status = 200 "
                "AND url IN (SELECT url FROM link_checks WHERE run_id = 1) ORDER BY depth DESC, rowid DESC LIMIT 3"
            )
        ]
        assert lost
        conn.executemany("DELETE FROM pages WHERE run_id = 1 AND url = ?", [(u,) for u in lost])
    resumed = subprocess.run(
        _args(portal.url, tmp_path, "resumed", db, "--resume", "--delay", "0"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert resumed.returncode == 1, resumed.stderr
    assert _state(db) == ("done", *reference[1:])


def _report_runs(out: Path) -> set[str]:
    """Which run each report file is of (report.json and report.md say), or what is wrong with it."""
    runs = set()
    json_path, md_path = out / "report.json", out / "report.md"
    runs.add(str(json.loads(json_path.read_text(encoding="utf-8"))["run"]["id"]) if json_path.is_file() else "missing")
    runs.add(
        md_path.read_text(encoding="utf-8").split("运行编号**：", 1)[1].split()[0] if md_path.is_file() else "missing"
    )
    return runs


def _checked(portal, tmp_path: Path) -> tuple[Path, Path]:
    """A whole check of the portal (run 1): its store and its report folder."""
    db, out = tmp_path / "db.sqlite", tmp_path / "out"
    first = subprocess.run(
        _args(portal.url, tmp_path, "out", db, "--delay", "0"), capture_output=True, text=True, timeout=300
    )
    assert first.returncode == 1, first.stderr
    return db, out


def test_a_kill_while_the_reports_are_written_leaves_one_run_s_files(portal, tmp_path):
    db, out = _checked(portal, tmp_path)
    # A FIFO where the Markdown goes: writing it in place blocks there, half the files written, until killed.
    (out / "report.md").unlink()
    os.mkfifo(out / "report.md")
    second = subprocess.Popen(
        _args(portal.url, tmp_path, "out", db, "--delay", "0", "--full"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        second.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        second.kill()
        second.communicate()
    with sqlite3.connect(db) as conn:
        state = conn.execute("SELECT state FROM runs WHERE id = 2").fetchone()[0]
    if state == "done":  # only once every file is of run 2
        assert _report_runs(out) == {"2"}
    else:
        resumed = subprocess.run(
            _args(portal.url, tmp_path, "out", db, "--resume"), capture_output=True, text=True, timeout=300
        )
        assert resumed.returncode == 1, resumed.stderr
        assert _report_runs(out) == {"2"}
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_resume_of_a_done_run_whose_reports_are_missing_names_gapcheck_report(portal, tmp_path):
    db, out = _checked(portal, tmp_path)
    (out / "report.html").unlink()
    resumed = subprocess.run(
        _args(portal.url, tmp_path, "out", db, "--resume"), capture_output=True, text=True, timeout=60
    )
    assert resumed.returncode == 2 and "Traceback" not in resumed.stderr
    assert "gapcheck report 1" in resumed.stderr and str(out) in resumed.stderr


def test_a_killed_crawl_s_scratch_files_are_swept_by_a_later_crawl(portal, tmp_path, monkeypatch):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    db = tmp_path / "db.sqlite"
    # No browser: Chromium does not start with TMPDIR in pytest's folder, and it is not what is tested.
    _stop_midway(_args(portal.url, tmp_path, "first", db, "--no-render"), db, signal.SIGKILL)
    left = {p.name.split("-")[1] for p in scratch.iterdir() if p.name.startswith("gapcheck-")}
    assert left == {"frontier", "seen"}
    # Another crawl's, running now: its flock keeps it.
    live = scratch / "gapcheck-seen-live.sqlite"
    live.write_bytes(b"")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_RDONLY); "
            "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(600)",
            str(live),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        an_hour_ago = time.time() - 3600
        for path in scratch.iterdir():
            os.utime(path, (an_hour_ago, an_hour_ago))
        resumed = subprocess.run(
            _args(portal.url, tmp_path, "resumed", db, "--resume", "--delay", "0", "--no-render"),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert resumed.returncode == 1, resumed.stderr
        assert sorted(p.name for p in scratch.iterdir() if p.name.startswith("gapcheck-")) == [live.name]
    finally:
        holder.kill()
        holder.wait()


# -- what a resumed run is judged with, and the command that resumes it ----------------------------------

BUREAU = "武汉市商务局"
"""The name of the seed bureau's profile (config/profiles/wuhan-commerce.yaml)."""
EXCLUDE = r"^https?://([a-z0-9-]+\.)*wuhan\.gov\.cn/"
"""The city portal, out of the sandbox's reach: a resumed crawl that forgot it would ask the internet."""


def _stopped(url: str, db: Path, out: Path) -> subprocess.CompletedProcess:
    """`gapcheck check` of the sample portal with the seed bureau's profile, stopped (SIGTERM) at 20 pages."""
    args = [*COMMAND, "check", url, "--profile", "wuhan-commerce", "--as-of", AS_OF, "--exclude", EXCLUDE]
    # No Chromium to start: not what is tested (and kept on resume, as the rest).
    stopped = _stop_midway([*args, "--db", str(db), "--out", str(out), "--no-render"], db, signal.SIGTERM)
    assert stopped.returncode == 130, stopped.stderr
    return stopped


def _hint(stderr: str) -> list[str]:
    """The command the stopped run says to run, as a shell would split it."""
    match = re.search(r"运行 (gapcheck check .+?) 从停下的地方继续", stderr)
    assert match, stderr
    return shlex.split(match.group(1))


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
    assert _state(db)[0] == "done"
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
        assert _state(db)[0] == "interrupted"


def test_a_run_stored_before_runs_kept_their_options_resumes_with_the_command_line_s(portal, tmp_path):
    db, out = tmp_path / "db.sqlite", tmp_path / "out"
    _stopped(portal.url, db, out)
    downgrade(db, 9)  # the store an older gapcheck left: no started_with
    resumed = gapcheck(
        "check", portal.url, "--resume", "--profile", "wuhan-commerce", "--exclude", EXCLUDE, "--db", str(db),
        "--out", str(out), "--delay", "0",
    )  # fmt: skip
    assert resumed.returncode == 1, resumed.stderr
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["site"]["profile"] == BUREAU
