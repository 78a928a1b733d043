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
        done = gapcheck("batch", str(sites), "--as-of", AS_OF, "--redis", redis_clean, "--progress-every", "0.2")
    assert done.returncode == 1, done.stderr  # both portals have a broken link
    # The end estimated from the pages stored (every portal runs at once: none waits).
    assert re.search(r"批量检查，网站 0/2，预计还需 (约 )?\d+:\d\d:\d\d，进行中 2，等待 0", done.stderr), done.stderr
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


def _coordinator(server_url: str, redis_url: str, tmp: Path, concurrency: str = "2") -> subprocess.Popen:
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
            concurrency,
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
    first, other = (
        SharedPace(redis_clean, limit=1, ttl=300, worker=w, breakers="gapcheck:job:t:breakers", breaker_at=10)
        for w in (killed, alive)
    )

    def take(pace: SharedPace, n: int) -> float:
        args = [1, 300, worker_key(""), pace.prefix, 1000, "portal:80", 10, f"{pace.prefix}-{n}", 0, 1, "0"]
        return float(pace._take(keys=[*pace.keys("portal:80"), pace.breakers], args=args)[1])

    assert take(first, 1) >= 0
    assert take(other, 2) == -1  # the host's one lease is held by a live worker
    client.delete(worker_key(killed))  # its heartbeat lapsed
    assert take(other, 2) >= 0


@pytest.mark.redis
def test_one_round_trip_takes_leases_for_a_whole_line_in_order(redis_clean):
    """The first of a worker's requests waiting for a host asks for all of them in one script: the free
    leases go to them in line order, each start spaced by the interval; the rest wait. An open breaker stops
    them all, and takes no lease."""
    import redis

    from spiders.politeness import SharedPace

    client = redis.Redis.from_url(redis_clean)
    client.set(worker_key("vm-1"), "1", ex=60)
    breakers = "gapcheck:job:t:breakers"
    pace = SharedPace(redis_clean, limit=3, ttl=300, worker="vm-1", breakers=breakers, breaker_at=2)
    leases = pace.keys("portal:80")[0]

    def take(*names: str, limit: int = 3, this_pass: int = 1, let_by: str = "") -> tuple[int, list[list]]:
        """`let_by`: "1" or "0" per name (an own page in a later pass), "0" for all when not given."""
        args: list = [limit, 300, worker_key(""), pace.prefix, 1000, "portal:80", 2]
        for name, by in zip(names, let_by or "0" * len(names), strict=True):
            args += [name, 0.5, this_pass, by]
        answer = pace._take(keys=[*pace.keys("portal:80"), breakers], args=args)
        return answer[0], [answer[i : i + 4] for i in range(1, len(answer), 4)]

    free, turns = take("a", "b", "c", "d")
    assert free == 0 and len(turns) == 4
    assert [float(t[0]) for t in turns] == pytest.approx([0, 0.5, 1.0, -1], abs=0.05)
    assert set(client.zrange(leases, 0, -1)) == {b"a", b"b", b"c"}
    # Not in line for the one refused: this process asks again when it gives a lease back, and in line
    # meanwhile it would keep other processes from a lease that frees.
    assert client.zcard(pace.keys("portal:80")[2]) == 0

    client.zrem(leases, "a", "b", "c")
    client.hset(breakers, mapping={"portal:80 open": "HTTP 503", "portal:80 pass": 1, "portal:80 failures": 2})
    free, turns = take("e", "f")
    assert free == 3 and [(t[1], t[3]) for t in turns] == [(b"HTTP 503", 2), (b"HTTP 503", 2)]
    assert client.zcard(leases) == 0

    # In a later pass an own page goes by the open breaker; the next request, left waiting for a lease, does
    # not make it half-open (only a request that is sent does).
    client.delete(pace.keys("portal:80")[1])
    free, turns = take("g", "h", limit=1, this_pass=2, let_by="10")
    assert [float(t[0]) for t in turns] == pytest.approx([0, -1], abs=0.05) and turns[0][1] == b""
    assert client.hget(breakers, "portal:80 open") == b"HTTP 503"
    client.zrem(leases, "g")
    free, turns = take("h", limit=1, this_pass=2)
    assert float(turns[0][0]) >= 0 and client.hget(breakers, "portal:80 open") is None
    assert client.hget(breakers, "portal:80 failures") == b"1"  # one more failure opens it again


