#!/usr/bin/env python3
"""Soak run: one long crawl of an endless portal full of faults, stopped after N minutes. Prints figures.

The tests' route server (tests/routeserver.py) on 127.0.0.1 serves /p/N.html for every N, each page
linking to the next two (so the crawl's frontier stays small and what grows is only what it must remember), to images and attachments, and to targets that fail the way real ones do:
404, 500, a 429 with Retry-After, slow answers past the timeout, a soft 404 and a firewall check page. gapcheck crawls it with a page limit it cannot reach; the script samples the
crawler's RSS every 10 s, sends SIGTERM after --minutes, and then checks the store: every page the
server answered 200 is stored exactly once, with its link check, and the run is resumable.

    .venv/bin/python bench/soak.py [--minutes 30]
"""

from __future__ import annotations

import argparse
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from routeserver import Answer, Req, html, serve

ARTICLE = "本局认真贯彻落实党中央、国务院决策部署，持续推进政务公开标准化规范化建设。" * 5


def route(req: Req) -> Answer:
    path = req.path
    if path == "/" or (path.startswith("/p/") and path.endswith(".html")):
        n = 0 if path == "/" else int(path[3:-5])
        links = "".join(
            f'<li><a href="/p/{m}.html">第{m}篇</a><span>2026-11-{1 + m % 28:02d}</span></li>' for m in (n + 1, n + 2)
        )
        faults = (
            f'<a href="/gone/{n}.html">失效</a><a href="/err/{n}.html">出错</a><img src="/img/{n}.png" alt="图">'
            f'<a href="/files/{n}.pdf">附件</a>'
        )
        if n % 50 == 0:
            faults += (
                f'<a href="/limit/{n}.html">限流</a><a href="/slow/{n}.html">慢</a>'
                f'<a href="/soft/{n}.html">软</a><a href="/waf/{n}.html">验证</a>'
            )
        return html(f'<ul class="list">{links}</ul><p>{ARTICLE}</p>{faults}', title=f"第{n}篇")
    kind = path.split("/")[1]
    if kind == "gone":
        return Answer(404)
    if kind == "err":
        return html("error", status=500)
    if kind == "limit":
        return html("slow down", status=429, headers={"Retry-After": "1"})
    if kind == "slow":
        return html(ARTICLE, delay=5)
    if kind == "soft":
        return html("<p>您访问的页面不存在</p>", title="页面不存在")
    if kind == "waf":
        return html("请完成滑动验证", title="安全验证")
    if kind == "img":
        return Answer(200, b"\x89PNG\r\n\x1a\n" + b"x" * 200, content_type="image/png")
    if kind == "files":
        return Answer(200, b"%PDF-1.4" + b"x" * 2000, content_type="application/pdf")
    return Answer(404)


def rss_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gapcheck-soak-") as tmp, serve(route) as server:
        db = Path(tmp) / "db.sqlite"
        profile = Path(tmp) / "soak.yaml"  # the portal is a chain: every page is one click deeper
        profile.write_text("name: soak\nextends: national\ncrawl: {max_depth: 1000000, timeout: 3}\n", encoding="utf-8")
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gapcheck.cli",
                "check",
                server.url,
                "--profile",
                str(profile),
                "--out",
                str(Path(tmp) / "out"),
                "--db",
                str(db),
                "--max-pages",
                "1000000",
                "--delay",
                "0",
                "--concurrency",
                "8",
                "--as-of",
                "2026-11-20",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started = time.monotonic()
        samples: list[tuple[float, float]] = []
        while time.monotonic() - started < opts.minutes * 60 and proc.poll() is None:
            time.sleep(10)
            rss = rss_mib(proc.pid)
            if rss is not None:
                samples.append((time.monotonic() - started, rss))
                print(f"{samples[-1][0] / 60:5.1f} min  RSS {rss:7.1f} MiB", flush=True)
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=300)
        served = {r.path for r in server.requests if r.method == "GET" and r.path.startswith("/p/")}
        conn = sqlite3.connect(db)
        state = conn.execute("SELECT state FROM runs WHERE id = 1").fetchone()[0]
        pages = conn.execute("SELECT count(*), count(DISTINCT url) FROM pages WHERE run_id = 1").fetchone()
        articles = conn.execute("SELECT count(*) FROM pages WHERE run_id = 1 AND url LIKE '%/p/%'").fetchone()[0]
        stored = {row[0].split("/", 3)[3] for row in conn.execute("SELECT url FROM pages WHERE run_id = 1")}
        checks = conn.execute("SELECT count(*) FROM link_checks WHERE run_id = 1").fetchone()[0]
        missing_checks = conn.execute(
            "SELECT count(*) FROM pages p WHERE run_id = 1 AND NOT EXISTS "
            "(SELECT 1 FROM link_checks c WHERE c.run_id = 1 AND c.url = p.url)"
        ).fetchone()[0]
        conn.close()
    served_pages = {p.lstrip("/") for p in served}
    lost = served_pages - stored
    print(f"exit {proc.returncode}; run state {state}; stderr: {err.strip()[-200:]}")
    print(
        f"pages stored {pages[0]} ({pages[1]} distinct, {articles} articles /p/N); article URLs the server "
        f"answered {len(served_pages)}; "
        f"answered but not stored {len(lost)} (in flight at SIGTERM: at most the concurrency); "
        f"link checks {checks}; pages without their check {missing_checks}"
    )
    if samples:
        third = max(1, len(samples) // 3)
        early = sum(r for _, r in samples[:third]) / third
        late = sum(r for _, r in samples[-third:]) / third
        print(
            f"RSS: first third {early:.1f} MiB, last third {late:.1f} MiB, max {max(r for _, r in samples):.1f} MiB; "
            f"{pages[0] / (samples[-1][0] / 60):.0f} pages a minute"
        )


if __name__ == "__main__":
    main()
