"""`gapcheck batch --workers N` without Redis, end to end: the portals shared out over worker processes, the
store written by the parent alone. The verdicts are those of one process, one host's portals stay in one
process, a killed worker costs only its own portals, and a line from a worker that is not data is skipped."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import time
from contextlib import ExitStack
from pathlib import Path

import pytest
from cli import COMMAND, gapcheck, sites_file, stored_pages
from routeserver import Answer, Req, html, serve
from test_stop import SlowPortal

from checks.scoring import SiteVerdict
from core.model import CrawlStats, LinkCheck, Page
from gapcheck.crawl_request import CrawlRequest
from gapcheck.profile import load_profile
from gapcheck.report.labels import CLI
from gapcheck.runner import start_run
from gapcheck.store import Store
from gapcheck.worker_wire import encode
from gapcheck.workers import Coordinator, Worker, last_pages, plan

pytestmark = pytest.mark.e2e

AS_OF = "2026-11-20"
STARTED = re.compile(r"^检查进程 (\d+)：(.+)$", re.M)
QUICK = "delay: 0, timeout: 3"


def _portal(i: int, base: str, dead: str, other: str):
    """A small portal: two pages (revalidatable: a second run gets 304s), an in-site link that is gone,
    a link to another portal (external, cached between runs) and one to a port nobody answers."""

    def route(req: Req) -> Answer:
        if req.path == base:
            return html(
                f'<h1>第{i}局</h1><a href="{base}a.html">工作动态</a><a href="{base}b.html">通知公告</a>'
                f'<a href="{base}gone{i}.html">失效页面</a><a href="{other}">兄弟单位</a><a href="{dead}">旧系统</a>'
                f"<ul><li>本局召开会议<span>2026-11-0{i + 1}</span></li></ul>",
                title=f"第{i}局",
            )
        if req.path in (f"{base}a.html", f"{base}b.html"):
            etag = f'"{i}{req.path[-6]}"'
            if req.if_none_match == etag:
                return Answer(304, headers={"ETag": etag})
            return html(f"<p>{req.path} 正文内容</p><a href='{base}'>首页</a>", headers={"ETag": etag})
        return Answer(404)

    return route


def _closed_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _sites(folder: Path, urls: list[str]) -> Path:
    return sites_file(folder, urls, QUICK, name="第{i}局")


def _findings(folder: Path, n: int) -> dict[str, list]:
    """Every finding of every portal, as the report states it, less what differs between two stores."""
    found = {}
    for i in range(n):
        report = json.loads((folder / "reports" / f"s{i}" / "report.json").read_text(encoding="utf-8"))
        found[f"s{i}"] = sorted(
            json.dumps({k: v for k, v in f.items() if k not in ("run", "run_id")}, ensure_ascii=False, sort_keys=True)
            for f in report["findings"]
        )
        found[f"s{i}"].append(json.dumps(report["summary"], ensure_ascii=False, sort_keys=True))
    return found


def _shares(out: str) -> dict[int, list[str]]:
    return {int(pid): urls.split("、") for pid, urls in STARTED.findall(out)}


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    """Six portals on five hosts (two under one host, by path), each night checked twice with one worker and
    twice with two, each in its own store."""
    tmp = tmp_path_factory.mktemp("workers")
    dead = f"http://127.0.0.9:{_closed_port('127.0.0.9')}/"
    with ExitStack() as stack:
        routes: dict[str, object] = {}
        shared = stack.enter_context(
            serve(lambda req: routes["/y/" if req.path.startswith("/y/") else "/x/"](req), host="127.0.0.6")
        )
        alone = [
            stack.enter_context(serve(lambda req, i=i: routes[str(i)](req), host=f"127.0.0.{i + 2}")) for i in range(4)
        ]
        urls = [s.url for s in alone] + [shared.url + "x/", shared.url + "y/"]
        for i in range(4):
            routes[str(i)] = _portal(i, "/", dead, urls[(i + 1) % 6])
        routes["/x/"] = _portal(4, "/x/", dead, urls[5])
        routes["/y/"] = _portal(5, "/y/", dead, urls[0])
        runs = {}
        for workers in ("1", "2"):
            sites = _sites(tmp / f"w{workers}", urls)
            # Two workers one portal at a time each: the progress lines count across both.
            pace = ["--parallel", "1", "--progress-every", "0.2"] if workers == "2" else []
            runs[workers] = [
                gapcheck("batch", str(sites), "--as-of", AS_OF, "--workers", workers, *pace, cwd=sites.parent)
                for _ in range(2)
            ]
    return {"tmp": tmp, "runs": runs, "urls": urls}


def test_two_workers_find_exactly_what_one_process_finds(nights):
    for workers in ("1", "2"):
        for run in nights["runs"][workers]:
            assert run.returncode == 1, run.stderr  # every portal has gaps
            assert "Traceback" not in run.stderr, run.stderr
    one, two = _findings(nights["tmp"] / "w1", 6), _findings(nights["tmp"] / "w2", 6)
    assert one == two
    assert all(len(found) > 3 for found in two.values())
    with sqlite3.connect(nights["tmp"] / "w2" / "db.sqlite") as db:
        states = {state for (state,) in db.execute("SELECT state FROM runs")}
        reused = db.execute("SELECT count(*) FROM external_checks").fetchone()[0]
    assert states == {"done"}
    assert reused > 0  # the workers' external answers reached the parent's cache


def test_both_workers_crawl_and_one_host_stays_in_one_process(nights):
    for run in nights["runs"]["2"]:
        shares = _shares(run.stdout)
        assert len(shares) == 2, run.stdout
        assert all(shares.values())
        assert sorted(url for urls in shares.values() for url in urls) == sorted(nights["urls"])
        shared = [pid for pid, urls in shares.items() if any(url.startswith("http://127.0.0.6:") for url in urls)]
        assert len(shared) == 1, shares  # /x/ and /y/ of 127.0.0.6: one process, politely, never two at once
    for run in nights["runs"]["1"]:
        assert not STARTED.search(run.stdout)


def test_progress_counts_portals_across_workers(nights):
    err = nights["runs"]["2"][0].stderr
    assert re.search(r"批量检查，网站 0/6，进行中 2，等待 4", err), err
    assert re.search(r"批量检查，网站 [1-4]/6，.*进行中 2，等待 [0-3]", err), err


def test_a_killed_worker_fails_only_its_own_portals(tmp_path):
    with (
        serve(SlowPortal(), host="127.0.0.2") as slow,
        serve(_portal(1, "/", "http://127.0.0.1:9/", "http://127.0.0.2/"), host="127.0.0.3") as fast,
    ):
        sites = _sites(tmp_path, [slow.url, fast.url])
        proc = subprocess.Popen(
            [*COMMAND, "batch", str(sites), "--workers", "2", "--as-of", AS_OF],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert proc.stdout is not None
        pids = {}
        while len(pids) < 2:
            line = proc.stdout.readline()
            assert line, proc.communicate()
            if match := STARTED.match(line.strip()):
                pids[match.group(2)] = int(match.group(1))
        deadline = time.monotonic() + 60
        while stored_pages(tmp_path / "db.sqlite", 1) < 2:
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.1)
        os.kill(pids[slow.url], signal.SIGKILL)
        out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err
    assert "Traceback" not in err, err
    error = json.loads((tmp_path / "reports" / "s0" / "error.json").read_text(encoding="utf-8"))["error"]
    assert f"检查进程 {pids[slow.url]} 意外退出（被信号 9 结束）" in error
    assert (tmp_path / "reports" / "s1" / "report.json").is_file()
    with sqlite3.connect(tmp_path / "db.sqlite") as db:
        assert dict(db.execute("SELECT id, state FROM runs")) == {1: "failed", 2: "done"}
    assert "未能检查" in out


def test_ctrl_c_stops_every_worker_resumably(tmp_path):
    with serve(SlowPortal(), host="127.0.0.2") as a, serve(SlowPortal(), host="127.0.0.3") as b:
        sites = _sites(tmp_path, [a.url, b.url])
        proc = subprocess.Popen(
            [*COMMAND, "batch", str(sites), "--workers", "2", "--progress-every", "0.3"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
        )
        deadline = time.monotonic() + 60
        db = tmp_path / "db.sqlite"
        while stored_pages(db, 1) < 2 or stored_pages(db, 2) < 2:
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.1)
        time.sleep(1)  # a progress line or more since the workers' first pages were stored
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    print(f"exit {proc.returncode} {time.monotonic() - sent:.2f} s after SIGINT")
    assert proc.returncode == 130, err
    assert "Traceback" not in err, err
    assert err.count("--resume") >= 2, err
    assert err.count(CLI["stopping"]) == 1, err  # said by the batch, not once more by each worker
    # Before any portal ended, the end is estimated from the pages the workers sent.
    assert re.search(r"批量检查，网站 0/2，预计还需 (约 )?\d+:\d\d:\d\d", err), err
    with sqlite3.connect(db) as conn:
        assert {state for (state,) in conn.execute("SELECT state FROM runs")} == {"interrupted"}
    assert not list((tmp_path / "reports").glob("*/error.json"))


def test_a_line_that_is_not_data_is_skipped_and_counted(tmp_path):
    """What a worker sends is read against the schema: garbage, a pickle, another run's pages are skipped;
    the worker's own data is stored."""
    store = Store(tmp_path / "db.sqlite")
    request = CrawlRequest("http://127.0.0.2/", load_profile("national").crawl)
    mine = start_run(store, request, load_profile("national"), dt.date.fromisoformat(AS_OF))
    other = start_run(
        store, CrawlRequest("http://127.0.0.3/", request.crawl), load_profile("national"), dt.date.fromisoformat(AS_OF)
    )
    said: list[str] = []
    coordinator = Coordinator([(request, mine)], store, None, said.append)
    worker = Worker({mine: 0}, pid=4321)
    page = Page(url="http://127.0.0.2/", final_url="http://127.0.0.2/", status=200, title="首页")
    check = LinkCheck("http://127.0.0.2/", status=200)
    lines = [
        b"not json at all",
        b'\x80\x04\x95{"crawled": 1}',
        json.dumps({"crawled": {"run_id": mine}}).encode(),
        json.dumps({"crawled": {"run_id": mine, "pages": [], "checks": []}, "interrupted": mine}).encode(),
        encode({"crawled": {"run_id": other, "pages": [page], "checks": []}}).rstrip(b"\n"),
        encode({"crawled": {"run_id": mine, "pages": [page], "checks": [check]}}).rstrip(b"\n"),
    ]
    data = b"\n".join(lines) + b"\n"
    coordinator.feed(worker, data[:7])  # a line arrives in pieces
    coordinator.feed(worker, data[7:])
    assert worker.rejected == 5
    assert len(said) == 1, said  # said once per worker
    assert said[0].startswith("gapcheck：检查进程 4321 发来一行不是合法数据的内容（(payload): Invalid JSON")
    assert said[0].endswith("已跳过，未执行其中任何内容")
    assert store.page_count(mine) == 1
    assert store.page_count(other) == 0
    coordinator.lost(worker, -9)  # gone without saying how its crawl ended
    assert said[1] == "gapcheck：检查进程 4321 共发来 5 行不是合法数据的内容，均已跳过"
    assert "检查进程 4321 意外退出（被信号 9 结束）" in str(coordinator.outcomes[0])