class _Bomb:
    """Loading this payload as a Python object would create `path`: proof that something executed it."""

    def __init__(self, path: Path):
        self.path = path

    def __reduce__(self):
        return (open, (str(self.path), "w"))


@pytest.mark.redis
def test_payloads_that_are_not_data_are_rejected_and_never_executed(redis_clean, tmp_path):
    import pickle

    import redis

    from spiders.redis_keys import JobKeys

    marker = tmp_path / "executed"
    bomb = pickle.dumps(_Bomb(marker))
    wrong = [bomb, b"\x00\xffgarbage", b'{"url": 1}', b'{"url": "http://127.0.0.1:1/", "callback": "__init__"}']
    client = redis.Redis.from_url(redis_clean)
    with portal(delay=0.03) as server:
        reference = check(server.url, tmp_path, "single")
        assert reference.returncode == 1, reference.stderr
        with workers(redis_clean, 2, tmp_path):
            # A job nobody coordinates but whose config is a payload: the workers must not load it.
            fake = JobKeys("feedfacecafe")
            client.sadd(JOBS, fake.job)
            client.set(fake.state, "crawling")
            client.set(fake.coordinator, "1", ex=4)
            client.set(fake.config, bomb)
            coordinator = _coordinator(server.url, redis_clean, tmp_path, concurrency="4")
            deadline = time.monotonic() + 60
            while not (jobs := client.smembers(JOBS) - {fake.job.encode()}) and time.monotonic() < deadline:
                time.sleep(0.02)
            keys = JobKeys(jobs.pop().decode())
            for i, data in enumerate(wrong):
                client.zadd(keys.requests, {data: -100})  # before the real requests
                client.hset(keys.inflight, f"ghost-0:{i}", data)  # a dead worker's lease: requeued, then read
                client.rpush(keys.items, data)
                client.rpush(keys.retry, data)
                client.rpush(keys.notes, data)
            _out, err = coordinator.communicate(timeout=180)
        assert coordinator.returncode == 1, err
    assert not marker.exists()
    assert "Traceback" not in err
    assert stored(tmp_path / "db.sqlite") == stored(tmp_path / "single.sqlite")
    for key in (keys.items, keys.notes):
        assert err.count(f"Redis 键 {key} 中有一条不是合法数据") == 1, err  # said once per key
    logs = "".join((tmp_path / f"worker{i}.log").read_text() for i in range(2))
    assert f"Redis 键 {fake.config} 中有一条不是合法数据" in logs
    assert f"Redis 键 {keys.requests} 中有一条不是合法数据" in logs
    # Each wrong payload three times (queued, leased by a dead worker, second pass): all dropped.
    assert sum(int(n) for n in re.findall(r"跳过 (\d+) 条不是合法数据", logs)) >= len(wrong), logs
    assert "Traceback" not in logs


def _wait_for(client, proc: subprocess.Popen) -> None:
    import redis

    for _ in range(100):
        try:
            client.ping()
            return
        except redis.AuthenticationError:
            return  # up, and asking for the password
        except redis.ConnectionError:
            assert proc.poll() is None, "redis-server stopped"
            time.sleep(0.05)


