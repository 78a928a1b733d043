"""Availability probes: `gapcheck probe` stores one home-page fetch per site; a week of them decides GK804."""

from __future__ import annotations

import datetime as dt
import http.server
import socket
import sqlite3
import threading
import time

import pytest
from cli import gapcheck
from sitebuilder import check

from checks import Options, Severity, Status
from gapcheck.store import Store

STEP = dt.timedelta(minutes=15)


def _run(store: Store, url: str = "http://x.gov.cn/") -> tuple[int, dt.datetime]:
    run = store.start_run("局", url, "national", dt.date(2026, 11, 20), 100)
    return run, dt.datetime.fromisoformat(store.run(run).started_at)


def _probes(
    store: Store,
    start: dt.datetime,
    end: dt.datetime,
    *,
    every: dt.timedelta = STEP,
    fail_every: int = 0,
    url: str = "http://x.gov.cn/",
) -> int:
    """Probes from `start` to `end`; every `fail_every`-th one fails. Returns how many."""
    n, at = 0, start
    while at <= end:
        failed = fail_every and n % fail_every == 0
        store.record_probe(url, not failed, None if failed else 200, 0.2, "refused" if failed else "", at=at)
        n, at = n + 1, at + every
    return n


def _gk804(store: Store, run: int):
    [finding] = check("GK804", store.load_site(run), Options())
    assert finding.severity is Severity.VETO
    return finding


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "s.sqlite")
    yield store
    store.close()


def test_without_probes_the_veto_is_unverified(store):
    run, _ = _run(store)
    assert store.load_site(run).availability is None
    finding = _gk804(store, run)
    assert finding.status is Status.UNVERIFIED
    assert "数据不足" in finding.evidence and "尚无探测记录" in finding.evidence


def test_three_days_of_probes_are_not_enough(store):
    run, started = _run(store)
    n = _probes(store, started - dt.timedelta(days=3), started - dt.timedelta(minutes=5))
    seen = store.load_site(run).availability
    assert seen.probes == n and seen.failures == 0 and 2.9 < seen.days < 3.0
    finding = _gk804(store, run)
    assert (
        finding.status is Status.UNVERIFIED
        and "数据不足" in finding.evidence
        and f"已有探测 {n} 次" in finding.evidence
    )


def test_a_week_of_too_few_probes_is_not_enough(store):
    run, started = _run(store)
    _probes(store, started - dt.timedelta(days=7) + dt.timedelta(minutes=1), started, every=dt.timedelta(hours=2))
    assert store.load_site(run).availability.days > 6.9
    assert _gk804(store, run).status is Status.UNVERIFIED  # 84 probes: fewer than 20 a day


def test_a_week_with_few_failures_passes(store):
    run, started = _run(store)
    n = _probes(
        store,
        started - dt.timedelta(days=7) + dt.timedelta(minutes=5),
        started - dt.timedelta(minutes=5),
        fail_every=50,
    )
    seen = store.load_site(run).availability
    assert seen.probes == n == 672 and seen.failures == 14  # 2.1 %
    finding = _gk804(store, run)
    assert finding.status is Status.PASS
    assert "探测首页 672 次，失败 14 次，失败率 2.1%" in finding.evidence


def test_a_week_with_five_percent_failures_is_a_veto(store):
    run, started = _run(store)
    _probes(
        store,
        started - dt.timedelta(days=7) + dt.timedelta(minutes=5),
        started - dt.timedelta(minutes=5),
        fail_every=20,
    )
    finding = _gk804(store, run)
    assert finding.status is Status.FAIL and finding.severity is Severity.VETO
    assert "672 次，失败 34 次，失败率 5.1%" in finding.evidence and "北京时间" in finding.evidence
    # The period is shown in Beijing time: UTC + 8 hours.
    first = (started - dt.timedelta(days=7) + dt.timedelta(minutes=5, hours=8)).strftime("%Y-%m-%d %H:%M")
    assert first in finding.evidence