def test_portals_are_shared_by_host_largest_first(tmp_path):
    """A host's portals go together; by their last run's size, the largest first, each to the least-loaded
    worker; a portal never checked counts as the average of the others."""
    store = Store(tmp_path / "db.sqlite")
    crawl = load_profile("national").crawl
    urls = ["http://127.0.0.2/", "http://127.0.0.3/b/", "http://127.0.0.3/c/", "http://127.0.0.4/", "http://127.0.0.5/"]
    for url, pages in zip(urls, (100, 60, 50, None, 10), strict=True):
        if pages is not None:
            run = store.start_run("局", url, "national", dt.date.fromisoformat(AS_OF), 0)
            store.finish_crawl(run, CrawlStats(pages=pages))
            store.finish_run(
                run, [], {}, {}, finished_at="2026-11-20T00:00:00+00:00", verdict=SiteVerdict.PASSED, score=100
            )
    jobs = [(CrawlRequest(url, crawl), 0) for url in urls]
    sizes = [last_pages(store, url) for url in urls]
    # 127.0.0.3 (60 + 50) first, then 127.0.0.2 (100), 127.0.0.4 (never checked: 55), 127.0.0.5 (10).
    assert plan(jobs, sizes, 2) == [[1, 2, 4], [0, 3]]
    assert plan(jobs, sizes, 8) == [[1, 2], [0], [3], [4]]  # no more workers than hosts
    assert plan(jobs, sizes, 1) == [[0, 1, 3, 2, 4]]


@pytest.mark.parametrize("value", ["0", "-1", "x"])
def test_a_bad_workers_value_is_refused_in_chinese(tmp_path, value):
    run = gapcheck("batch", str(tmp_path / "sites.yaml"), "--workers", value)
    assert run.returncode == 2
    assert "--workers" in run.stderr and "不是不小于 1 的整数" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr
