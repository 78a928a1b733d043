"""Ctrl-C during `gapcheck check`: the first one is acknowledged and stops the crawl taking new requests at
once, the run stored as stopped and resumable; a second one stops at once. Both exit 130 without a traceback."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest
from cli import COMMAND, gapcheck, stored_pages
from routeserver import Answer, Req, html, serve

pytestmark = pytest.mark.e2e

PAGES = 40


class SlowPortal:
    """A portal of PAGES pages whose robots.txt asks for a 1 s Crawl-delay: minutes for a whole crawl."""

    def __init__(self) -> None:
        self.polite = threading.Event()
        self.polite.set()
        self.answer_in = 0.0
        """Seconds each page takes to answer: requests still on the wire at the first Ctrl-C."""

    def __call__(self, req: Req) -> Answer:
        if req.path == "/robots.txt":
            delay = "Crawl-delay: 1\n" if self.polite.is_set() else ""
            return Answer(body=f"User-agent: *\n{delay}".encode(), content_type="text/plain")
        if req.path == "/":
            links = "".join(f'<a href="/p{i}.html">第{i}页</a>' for i in range(PAGES))
            return html(f"<h1>测试局</h1>{links}")
        if req.path.startswith("/p"):
            return html(f'<p>{req.path}</p><a href="/">首页</a>', delay=self.answer_in)
        return Answer(404)


@pytest.fixture
def portal():
    route = SlowPortal()
    with serve(route) as server:
        server.portal = route  # type: ignore[attr-defined]
        yield server


def _state(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT state FROM runs WHERE id = 1").fetchone()[0]


def _interrupt(url: str, tmp: Path, signals: int) -> tuple[subprocess.CompletedProcess[str], float]:
    """Starts a check of the slow portal, sends SIGINT `signals` times once 2 pages are stored; the seconds
    from the first SIGINT to the exit."""
    db = tmp / "db.sqlite"
    args = [*COMMAND, "check", url, "--out", str(tmp / "out"), "--db", str(db), "--offline", "--no-render"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while stored_pages(db) < 2:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.1)
    sent = time.monotonic()
    print(f"stopping after {stored_pages(db)} pages")
    for n in range(signals):
        if n:
            time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    took = time.monotonic() - sent
    print(f"exit {proc.returncode} {took:.2f} s after the first SIGINT")
    return subprocess.CompletedProcess(args, proc.returncode, out, err), took


def _resume_finishes(portal, tmp: Path) -> None:
    portal.portal.polite.clear()  # the resumed crawl need not take minutes
    db = tmp / "db.sqlite"
    stored = stored_pages(db)
    assert 2 <= stored < PAGES + 1
    resumed = gapcheck(
        "check", portal.url, "--out", str(tmp / "out"), "--db", str(db), "--offline", "--no-render", "--resume"
    )
    assert resumed.returncode in (0, 1), resumed.stderr
    assert _state(db) == "done"
    assert stored_pages(db) == PAGES + 1


def test_first_ctrl_c_is_acknowledged_and_stops_at_once(portal, tmp_path):
    result, took = _interrupt(portal.url, tmp_path, signals=1)
    assert result.returncode == 130, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert "正在停止" in result.stderr, result.stderr
    # The command that goes on: the run keeps its options (gapcheck/run_options.py), the hint names the rest.
    command = f"gapcheck check {portal.url} --resume --db {tmp_path / 'db.sqlite'} --out {tmp_path / 'out'}"
    first = result.stderr.split("正在停止", 1)[1].splitlines()[0]
    assert command in first, result.stderr
    assert took < 5, f"{took:.1f} s from Ctrl-C to the exit"
    assert _state(tmp_path / "db.sqlite") == "interrupted"
    _resume_finishes(portal, tmp_path)


def test_second_ctrl_c_stops_now(portal, tmp_path):
    portal.portal.answer_in = 6.0  # the first Ctrl-C alone would wait for the page being downloaded
    result, took = _interrupt(portal.url, tmp_path, signals=2)
    portal.portal.answer_in = 0.0
    assert result.returncode == 130, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert "--resume" in result.stderr.splitlines()[-1], result.stderr
    assert took < 4, f"{took:.1f} s from the first Ctrl-C to the exit"
    assert _state(tmp_path / "db.sqlite") == "interrupted"
    _resume_finishes(portal, tmp_path)


def test_ctrl_c_stops_a_batch_without_verdicts_or_notices(tmp_path):
    """A stopped batch judges nobody: its runs stay resumable, no portal is listed 未能检查 for being stopped,
    and the supervisors are not notified of a half-done night."""
    hooks: list[str] = []

    def webhook(req: Req) -> Answer:
        hooks.append(req.path)
        return Answer(200)

    with serve(SlowPortal()) as a, serve(SlowPortal(), host="127.0.0.2") as b, serve(webhook) as receiver:
        sites = tmp_path / "sites.yaml"
        sites.write_text(
            f"defaults:\n  out: reports\n  db: db.sqlite\nnotify:\n  webhook: {receiver.url}\nsites:\n"
            + "".join(f'  - {{name: 局{i}, url: "{s.url}", slug: s{i}}}\n' for i, s in enumerate((a, b))),
            encoding="utf-8",
        )
        db = tmp_path / "db.sqlite"
        proc = subprocess.Popen(
            [*COMMAND, "batch", str(sites)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path
        )
        deadline = time.monotonic() + 60
        while stored_pages(db) < 3:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err, err
    with sqlite3.connect(db) as conn:
        assert {state for (state,) in conn.execute("SELECT state FROM runs")} == {"interrupted"}
    assert not list((tmp_path / "reports").glob("*/error.json"))
    assert hooks == []
    assert "--resume" in err, err