def test_only_the_sites_probes_of_the_week_before_the_run_count(store):
    run, started = _run(store)
    week = (started - dt.timedelta(days=7) + dt.timedelta(minutes=5), started - dt.timedelta(minutes=5))
    # The same portal over https on another port is the same site (as runs are matched)…
    n = _probes(store, *week, url="https://x.gov.cn:8443/")
    # …another portal, probes older than the week and probes after the run started are not counted.
    _probes(store, *week, url="http://y.gov.cn/", fail_every=1)
    _probes(store, started - dt.timedelta(days=9), started - dt.timedelta(days=7, minutes=1), fail_every=1)
    _probes(store, started + dt.timedelta(minutes=1), started + dt.timedelta(hours=2), fail_every=1)
    seen = store.load_site(run).availability
    assert (seen.probes, seen.failures) == (n, 0)
    assert _gk804(store, run).status is Status.PASS


def test_a_naive_time_is_utc(store):
    store.record_probe("http://x.gov.cn/", True, 200, 0.1, at=dt.datetime(2026, 11, 20, 8, 0))
    store.record_probe(
        "http://x.gov.cn/",
        True,
        200,
        0.1,
        at=dt.datetime(2026, 11, 20, 16, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))),
    )
    assert [r[0] for r in store.db.execute("SELECT probed_at FROM probes")] == [
        "2026-11-20T08:00:00+00:00",
        "2026-11-20T08:00:00+00:00",
    ]


# -- gapcheck probe, end to end ------------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith("/slow"):
            time.sleep(1.5)
        if self.path.startswith("/error"):
            self.send_error(500)
            return
        body = "<html><title>首页</title></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _refused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again: nothing listens there


@pytest.mark.e2e
def test_probe_command_stores_one_row_per_site_and_exits_3_when_one_is_down(tmp_path, server):
    sites = tmp_path / "sites.yaml"
    # One host, two paths: two sites (a site is host and path; scheme and port do not count).
    sites.write_text(
        f"defaults:\n  db: probes.sqlite\nsites:\n  - name: 本地\n    url: {server}/\n"
        f"  - name: 关闭\n    url: http://127.0.0.1:{_refused_port()}/down/\n    slug: down\n",
        encoding="utf-8",
    )
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    done = gapcheck("probe", str(sites))
    assert done.returncode == 3, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 2 and lines[0].startswith("正常") and "本地" in lines[0]
    assert lines[1].startswith("失败") and "refused" in lines[1]
    db = sqlite3.connect(tmp_path / "probes.sqlite")  # the sites list's db:, relative to it
    rows = db.execute("SELECT site, url, probed_at, outcome, status, elapsed, error FROM probes ORDER BY id").fetchall()
    assert [(r[0], r[3], r[4], r[6]) for r in rows] == [
        ("127.0.0.1/", "ok", 200, None),
        ("127.0.0.1/down/", "failed", None, "refused"),
    ]
    assert all(dt.datetime.fromisoformat(r[2]) >= before and r[2].endswith("+00:00") for r in rows)
    assert 0 <= rows[0][5] < 5


@pytest.mark.e2e
def test_probe_command_counts_slow_and_error_pages_as_failed(tmp_path, server):
    sites = tmp_path / "sites.yaml"
    sites.write_text(
        "sites:\n" + "".join(f"  - {{url: {server}/{p}, slug: {p}}}\n" for p in ("slow", "error", "ok")),
        encoding="utf-8",
    )
    db = tmp_path / "other.sqlite"
    done = gapcheck("probe", str(sites), "--db", str(db), "--timeout", "0.5")
    assert done.returncode == 3, done.stderr
    outcome = dict(sqlite3.connect(db).execute("SELECT url, coalesce(error, 'ok') FROM probes").fetchall())
    assert outcome[f"{server}/slow"].startswith(("slow", "timeout"))
    assert outcome[f"{server}/error"] == "HTTP 500" and outcome[f"{server}/ok"] == "ok"


@pytest.mark.e2e
def test_probe_command_exits_0_when_every_site_answers(tmp_path, server):
    sites = tmp_path / "sites.yaml"
    sites.write_text(f"sites:\n  - url: {server}/\n", encoding="utf-8")
    done = gapcheck("probe", str(sites), "--db", str(tmp_path / "s.sqlite"))
    assert done.returncode == 0 and done.stdout.startswith("正常")