@pytest.fixture(scope="module")
def secure_redis(tmp_path_factory):
    """A redis-server that wants a password, on a plain port and (when built with TLS) a TLS port with a
    certificate made for 127.0.0.1: (redis://:pw@…, rediss://:pw@…?ssl_ca_certs=… or None)."""
    import redis

    folder = tmp_path_factory.mktemp("secure-redis")
    port, tls_port = _free_port(), _free_port()
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    base = [redis_server_path(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(folder)]
    base += ["--requirepass", "s3cret-pw", "--port", str(port)]
    tls = [
        "--tls-port", str(tls_port), "--tls-cert-file", str(folder / "cert.pem"),
        "--tls-key-file", str(folder / "key.pem"), "--tls-ca-cert-file", str(folder / "cert.pem"),
        "--tls-auth-clients", "no",
    ]  # fmt: skip
    proc = subprocess.Popen([*base, *tls], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.3)
    tls_url: str | None = f"rediss://:s3cret-pw@127.0.0.1:{tls_port}/0?ssl_ca_certs={folder / 'cert.pem'}"
    if proc.poll() is not None:  # built without TLS: the password alone
        tls_url = None
        proc = subprocess.Popen(base, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_for(redis.Redis(port=port, password="s3cret-pw"), proc)
    yield f"redis://:s3cret-pw@127.0.0.1:{port}/0", tls_url
    proc.terminate()
    proc.wait(10)


@pytest.mark.redis
@pytest.mark.parametrize("scheme", ["redis", "rediss"])
def test_redis_with_a_password_and_tls(secure_redis, tmp_path, scheme):
    url = secure_redis[0] if scheme == "redis" else secure_redis[1]
    if url is None:
        pytest.skip("this redis-server was built without TLS (--tls-port is unknown to it)")
    with portal() as server:
        reference = check(server.url, tmp_path, "single")
        with workers(url, 1, tmp_path):
            done = check(server.url, tmp_path, "db", "--redis", url)
    assert done.returncode == reference.returncode == 1, done.stderr
    assert stored(tmp_path / "db.sqlite") == stored(tmp_path / "single.sqlite")
    log = (tmp_path / "worker0.log").read_text()
    assert "s3cret-pw" not in log + done.stderr and "redis" in log


@pytest.mark.redis
def test_a_wrong_redis_password_is_a_clear_setup_error(secure_redis, tmp_path):
    right = secure_redis[0]
    for url in (right.replace("s3cret-pw", "wrong-pw"), right.replace(":s3cret-pw@", "")):
        for args in (
            ["worker", "--redis", url],
            ["check", "http://127.0.0.1:1/", "--db", str(tmp_path / "x.sqlite"), "--redis", url],
        ):
            done = gapcheck(*args, timeout=60)
            assert done.returncode == 2, done.stderr
            assert "Redis 拒绝了密码" in done.stderr and "redis://:密码@" in done.stderr, done.stderr
            assert "wrong-pw" not in done.stderr and "Traceback" not in done.stderr
            assert "127.0.0.1" in done.stderr  # the URL, its password left out


def _external_portal():
    """Pages that link to hosts that cannot resolve (.invalid, .test: never a real host), to a missing page,
    and to each other: every judgement a worker makes alone (the DNS probe, the missing-page probe,
    the external cache) shows in the findings."""

    def route(req: Req) -> Answer:
        if req.path == "/":
            items = "".join(
                f'<li><a href="/p{i}.html">文章{i}</a><span>2026-11-0{1 + i % 9}</span></li>' for i in range(12)
            )
            gone = "".join(f'<a href="http://home-{i}.invalid/">外部</a>' for i in range(3))
            return html(_page("首页", f'<ul>{items}</ul><a href="/missing.html">失效</a>{gone}'), delay=0.02)
        if req.path.startswith("/p") and req.path.endswith(".html"):
            i = int(req.path[2:-5])
            links = f'<a href="http://gone-{i % 4}.invalid/a.html">外部{i}</a><a href="http://site.test/p{i}">外部</a>'
            return html(_page(f"文章{i}", f"<p>正文</p>{links}"), delay=0.02)
        if req.path in ("/lxwm.html", "/wzdt.html"):
            return html(_page(req.path, "联系电话：027-12345678"), delay=0.02)
        # The missing-page probe answers late: a worker that read the queue before its probes were done
        # judged the links it checked meanwhile as if names resolved (broken: 域名无法解析).
        return Answer(404, b"not found", content_type="text/plain", delay=2.0 if "-not-found" in req.path else 0)

    return serve(route)


@pytest.mark.redis
@pytest.mark.parametrize(("probe", "verdict"), [("no-such-name.invalid", "unverified"), ("localhost", "broken")])
def test_workers_judge_every_link_as_one_process_does(redis_clean, tmp_path, probe, verdict):
    profile = tmp_path / "quick.yaml"
    profile.write_text(
        f"name: 快速\nextends: national\ncrawl: {{dns_probe: [{probe}], render: off}}\n", encoding="utf-8"
    )
    with _external_portal() as server:
        single = check(server.url, tmp_path, "single", "--profile", str(profile))
        with workers(redis_clean, 2, tmp_path):
            both = check(server.url, tmp_path, "both", "--profile", str(profile), "--redis", redis_clean)
    assert single.returncode == both.returncode == 1, both.stderr
    one, two = (json.loads((tmp_path / name / "report.json").read_text()) for name in ("single", "both"))
    links = {x["url"]: x["verdict"] for x in one["links"]}
    assert links["http://gone-0.invalid/a.html"] == verdict
    assert {x["url"]: x["verdict"] for x in two["links"]} == links
    assert two["links"] == one["links"]
    assert two["findings"] == one["findings"]  # evidence included


@pytest.mark.redis
def test_workers_share_a_big_portal_fairly(redis_clean, tmp_path):
    """500 pages, one request at a time for the host: each of 2 workers crawls at least a quarter of
    them (one took 550 pages and the other 9: the worker that gave a lease back took it again at once)."""
    sections, per = 10, 50

    def route(req: Req) -> Answer:
        if req.path == "/":
            return html("".join(f'<a href="/s{k}/">栏目{k}</a>' for k in range(sections)), delay=0.01)
        parts = req.path.strip("/").split("/")
        if len(parts) == 1 and parts[0].startswith("s"):
            return html("".join(f'<a href="/{parts[0]}/p{i}.html">{i}</a>' for i in range(per)), delay=0.01)
        if len(parts) == 2 and parts[1].startswith("p"):
            return html("<p>正文</p>", delay=0.01)
        return Answer(404, b"not found", content_type="text/plain")

    n = 2
    with serve(route) as server, workers(redis_clean, n, tmp_path):
        done = check(server.url, tmp_path, "big", "--redis", redis_clean, "--concurrency", "1")
    assert done.returncode in (0, 1), done.stderr
    logs = [(tmp_path / f"worker{i}.log").read_text() for i in range(n)]
    pages = [int(m[1]) if (m := re.search(r"完成 (\d+) 个页面", log)) else 0 for log in logs]
    total = 1 + sections + sections * per
    assert sum(pages) == total, (pages, logs)
    assert min(pages) >= total / (2 * n), pages


@pytest.mark.redis
def test_the_trap_guard_counts_for_all_workers_together(redis_clean, tmp_path):
    """An endless calendar linked from many articles: one process follows max_query_variants of its dates
    and no more; each worker counted alone, so two followed up to twice as many."""

    def route(req: Req) -> Answer:
        if req.path == "/":
            return html(_page("首页", "".join(f'<a href="/p{i}.html">文章{i}</a>' for i in range(24))), delay=0.02)
        if req.path.startswith("/p"):
            i = int(req.path[2:-5])
            return html(_page(f"文章{i}", f'<a href="/cal.html?d={i}">日历</a>'), delay=0.3)  # both workers join
        if req.path == "/cal.html":
            return html(_page("日历", "<p>日历</p>"), delay=0.02)
        return Answer(404, b"not found", content_type="text/plain")

    profile = tmp_path / "quick.yaml"
    profile.write_text(
        "name: 快速\nextends: national\ncrawl: {dns_probe: [localhost], render: off, max_query_variants: 4}\n",
        encoding="utf-8",
    )
    with serve(route) as server:
        single = check(server.url, tmp_path, "single", "--profile", str(profile))
        with workers(redis_clean, 2, tmp_path):
            both = check(server.url, tmp_path, "both", "--profile", str(profile), "--redis", redis_clean)
    assert single.returncode == both.returncode, both.stderr
    logs = [(tmp_path / f"worker{i}.log").read_text() for i in range(2)]
    assert all(int(re.search(r"完成 (\d+) 个页面", log)[1]) > 5 for log in logs), logs  # type: ignore[index]
    one_pages, _ = stored(tmp_path / "single.sqlite")
    two_pages, _ = stored(tmp_path / "both.sqlite")
    calendar = sorted(url for url in one_pages if "cal.html" in url)
    assert len(calendar) == 4
    assert len([url for url in two_pages if "cal.html" in url]) == 4
    one, two = (json.loads((tmp_path / name / "report.json").read_text()) for name in ("single", "both"))
    assert [f["rule"] for f in two["findings"]] == [f["rule"] for f in one["findings"]]


@pytest.mark.redis
def test_workers_reuse_the_external_cache_as_one_process_does(redis_clean, tmp_path):
    """The second run of a site reuses the external links that answered in the first: the workers get the
    coordinator's cache with the crawl, and the findings (GK905's evidence counts them) are the same."""

    def outside(req: Req) -> Answer:
        return html("<p>外部页面</p>")

    with serve(outside, "127.0.0.2") as other:

        def route(req: Req) -> Answer:
            if req.path == "/":
                links = "".join(f'<a href="/p{i}.html">文章{i}</a>' for i in range(6))
                return html(_page("首页", links + f'<a href="{other.url}ok.html">外部</a>'), delay=0.05)
            if req.path.startswith("/p"):
                return html(_page("文章", f'<a href="{other.url}a{req.path[2:-5]}.html">外部</a>'), delay=0.05)
            return Answer(404, b"not found", content_type="text/plain")

        with serve(route) as server:
            first = check(server.url, tmp_path, "first")
            assert first.returncode in (0, 1), first.stderr
            shutil.copy(tmp_path / "first.sqlite", tmp_path / "both.sqlite")
            shutil.copy(tmp_path / "first.sqlite", tmp_path / "single.sqlite")
            single = check(server.url, tmp_path, "single")
            with workers(redis_clean, 2, tmp_path):
                both = check(server.url, tmp_path, "both", "--redis", redis_clean)
            asked = [r.path for r in other.requests if r.path != "/robots.txt"]
    assert single.returncode == both.returncode, both.stderr
    assert len(asked) == 7  # the first run only: both later runs reused every answer
    one, two = (json.loads((tmp_path / name / "report.json").read_text()) for name in ("single", "both"))
    assert two["findings"] == one["findings"]
    assert any("7 个外部链接沿用" in f["evidence"] for f in two["findings"]), two["findings"]


def _dead_host_portal(dead_url: str):
    """A portal whose articles each link to a host that answers every page with a 500: enough links to
    open the breaker (spiders/settings.py BREAKER_FAILURES) whoever asks."""

    def route(req: Req) -> Answer:
        if req.path == "/":
            items = "".join(f'<li><a href="/p{i}.html">文章{i}</a></li>' for i in range(6))
            return html(_page("首页", f"<ul>{items}</ul>"), delay=0.05)
        if req.path.startswith("/p") and req.path.endswith(".html"):
            i = int(req.path[2:-5])
            down = "".join(f'<a href="{dead_url}down/{i}-{k}.html">外部{k}</a>' for k in range(5))
            return html(_page(f"文章{i}", f"<p>正文</p>{down}"), delay=0.05)
        if req.path in ("/lxwm.html", "/wzdt.html"):
            return html(_page(req.path, "联系电话：027-12345678"), delay=0.05)
        return Answer(404, b"not found", content_type="text/plain")

    return serve(route)


@pytest.mark.redis
def test_the_breaker_opens_for_all_workers_together(redis_clean, tmp_path):
    """30 links to a failing host: one process stops asking it after BREAKER_FAILURES failures in a row and
    tries it once more at the end. Each worker counting alone asked it up to N times as often, each tried
    it again at the end, and the findings told of more broken links and more targets asked again."""

    def failing(req: Req) -> Answer:
        return html("error", status=500) if req.path.startswith("/down/") else Answer(404)

    def asked(requests: list[Req]) -> int:
        return len([r for r in requests if r.path.startswith("/down/")])

    with serve(failing) as dead, _dead_host_portal(dead.url) as server:
        single = check(server.url, tmp_path, "single", "--no-render")
        asked_one = asked(dead.requests)
        dead.requests.clear()
        with workers(redis_clean, 2, tmp_path):
            both = check(server.url, tmp_path, "both", "--no-render", "--redis", redis_clean)
        asked_two = asked(dead.requests)
    assert single.returncode == both.returncode == 1, both.stderr
    logs = [(tmp_path / f"worker{i}.log").read_text() for i in range(2)]
    assert all("：抓取 " in log for log in logs), logs
    one, two = (json.loads((tmp_path / name / "report.json").read_text()) for name in ("single", "both"))
    assert len([x for x in one["links"] if "停止" in (x["reason"] or "")]) >= 20, one["links"]
    # The same findings, evidence included; which of the 30 alike links got the one try at the end is the
    # queue's order, so the failing host's links are compared as what was said of them, not of which.
    assert _breaker_findings(two, dead.url) == _breaker_findings(one, dead.url)
    assert asked_two <= asked_one + 2, (asked_one, asked_two)


def _breaker_findings(report: dict, dead: str) -> tuple[list[dict], Counter]:
    """The findings not about `dead`'s links, and what the findings about them say (their URLs left out)."""
    other = [f for f in report["findings"] if not f["subject"].startswith(dead)]
    about = Counter(
        (f["rule"], f["status"], f["message"], re.sub(r"http://[^；、\s]+", "…", f["evidence"]))
        for f in report["findings"]
        if f["subject"].startswith(dead)
    )
    return other, about


@pytest.mark.redis
def test_the_pipelined_scripts_are_loaded_again_after_redis_forgot_them(redis_clean):
    """Scripts go into pipelines as plain EVALSHA (redis-py's SCRIPT EXISTS before each pipeline was a round
    trip per request); a Redis that restarted or flushed its scripts answers NOSCRIPT, and they are loaded again."""
    import asyncio

    import redis
    from scrapy import Request

    from spiders.politeness import SharedPace

    client = redis.Redis.from_url(redis_clean)
    client.set(worker_key("vm-1"), "1", ex=60)
    pace = SharedPace(redis_clean, limit=2, ttl=300, worker="vm-1", breakers="gapcheck:job:t:breakers", breaker_at=10)
    client.script_flush()
    turn = asyncio.run(pace.take("portal:80", 0.0, Request("http://portal/"), 1, False))
    assert turn.wait >= 0 and not turn.stopped
    assert client.zcard(pace.keys("portal:80")[0]) == 1


@pytest.mark.redis
def test_the_shared_trap_guard_decides_every_trap_as_one_process_does_in_one_round_trip_a_page(redis_clean):
    """The workers' guard asks Redis once for a page's links, with the checks of one process's guard in the
    same order: the same URLs in the same pages get the same verdicts."""
    import redis

    from spiders.redis_keys import JobKeys
    from spiders.traps import TrapGuard
    from spiders.worker import SharedTrapGuard

    site = "http://x.gov.cn"
    pages = [
        [(f"{site}/cal.html?month={m}", None) for m in range(1, 4)] + [(f"{site}/a.html", None)],
        [(f"{site}/cal.html?month={m}", None) for m in range(2, 7)],  # two seen, two new, one past the limit
        [(f"{site}/s/p.html;jsessionid={n}", None) for n in range(3)] + [(f"{site}/q?{'a=1&' * 5}a=1", None)],
        [(f"{site}/gen?n={n}", f"{site}/gen?n={n - 1}") for n in range(1, 7)],  # a page refreshing to itself
        [(f"{site}/a/b/a/b/a/b/a/", None), (f"{site}/{'x' * 1100}", None), (f"{site}/b.html?page=2", None)],
    ]
    one = TrapGuard(max_variants=4)
    client = redis.Redis.from_url(redis_clean)
    shared = SharedTrapGuard(client, JobKeys("t"), max_variants=4)
    client.config_resetstat()
    for page in pages:
        assert shared.trapped_all(page) == one.trapped_all(page), page
    stats = client.info("commandstats")
    assert stats["cmdstat_evalsha"]["calls"] - stats["cmdstat_evalsha"].get("failed_calls", 0) == len(pages), stats
    assert shared.notes() == one.notes()
    assert {note.kind for note in one.notes()} == {
        "同一页面的查询参数变体过多（如无穷日历）",
        "网址含会话编号",
        "查询参数不断增长",
        "页面不断跳转到自身（参数不断变化）",
        "路径循环",
        "网址过长",
    }


@pytest.mark.redis
def test_the_coordinators_look_at_many_crawls_is_one_round_trip(redis_clean, tmp_path):
    """A night's hundreds of portals through Redis: each turn of the coordinator looks at every crawl in one
    transaction (a round trip or more per crawl and turn before), and asks nothing else while none has items
    or leases."""
    import datetime as dt

    import redis

    from gapcheck.crawl_request import CrawlRequest
    from gapcheck.distributed import _Job, _turn, enqueue
    from gapcheck.profile import load_profile
    from gapcheck.runner import start_run
    from gapcheck.store import Store

    client = redis.Redis.from_url(redis_clean)
    store = Store(tmp_path / "db.sqlite")
    profile = load_profile("national")
    jobs = []
    for i in range(30):
        request = CrawlRequest(f"http://127.0.0.{i + 2}/", profile.crawl)
        run_id = start_run(store, request, profile, dt.date.fromisoformat(AS_OF))
        jobs.append(_Job(i, enqueue(client, request, run_id, {}), request, run_id, None))  # type: ignore[arg-type]
    counted: dict[int, tuple[int, int]] = {}
    client.config_resetstat()
    busy, over = _turn(client, jobs, store, print, lambda i, stored, known: counted.update({i: (stored, known)}))
    stats = client.info("commandstats")
    assert stats["cmdstat_multi"]["calls"] == 1 and stats["cmdstat_exec"]["calls"] == 1, stats
    assert stats["cmdstat_llen"]["calls"] == 30 and stats["cmdstat_hkeys"]["calls"] == 30, stats
    assert "cmdstat_lrange" not in stats and "cmdstat_evalsha" not in stats, stats  # nothing to drain or requeue
    assert not busy and over == []  # each start page is still queued
    assert counted == {i: (0, 1) for i in range(30)}  # nothing stored yet, the start page known
