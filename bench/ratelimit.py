#!/usr/bin/env python3
"""Rate-limit benchmark: gapcheck against a portal that answers 429 to bursts. Prints figures.

The tests' route server (tests/routeserver.py) on 127.0.0.1 serves an N-page portal (home page → column pages → articles) behind a
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
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from routeserver import Answer, Bucket, Req, html, serve

ARTICLE = "本局认真贯彻落实党中央、国务院决策部署，持续推进政务公开标准化规范化建设。" * 6


def route(pages: int, bucket: Bucket):
    columns = max(1, pages // 30)

    def answer(req: Req) -> Answer:
        if req.path == "/robots.txt" or "not-found" in req.path:
            return Answer(404)
        if not bucket.take():
            return html("请求过于频繁", status=429, headers={"Retry-After": "1"})
        if req.path == "/":
            return html("".join(f'<a href="/c/{c}/">栏目{c}</a>' for c in range(columns)))
        parts = req.path.strip("/").split("/")
        if parts[0] == "c" and len(parts) == 2:
            c = int(parts[1])
            return html(
                "".join(f'<li><a href="/a/{a}.html">文章{a}</a></li>' for a in range(pages) if a % columns == c)
            )
        if parts[0] == "a":
            return html(f"<p>{ARTICLE}</p><a href='/'>首页</a>")
        return Answer(404)

    return answer


def run(label: str, args: list[str], pages: int, rate: float, burst: int, tmp: Path) -> None:
    bucket = Bucket(rate, burst)
    out = tmp / label
    with serve(route(pages, bucket)) as server:
        started = time.monotonic()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "gapcheck.cli",
                "check",
                server.url,
                "--out",
                str(out),
                "--db",
                str(tmp / f"{label}.sqlite"),
                "--max-pages",
                str(pages * 2),
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=3600,
        )
        elapsed = time.monotonic() - started
        log = [r for r in server.requests if r.path != "/robots.txt" and "not-found" not in r.path]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    refused = bucket.refused
    span = log[-1].at - log[0].at
    undecided = [x for x in report["links"] if x["verdict"] != "ok"]
    expected = 1 + max(1, pages // 30) + pages
    print(
        f"{label:>9}  {len(log):>8}  {refused:>7} ({refused / len(log):4.0%})  {len(log) / span:6.1f}/s of {rate:g}/s"
        f"  {report['run']['pages']:>5}/{expected:<5}  {len(undecided):>10}  {elapsed:6.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--rate", type=float, default=10)
    parser.add_argument("--burst", type=int, default=5)
    opts = parser.parse_args()
    print(f"portal of {opts.pages} articles behind a token bucket of {opts.rate:g} requests/s, bursts of {opts.burst}")
    print(
        f"{'run':>9}  {'requests':>8}  {'429s':>13}  {'rate achieved':>16}  {'pages':>11}  {'unverified':>10}  {'time':>8}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        run("polite", [], opts.pages, opts.rate, opts.burst, Path(tmp))
        run("hurried", ["--delay", "0", "--concurrency", "8"], opts.pages, opts.rate, opts.burst, Path(tmp))


if __name__ == "__main__":
    main()
