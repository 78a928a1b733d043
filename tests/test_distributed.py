"""Distributed crawls: a real redis-server on 127.0.0.1, real `gapcheck worker` processes, a portal that
records every request. Two workers crawl what one process crawls, no page twice; a worker killed
mid-crawl loses nothing; politeness holds across workers together.

Needs Debian's redis-server: without it these tests skip, except under CI=true, where they fail
(`make test` installs it as root).
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest
from cli import COMMAND, gapcheck

from spiders.redis_keys import JOBS, worker_key

from .routeserver import Answer, Req, html, serve

pytestmark = pytest.mark.e2e

AS_OF = "2026-11-20"
COLUMNS = ("gzdt", "tzgg", "zcwj")
ARTICLES = 40
"""Per column: 3 × 40 articles, 3 × 4 list pages, the home page and two footer pages = 135 pages."""
PER_PAGE = 10


def redis_server_path() -> str:
    path = shutil.which("redis-server") or "/usr/bin/redis-server"
    if os.access(path, os.X_OK):
        return path
    reason = "redis-server not found (apt-get install redis-server); the distributed tests need it"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI=true: CI must run them (`make test` installs it as root)")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    port = _free_port()
    folder = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [
            redis_server_path(),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def redis_clean(redis_url):
    import redis

    redis.Redis.from_url(redis_url).flushall()
    return redis_url


def _page(title: str, main: str) -> str:
    nav = "".join(f'<a href="/{c}/">{c}</a>' for c in COLUMNS)
    return (
        f'<div class="nav"><a href="/">首页</a>{nav}</div><div class="main"><h1>{title}</h1>{main}</div>'
        '<div class="footer"><a href="/lxwm.html">联系我们</a> <a href="/wzdt.html">网站地图</a>'
        '<img src="/images/logo.png"></div>'
    )


def portal(delay: float = 0.0, host: str = "127.0.0.1"):
    """A bureau portal: columns with paginated lists, articles with an image each, a broken link."""

    def route(req: Req) -> Answer:
        path = req.path
        if path == "/":
            return html(_page("首页", '<a href="/missing.html">失效链接</a>'), delay=delay)
        if path in ("/lxwm.html", "/wzdt.html"):
            return html(_page(path, "联系电话：027-12345678"), delay=delay)
        if path.endswith(".png"):
            return Answer(200, b"\x89PNG", content_type="image/png", delay=delay)
        parts = path.strip("/").split("/")
        if parts[0] not in COLUMNS:
            return Answer(404, b"not found", content_type="text/plain", delay=delay)
        column = parts[0]
        if len(parts) == 1 or parts[1].startswith("index"):
            n = 0 if len(parts) == 1 or parts[1] == "index.html" else int(parts[1][6:-5])
            items = "".join(
                f'<li><a href="/{column}/t{i}.html">文章{i}</a><span>2026-11-{1 + i % 19:02d}</span></li>'
                for i in range(n * PER_PAGE, (n + 1) * PER_PAGE)
            )
            pages = "".join(f'<a href="/{column}/index_{k}.html">{k}</a>' for k in range(1, ARTICLES // PER_PAGE))
            return html(_page(column, f"<ul>{items}</ul>{pages}"), delay=delay)
        i = int(parts[1][1:-5])
        if i >= ARTICLES:
            return Answer(404, b"not found", content_type="text/plain", delay=delay)
        more = f'<a href="/{column}/t{i + 1}.html">下一篇</a>' if i + 1 < ARTICLES else ""
        return html(_page(f"文章{i}", f'<p>正文</p><img src="/{column}/t{i}.png">{more}'), delay=delay)

    return serve(route, host)


@contextmanager
def workers(redis_url: str, n: int, log_dir: Path):
    procs = [start_worker(redis_url, log_dir / f"worker{i}.log") for i in range(n)]
    try:
        _attached(redis_url, n)
        yield procs
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()


def _attached(redis_url: str, n: int, timeout: float = 60) -> None:
    """Waits for `n` workers' heartbeats: a worker still importing Scrapy when a small crawl starts would
    find it over before it looked, and a test that wants every worker to take part must not race that."""
    import redis

    client = redis.Redis.from_url(redis_url)
    deadline = time.monotonic() + timeout
    while len(client.keys(worker_key("*"))) < n:
        assert time.monotonic() < deadline, f"{n} workers did not attach within {timeout} s"
        time.sleep(0.1)


def start_worker(redis_url: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [*COMMAND, "worker", "--redis", redis_url],
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )


def check(url: str, tmp: Path, name: str, *extra: str) -> subprocess.CompletedProcess:
    return gapcheck(
        "check",
        url,
        "--as-of",
        AS_OF,
        "--out",
        str(tmp / name),
        "--db",
        str(tmp / f"{name}.sqlite"),
        "--concurrency",
        "4",
        "--delay",
        "0",
        *extra,
    )


def stored(db: Path) -> tuple[dict[str, int | None], dict[str, tuple]]:
    """url → status of the run's pages, and the facts of its link checks (status first)."""
    with sqlite3.connect(db) as con:
        pages = dict(con.execute("SELECT url, status FROM pages"))
        checks = {
            url: facts
            for url, *facts in con.execute(
                "SELECT url, status, error, reason, title, text, retry_after, location FROM link_checks"
            )
        }
    return pages, checks


