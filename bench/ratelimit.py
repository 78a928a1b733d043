#!/usr/bin/env python3
"""Rate-limit benchmark: gapcheck against a portal that answers 429 to bursts. Prints figures.

A threaded server on 127.0.0.1 serves an N-page portal (home page → column pages → articles) behind a
token bucket: RATE requests a second, bursts of BURST, 429 with `Retry-After: 1` past that. gapcheck
crawls it twice, with its polite defaults and told to hurry (`--delay 0 --concurrency 8`), and the
script prints, from the server's side: requests, how many were refused, the rate achieved against the
rate allowed, and whether every page was crawled with no link left unverified.

    .venv/bin/python bench/ratelimit.py [--pages 300] [--rate 10] [--burst 5]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ARTICLE = "本局认真贯彻落实党中央、国务院决策部署，持续推进政务公开标准化规范化建设。" * 6


class Bucket:
    def __init__(self, rate: float, burst: int):
        self.rate, self.burst, self.tokens, self.at = rate, burst, float(burst), time.monotonic()
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
            self.at = now
            if self.tokens >= 1:
                self.tokens -= 1
                return True
            return False


def make_server(pages: int, bucket: Bucket) -> ThreadingHTTPServer:
    columns = max(1, pages // 30)
    log: list[tuple[float, int]] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def do_HEAD(self) -> None:
            self.do_GET()

        def do_GET(self) -> None:
            status, body = self.route()
            log.append((time.monotonic(), status))
            data = f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>测试局</title></head><body>{body}</body></html>'.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            if status == 429:
                self.send_header("Retry-After", "1")
            self.end_headers()
            if self.command == "GET":
                self.wfile.write(data)

        def route(self) -> tuple[int, str]:
            if self.path == "/robots.txt" or "not-found" in self.path:
                return 404, "no"
            if not bucket.take():
                return 429, "请求过于频繁"
            if self.path == "/":
                return 200, "".join(f'<a href="/c/{c}/">栏目{c}</a>' for c in range(columns))
            parts = self.path.strip("/").split("/")
            if parts[0] == "c" and len(parts) == 2:
                c = int(parts[1])
                return 200, "".join(f'<li><a href="/a/{a}.html">文章{a}</a></li>'
                                    for a in range(pages) if a % columns == c)
            if parts[0] == "a":
                return 200, f"<p>{ARTICLE}</p><a href='/'>首页</a>"
            return 404, "no"

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.log = log  # type: ignore[attr-defined]
    return server


def run(label: str, args: list[str], pages: int, rate: float, burst: int, tmp: Path) -> None:
    bucket = Bucket(rate, burst)
    server = make_server(pages, bucket)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    out = tmp / label
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "gapcheck.cli", "check", url, "--out", str(out), "--db",
                    str(tmp / f"{label}.sqlite"), "--max-pages", str(pages * 2), *args],
                   capture_output=True, text=True, timeout=3600)
    elapsed = time.monotonic() - started
    server.shutdown()
    log = server.log  # type: ignore[attr-defined]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    refused = sum(1 for _, s in log if s == 429)
    span = log[-1][0] - log[0][0]
    undecided = [x for x in report["links"] if x["verdict"] != "ok"]
    expected = 1 + max(1, pages // 30) + pages
    print(f"{label:>9}  {len(log):>8}  {refused:>7} ({refused / len(log):4.0%})  {len(log) / span:6.1f}/s of {rate:g}/s"
          f"  {report['run']['pages']:>5}/{expected:<5}  {len(undecided):>10}  {elapsed:6.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--rate", type=float, default=10)
    parser.add_argument("--burst", type=int, default=5)
    opts = parser.parse_args()
    print(f"portal of {opts.pages} articles behind a token bucket of {opts.rate:g} requests/s, bursts of {opts.burst}")
    print(f"{'run':>9}  {'requests':>8}  {'429s':>13}  {'rate achieved':>16}  {'pages':>11}  {'unverified':>10}  {'time':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        run("polite", [], opts.pages, opts.rate, opts.burst, Path(tmp))
        run("hurried", ["--delay", "0", "--concurrency", "8"], opts.pages, opts.rate, opts.burst, Path(tmp))


if __name__ == "__main__":
    main()
