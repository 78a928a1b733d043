#!/usr/bin/env python3
"""Incremental-crawl benchmark: the bytes and requests a second run of an unchanged portal saves. Prints figures.

Generates the same portal as bench/run.py, serves it with nginx (which sends ETag and Last-Modified and
answers If-None-Match with 304) and runs `gapcheck check` twice on the same URL with one store. From
nginx's access log, split where the second run began: requests, body bytes and statuses of each run.

    .venv/bin/python bench/incremental.py [--pages 3000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import Nginx, PortalGenerator, count_log, find_gapcheck, find_nginx


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=20261015)
    opts = parser.parse_args()
    gapcheck = find_gapcheck(None)
    with tempfile.TemporaryDirectory(prefix="gapcheck-incremental-") as tmp:
        work = Path(tmp)
        work.chmod(0o755)
        site = work / "site"
        site.mkdir()
        stats = PortalGenerator(site, opts.pages, opts.seed, dt.date(2026, 11, 20)).generate()
        print(f"portal: {stats.html_files} pages ({stats.list_pages} list pages), {stats.asset_files} other files")
        nginx = Nginx(find_nginx(), work, site, ["gapcheck"])
        nginx.write_conf()
        nginx.start()
        try:
            figures = {}
            log = nginx.logs["gapcheck"]
            done = 0
            for run in ("first", "second"):
                started = time.monotonic()
                subprocess.run(
                    [
                        gapcheck,
                        "check",
                        nginx.url("gapcheck"),
                        "--out",
                        str(work / run),
                        "--db",
                        str(work / "db.sqlite"),
                        "--max-pages",
                        str(opts.pages + 100),
                        "--concurrency",
                        "16",
                        "--delay",
                        "0",
                        "--as-of",
                        "2026-11-20",
                    ],
                    capture_output=True,
                    text=True,
                    timeout=3600,
                )
                elapsed = time.monotonic() - started
                report = json.loads((work / run / "report.json").read_text(encoding="utf-8"))
                lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
                part = work / f"access-{run}.log"
                part.write_text("\n".join(lines[done:]) + "\n", encoding="utf-8")
                done = len(lines)
                figures[run] = (count_log(part), elapsed, report)
        finally:
            nginx.stop()
    first, second = figures["first"][0], figures["second"][0]
    print(f"{'run':>7}  {'requests':>8}  {'GET 200':>8}  {'304':>6}  {'body MiB':>9}  {'pages':>6}  {'seconds':>8}")
    for run, (log, elapsed, report) in figures.items():
        print(
            f"{run:>7}  {log.requests:>8}  {log.statuses['200'] - log.methods['HEAD']:>8}  {log.statuses['304']:>6}"
            f"  {log.bytes_sent / 2**20:9.2f}  {report['run']['pages']:>6}  {elapsed:8.1f}"
        )
    saved = 1 - second.bytes_sent / first.bytes_sent
    same = {f["fingerprint"] for f in figures["first"][2]["findings"] if f["status"] == "fail"} == {
        f["fingerprint"] for f in figures["second"][2]["findings"] if f["status"] == "fail"
    }
    print(
        f"bytes saved by the second run: {saved:.1%}; requests: {second.requests} vs {first.requests}; "
        f"same failing findings: {same}"
    )


if __name__ == "__main__":
    main()