def not_found(db: Path) -> list[int]:
    """The statuses of the run's not-found probes (one per host), as stored with its crawl notes."""
    with sqlite3.connect(db) as con:
        notes = json.loads(con.execute("SELECT crawl_notes FROM runs").fetchone()[0])
    return [answer["status"] for answer in notes["not_found"]]


def page_gets(requests: list[Req]) -> Counter:
    return Counter(
        r.path for r in requests if r.method == "GET" and r.path.endswith(("/", ".html")) and "-not-found" not in r.path
    )


@pytest.mark.redis
@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/zwgk/index.html",
        "http://127.0.0.1:8000/list.jsp?b=2&a=1#top",
        "http://x.gov.cn/政务公开/通知 公告.html?标题=通知",
        "http://x.gov.cn/a%2fb/../c.html?q=%E4%B8%AD",
    ],
)
def test_the_frontier_fingerprint_is_the_duplicate_filters_own(redis_clean, url):
    # The coordinator and the workers' settle script add fingerprints to J:dupefilter themselves; the
    # workers' scheduler asks scrapy-redis's filter: one set, so both must name a page alike.
    import redis
    from scrapy import Request
    from scrapy_redis.dupefilter import RFPDupeFilter

    from spiders.frontier import fingerprint

    request = Request(url)
    server = redis.Redis.from_url(redis_clean)
    dupes = RFPDupeFilter(server, "gapcheck:job:t:dupefilter")
    assert not dupes.request_seen(request)
    assert server.smembers("gapcheck:job:t:dupefilter") == {fingerprint(request.url).encode()}


@pytest.mark.redis
def test_two_workers_crawl_what_one_process_crawls_and_no_page_twice(redis_clean, tmp_path):
    # A small delay per page: with none, one worker can finish the whole portal in the second the other
    # takes to see the job (they look once per heartbeat).
    with portal(delay=0.03) as server:
        single = check(server.url, tmp_path, "single")
        assert single.returncode == 1, single.stderr  # the portal has a broken link: gaps found
        server.requests.clear()
        with workers(redis_clean, 2, tmp_path):
            both = check(server.url, tmp_path, "both", "--redis", redis_clean)
        assert both.returncode == 1, both.stderr
        gets = page_gets(server.requests)
    one_pages, one_checks = stored(tmp_path / "single.sqlite")
    two_pages, two_checks = stored(tmp_path / "both.sqlite")
    assert len(one_pages) == 1 + 2 + len(COLUMNS) * (ARTICLES // PER_PAGE + ARTICLES) + 1  # + /missing.html
    assert two_pages == one_pages
    assert two_checks == one_checks  # the same facts, and no words: the rules word them
    assert one_checks[server.url + "missing.html"][0] == 404
    assert not [facts for facts in one_checks.values() if facts[2]]
    assert not_found(tmp_path / "both.sqlite") == not_found(tmp_path / "single.sqlite") == [404]
    twice = {path: n for path, n in gets.items() if n > 1}
    assert not twice, f"fetched more than once: {twice}"
    assert len(gets) == len(one_pages)
    logs = [(tmp_path / f"worker{i}.log").read_text() for i in range(2)]
    for log in logs:  # both took part: pages or link checks (which worker pops which request is the queue's)
        left = re.search(r"已发出 (\d+) 个请求", log)
        assert "：抓取 " in log and left and int(left[1]) > 0, log
    # The same report: the findings do not depend on who crawled.
    one = (tmp_path / "single" / "report.md").read_text().split("\n", 3)[3]
    two = (tmp_path / "both" / "report.md").read_text().split("\n", 3)[3]
    assert _findings(one) == _findings(two)


def _findings(markdown: str) -> list[str]:
    return sorted(line for line in markdown.splitlines() if line.startswith("| GK"))


@pytest.mark.redis
def test_a_killed_worker_loses_nothing_and_a_new_one_can_join(redis_clean, tmp_path):
    with portal(delay=0.02) as server:
        reference = check(server.url, tmp_path, "single")
        assert reference.returncode == 1, reference.stderr
        server.requests.clear()
        total = len(stored(tmp_path / "single.sqlite")[0])
        with workers(redis_clean, 2, tmp_path) as procs:
            coordinator = subprocess.Popen(
                [
                    *COMMAND,
                    "check",
                    server.url,
                    "--as-of",
                    AS_OF,
                    "--out",
                    str(tmp_path / "both"),
                    "--db",
                    str(tmp_path / "both.sqlite"),
                    "--concurrency",
                    "4",
                    "--delay",
                    "0",
                    "--redis",
                    redis_clean,
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            deadline = time.monotonic() + 60
            while len(page_gets(server.requests)) < total // 3 and time.monotonic() < deadline:
                time.sleep(0.05)
            procs[0].send_signal(signal.SIGKILL)  # mid-crawl, with requests in flight
            procs.append(start_worker(redis_clean, tmp_path / "late.log"))  # joins a crawl under way
            _out, err = coordinator.communicate(timeout=180)
        assert coordinator.returncode == 1, err
    pages, checks = stored(tmp_path / "both.sqlite")
    assert pages == stored(tmp_path / "single.sqlite")[0]
    assert checks == stored(tmp_path / "single.sqlite")[1]
    assert "：抓取 " in (tmp_path / "late.log").read_text()
    import redis

    server_keys = redis.Redis.from_url(redis_clean)
    assert not server_keys.smembers(JOBS)  # the coordinator cleaned up after itself
    assert not list(server_keys.scan_iter("gapcheck:job:*:requests"))


@pytest.mark.redis
def test_politeness_holds_across_workers(redis_clean, tmp_path):
    """One request at a time and 0.4 s between starts for the host: for both workers together."""

    def route(req: Req) -> Answer:
        if req.path == "/":
            return html("".join(f'<a href="/p{i}.html">{i}</a>' for i in range(14)), delay=0.05)
        return html("<p>正文</p>", delay=0.05)

    with serve(route) as server, workers(redis_clean, 2, tmp_path):
        done = gapcheck(
            "check",
            server.url,
            "--as-of",
            AS_OF,
            "--out",
            str(tmp_path / "out"),
            "--db",
            str(tmp_path / "db.sqlite"),
            "--concurrency",
            "1",
            "--delay",
            "0.4",
            "--redis",
            redis_clean,
        )
        assert done.returncode in (0, 1), done.stderr
        starts = sorted(r.at for r in server.requests if r.path != "/robots.txt" and "-not-found" not in r.path)
    logs = [(tmp_path / f"worker{i}.log").read_text() for i in range(2)]
    assert all("：抓取 " in log for log in logs)
    assert len(starts) == 15
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    # AutoThrottle may lengthen the delay, never shorten it; a little slack for the clocks.
    assert min(gaps) >= 0.35, gaps


@pytest.mark.redis
def test_batch_through_workers(redis_clean, tmp_path):
    with portal() as a, portal(host="127.0.0.2") as b, workers(redis_clean, 2, tmp_path):
        # No pause between requests: the default politeness made this two-portal batch take two minutes.
        (tmp_path / "quick.yaml").write_text("name: 快速检查\nextends: national\ncrawl: {delay: 0}\n", encoding="utf-8")
        sites = tmp_path / "sites.yaml"
        sites.write_text(
            f"""
defaults:
  profile: quick.yaml
  out: {tmp_path / "reports"}
  db: {tmp_path / "all.sqlite"}
sites:
  - name: 甲市商务局
    url: {a.url}
  - name: 乙市商务局
    url: {b.url}
""",
            encoding="utf-8",
        )
        done = gapcheck("batch", str(sites), "--as-of", AS_OF, "--redis", redis_clean)
    assert done.returncode == 1, done.stderr  # both portals have a broken link
    assert (tmp_path / "reports" / "index.html").is_file()
    with sqlite3.connect(tmp_path / "all.sqlite") as con:
        counts = dict(con.execute("SELECT run_id, COUNT(*) FROM pages GROUP BY run_id"))
    assert sorted(counts.values()) == [135 + 1, 135 + 1]


def test_unreachable_redis_is_a_setup_error(tmp_path):
    port = _free_port()  # nothing listens there
    done = gapcheck("worker", "--redis", f"redis://127.0.0.1:{port}/0", timeout=60)
    assert done.returncode == 2
    assert "--redis" in done.stderr and "redis-server" in done.stderr and "Traceback" not in done.stderr
    done = gapcheck(
        "check",
        "http://127.0.0.1:1/",
        "--db",
        str(tmp_path / "db.sqlite"),
        "--redis",
        f"redis://127.0.0.1:{port}/0",
        timeout=60,
    )
    assert done.returncode == 2 and "连不上 Redis" in done.stderr and "Traceback" not in done.stderr


def _coordinator(server_url: str, redis_url: str, tmp: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            *COMMAND,
            "check",
            server_url,
            "--as-of",
            AS_OF,
            "--out",
            str(tmp / "out"),
            "--db",
            str(tmp / "db.sqlite"),
            "--concurrency",
            "2",
            "--delay",
            "0",
            "--redis",
            redis_url,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.redis
def test_a_stopped_or_killed_coordinator_leaves_nothing_running(redis_clean, tmp_path):
    import redis

    client = redis.Redis.from_url(redis_clean)
    with portal(delay=0.05) as server, workers(redis_clean, 1, tmp_path):
        coordinator = _coordinator(server.url, redis_clean, tmp_path)
        deadline = time.monotonic() + 60
        while len(server.requests) < 10 and time.monotonic() < deadline:
            time.sleep(0.05)
        coordinator.send_signal(signal.SIGTERM)
        _out, err = coordinator.communicate(timeout=60)
        assert coordinator.returncode == 130, err
        assert "Traceback" not in err
        assert not client.smembers(JOBS) and not list(client.scan_iter("gapcheck:job:*:requests"))
        with sqlite3.connect(tmp_path / "db.sqlite") as con:
            assert con.execute("SELECT state FROM runs").fetchall() == [("interrupted",)]

        # Killed outright, it cannot clean up: the workers give its crawl up once its heartbeat lapses.
        coordinator = _coordinator(server.url, redis_clean, tmp_path)
        deadline = time.monotonic() + 60
        while not client.smembers(JOBS) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1)
        coordinator.kill()
        coordinator.wait(10)
        deadline = time.monotonic() + 60
        while client.smembers(JOBS) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not client.smembers(JOBS)
        assert not list(client.scan_iter("gapcheck:job:*:requests"))
        assert "放弃这个任务" in (tmp_path / "worker0.log").read_text()


@pytest.mark.redis
def test_a_killed_workers_host_leases_go_to_the_others_once_its_heartbeat_stops(redis_clean):
    """A killed worker held its share of a host's concurrency for the lease's whole life (two minutes):
    the workers left crawled that portal slower meanwhile."""
    import redis

    from spiders.politeness import SharedPace

    client = redis.Redis.from_url(redis_clean)
    alive, killed = "vm-1-aaaa", "vm-2-bbbb"
    for worker in (alive, killed):
        client.set(worker_key(worker), "1", ex=60)
    first = SharedPace(redis_clean, limit=1, ttl=300, worker=killed)
    other = SharedPace(redis_clean, limit=1, ttl=300, worker=alive)

    def take(pace: SharedPace, n: int) -> float:
        return float(pace._take(keys=pace.keys("portal:80"), args=[1, 300, f"{pace.prefix}-{n}", 0, worker_key("")]))

    assert take(first, 1) >= 0
    assert take(other, 2) == -1  # the host's one lease is held by a live worker
    client.delete(worker_key(killed))  # its heartbeat lapsed
    assert take(other, 2) >= 0
