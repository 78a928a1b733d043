#!/usr/bin/env python3
"""The night: N small portals side by side, `gapcheck batch` against one portal alone. Prints figures.

This is a benchmark that prints figures, not a test. It generates bench/run.py's portal (seeded, so every
copy is the same site) and serves it with ONE nginx on N loopback addresses, 127.0.0.2 … 127.0.0.(N+1), all
on one port, with one access log that records the address each request was sent to and `$msec`. gapcheck
runs with its own polite defaults (no --delay, no --concurrency) and --as-of set so the articles are fresh:

- alone: `gapcheck check http://127.0.0.2:PORT/` (the yardstick: what one portal takes);
- batch: `gapcheck batch SITES.yaml` over all N portals, with default options;
- w1, w2: the same with `--workers 1` and `--workers 2`, when `gapcheck batch --help` lists `--workers`;
- r2: the same with `--redis` through 2 `gapcheck worker` processes and a redis-server of its own (their CPU
  counted with the batch's).

Each run is timed under `/usr/bin/time -v` (wall, user + sys CPU of gapcheck and the children it waited for)
with the peak RSS of its whole process tree sampled from /proc, and its part of the access log gives
requests, overlap (the most portals with a request in the same second) and each portal's smallest gap
between two requests. The targets of issue 13 are printed with met / MISSED / not measured. See
bench/README.md ("The night: N portals side by side").

    .venv/bin/python bench/night.py                              # 40 portals × 150 pages, every run
    .venv/bin/python bench/night.py --portals 6 --pages 40 --runs alone,batch
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import datetime as dt
import ipaddress
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import itertools

from run import (
    MIN_PAGES,
    Nginx,
    PortalGenerator,
    Runner,
    Workers,
    clean_up,
    find_gapcheck,
    find_nginx,
    find_time,
    fmt,
    free_port,
    make_workdir,
    name_list,
    tail,
    walk_site,
)

RUNS = ("alone", "batch", "w1", "w2", "r2")
WORKERS = {"w1": 1, "w2": 2}
"""`gapcheck batch --workers N` of each run that has one."""
REDIS_WORKERS = {"r2": 2}
"""`gapcheck batch --redis` through N `gapcheck worker` processes, of each run that has one."""
FIRST_ADDRESS = ipaddress.IPv4Address("127.0.0.2")
"""127.0.0.1 is left to whatever else the machine serves; portal i listens on FIRST_ADDRESS + i."""
MAX_PORTALS = 1000
WALL_RATIO_TARGET = 1.5
"""Issue 13's Done-when: the batch of N portals takes at most this many times one portal alone."""
GAPCHECK_OK = (0, 1)
"""gapcheck check and batch: 0 no gaps, 1 gaps found (or a portal not checked); anything else failed."""
SKIPPED = "skipped"
"""A --workers run's status when this gapcheck's batch has no --workers."""
DEFAULT_DELAY = 0.5
"""gapcheck's delay when its --help does not say (spiders/settings.py POLITE)."""

NIGHT_LOG_FORMAT = "'$msec $server_addr $request_method $status'"
_NIGHT_LOG_RE = re.compile(r"^(\d+\.\d+) (\S+) (\S+) (\d{3})$")


class NightNginx(Nginx):
    """One nginx, one port, portal i on FIRST_ADDRESS + i, one access log naming the address asked."""

    log_format = NIGHT_LOG_FORMAT

    def __init__(self, binary: str, workdir: Path, site: Path, portals: int):
        super().__init__(binary, workdir, site, [])
        port = free_port()
        self.addresses = [str(FIRST_ADDRESS + i) for i in range(portals)]
        self.ports = dict.fromkeys(self.addresses, port)
        self.access_log = workdir / "access.log"
        self.logs = dict.fromkeys(self.addresses, self.access_log)

    def url(self, tool: str) -> str:
        return f"http://{tool}:{self.ports[tool]}/"

    def server_blocks(self) -> list[str]:
        listens = "".join(f"\n        listen {address}:{port};" for address, port in self.ports.items())
        return [
            f"""    server {{{listens}
        server_name localhost;
        root {self.site};
        index index.html;
        access_log {self.access_log} bench;
    }}"""
        ]


@dataclasses.dataclass
class Traffic:
    """One run's part of the access log: when each portal (address) was asked something."""

    times: dict[str, list[float]]

    @classmethod
    def read(cls, log: Path, offset: int) -> Traffic:
        times: dict[str, list[float]] = collections.defaultdict(list)
        with open(log, "rb") as f:
            f.seek(offset)
            for line in f.read().decode("utf-8", errors="replace").splitlines():
                m = _NIGHT_LOG_RE.match(line)
                if m:
                    times[m.group(2)].append(float(m.group(1)))
        for stamps in times.values():
            stamps.sort()
        return cls(dict(times))

    @property
    def requests(self) -> int:
        return sum(len(t) for t in self.times.values())

    def overlap(self) -> int:
        """The most portals with a request in the same wall-clock second."""
        per_second: dict[int, set[str]] = collections.defaultdict(set)
        for address, stamps in self.times.items():
            for t in stamps:
                per_second[int(t)].add(address)
        return max((len(a) for a in per_second.values()), default=0)

    def smallest_gaps(self) -> dict[str, float]:
        """Each portal's smallest time between two of its requests (portals asked at least twice)."""
        return {
            address: min(b - a for a, b in itertools.pairwise(stamps))
            for address, stamps in self.times.items()
            if len(stamps) > 1
        }

    def gaps(self) -> list[float]:
        """Every time between two consecutive requests to one portal."""
        return [b - a for stamps in self.times.values() for a, b in itertools.pairwise(stamps)]

    def median_gap(self) -> float | None:
        gaps = self.gaps()
        return statistics.median(gaps) if gaps else None

    def span(self) -> tuple[float, float] | None:
        stamps = [t for s in self.times.values() for t in s]
        return (min(stamps), max(stamps)) if stamps else None


@dataclasses.dataclass
class NightRun:
    name: str
    command: str
    status: str = "not run"
    portals: int = 0
    done: int = 0
    seconds: float | None = None
    cpu: float | None = None
    rss_tree_mb: float | None = None
    traffic: Traffic | None = None
    phases: str = ""

    @property
    def ok(self) -> bool:
        return self.status.startswith("ok")


def portals_done(outs: list[Path], pages: int) -> int:
    """Portals whose report.json says every page was crawled."""
    done = 0
    for out in outs:
        try:
            report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if report.get("run", {}).get("pages", 0) >= pages:
            done += 1
    return done


def write_sites(path: Path, urls: list[str], out: Path) -> list[Path]:
    """A SITES.yaml (config/sites.example.yaml) for the portals; each portal's report folder."""
    lines = ["defaults:", f"  out: {json.dumps(str(out))}", "sites:"]
    outs = []
    for i, url in enumerate(urls, 1):
        slug = f"p{i:03d}"
        lines += [
            f"  - name: {json.dumps(f'门户 {i:03d}', ensure_ascii=False)}",
            f"    url: {url}",
            f"    slug: {slug}",
        ]
        outs.append(out / slug)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return outs


def gapcheck_help(gapcheck: str, command: str, cwd: Path) -> str:
    """In the folder the runs run in: a gapcheck run as `python -m gapcheck.cli` imports from there first."""
    done = subprocess.run([gapcheck, command, "--help"], capture_output=True, text=True, timeout=120, cwd=cwd)
    return done.stdout if done.returncode == 0 else ""


def default_delay(check_help: str) -> float:
    """gapcheck's default delay between two requests to a host, as `gapcheck check --help` states it."""
    m = re.search(r"^\s*--delay DELAY\s[^（]*（默认：\s*([0-9.]+)", check_help, re.M)
    return float(m.group(1)) if m else DEFAULT_DELAY


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--portals", type=int, default=40, help="portals served side by side (default 40)")
    ap.add_argument("--pages", type=int, default=150, help="HTML pages in each portal (default 150)")
    ap.add_argument(
        "--runs", default=",".join(RUNS), help=f"comma-separated, in this order, from {','.join(RUNS)} (default all)"
    )
    ap.add_argument("--keep", action="store_true", help="keep the temp dir (site, nginx.conf, access.log, outputs)")
    ap.add_argument("--tmpdir", help="parent directory for the temp dir (default: system temp)")
    ap.add_argument(
        "--gapcheck",
        metavar="PATH",
        help="gapcheck executable (default: next to sys.executable, else on PATH, else ./.venv/bin)",
    )
    ap.add_argument("--timeout", type=float, default=3600, help="per-run timeout in seconds (default 3600)")
    ap.add_argument("--as-of", default="2026-11-20", help="gapcheck --as-of; articles are dated before it")
    ap.add_argument("--seed", type=int, default=20261015, help="generator seed (default 20261015)")
    args = ap.parse_args(argv)

    sys.stdout.reconfigure(line_buffering=True)  # progress shows up when piped to a file too
    runs = name_list(ap, "--runs", args.runs, RUNS)
    if not 1 <= args.portals <= MAX_PORTALS:
        ap.error(f"--portals must be 1 to {MAX_PORTALS}")
    if args.pages < MIN_PAGES:
        ap.error(f"--pages must be at least {MIN_PAGES}")
    as_of = dt.date.fromisoformat(args.as_of)
    gapcheck = find_gapcheck(args.gapcheck)
    if gapcheck is None:
        raise SystemExit("gapcheck not found: install the project (pip install -e .) or pass --gapcheck PATH")

    work = make_workdir("gapcheck-night-", args.tmpdir)
    nginx: NightNginx | None = None
    runner: Runner | None = None
    results: list[NightRun] = []
    try:
        site = work / "site"
        site.mkdir()
        t0 = time.monotonic()
        st = PortalGenerator(site, args.pages, args.seed, as_of).generate()
        reach = walk_site(site)
        if reach.broken or reach.html_pages != args.pages:
            raise SystemExit(f"generator bug: {reach.html_pages} reachable pages of {args.pages}, {reach.broken[:5]}")
        print(
            f"portal: {st.html_files} HTML pages, {reach.html_pages + reach.other_urls} distinct URLs, generated in "
            f"{time.monotonic() - t0:.1f} s into {site}; served {args.portals} times"
        )
        check_help, batch_help = gapcheck_help(gapcheck, "check", work), gapcheck_help(gapcheck, "batch", work)
        delay = default_delay(check_help)
        has_workers = "--workers" in batch_help
        nginx = NightNginx(find_nginx(), work, site, args.portals)
        nginx.start()
        urls = [nginx.url(a) for a in nginx.addresses]
        print(f"nginx serving {urls[0]} … {urls[-1]} (one server block, access log {nginx.access_log})")
        runner = Runner(work, find_time(), args.timeout)

        for name in runs:
            out = work / f"out-{name}"
            db = work / f"{name}.sqlite"
            if name == "alone":
                argv = [gapcheck, "check", urls[0], "--db", str(db), "--out", str(out), "--as-of", args.as_of]
                outs = [out]
            else:
                outs = write_sites(work / f"sites-{name}.yaml", urls, out)
                argv = [gapcheck, "batch", str(work / f"sites-{name}.yaml"), "--db", str(db), "--as-of", args.as_of]
                if name in WORKERS:
                    argv += ["--workers", str(WORKERS[name])]
            res = NightRun(name, shlex.join(argv[1:]).replace(str(work), "TMP"), portals=len(outs))
            results.append(res)
            if name in WORKERS and not has_workers:
                res.status = SKIPPED
                print(f"{name}: skipped: `gapcheck batch --help` lists no --workers in this gapcheck")
                continue
            workers = Workers(gapcheck, work, name, REDIS_WORKERS[name]) if name in REDIS_WORKERS else None
            helpers = 0.0
            try:
                if workers is not None:
                    argv += ["--redis", workers.url]
                    res.command = shlex.join(argv[1:]).replace(str(work), "TMP")
                    helpers = -sum(workers.cpu_seconds().values())
                offset = nginx.access_log.stat().st_size
                outcome = runner.run(name, argv, work)
                if workers is not None:
                    helpers += sum(workers.cpu_seconds().values())
            finally:
                if workers is not None:
                    workers.stop()
            time.sleep(0.3)  # nginx writes the last lines after the answer is sent
            res.seconds, res.rss_tree_mb = outcome.seconds, outcome.rss_tree_mb
            res.cpu = outcome.cpu_seconds + helpers if outcome.cpu_seconds is not None else None
            res.traffic = Traffic.read(nginx.access_log, offset)
            res.done = portals_done(outs, reach.html_pages)
            res.status = "ok" if outcome.code in GAPCHECK_OK else f"exit {outcome.code}"
            span = res.traffic.span()
            if span:
                res.phases = (
                    f"first request after {span[0] - outcome.start:.1f} s, requests for {span[1] - span[0]:.1f} s, "
                    f"exit {outcome.end - span[1]:.1f} s after the last"
                )
            print(f"  {name}: {res.status}, {outcome.seconds:.1f} s, {res.done}/{res.portals} portals; {res.phases}")
            if not res.ok:
                print(tail(outcome.stderr, 20))
    finally:
        clean_up(runner, nginx, work, args.keep)

    print_figures(results, args.portals, args.pages, delay, os.cpu_count())
    return 0 if all(r.ok or r.status == SKIPPED for r in results) else 1


def print_figures(results: list[NightRun], portals: int, pages: int, delay: float, cpus: int | None) -> None:
    alone = next((r for r in results if r.name == "alone" and r.ok), None)
    print()
    print(f"{portals} portals × {pages} pages on one nginx; gapcheck's default delay {delay:g} s; {cpus} CPUs")
    header = (
        "run",
        "status",
        "wall s",
        "÷ alone",
        "portals done",
        "requests",
        "overlap",
        "min gap s",
        "median gap s",
        "CPU s",
        "CPU s/1k req",
        "tree RSS MB",
    )
    rows = []
    for r in results:
        t = r.traffic
        gaps = t.smallest_gaps() if t else {}
        ratio = r.seconds / alone.seconds if alone and r.seconds and r.ok else None
        rows.append(
            (
                r.name,
                r.status,
                fmt(r.seconds, ".1f"),
                fmt(ratio, ".2f"),
                f"{r.done}/{r.portals}" if t else "-",
                str(t.requests) if t else "-",
                str(t.overlap()) if t else "-",
                fmt(min(gaps.values()) if gaps else None, ".3f"),
                fmt(t.median_gap() if t else None, ".3f"),
                fmt(r.cpu, ".1f"),
                fmt(r.cpu / t.requests * 1000 if r.cpu is not None and t and t.requests else None, ".2f"),
                fmt(r.rss_tree_mb, ".0f"),
            )
        )
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("-" * (sum(widths) + 2 * (len(widths) - 1)))
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    for r in results:
        if r.traffic is not None:
            print(f"{r.name}: gapcheck {r.command}; {r.phases}")
    print(
        "overlap: the most portals with a request in the same second; min gap: the smallest time between two "
        "requests to one portal (the least over portals), from nginx's $msec"
    )

    print()
    print("targets:")
    for name, label in (
        ("batch", "gapcheck batch"),
        ("w2", "gapcheck batch --workers 2"),
        ("r2", "gapcheck batch --redis, 2 workers"),
    ):
        run = next((r for r in results if r.name == name), None)
        what = f"  {label} wall ≤ {WALL_RATIO_TARGET:g} × one portal alone ({portals} portals):"
        if run is None or not run.ok or alone is None or run.seconds is None or alone.seconds is None:
            if run is None:
                why = f"{name} not in --runs"
            elif run.status == SKIPPED:
                why = f"{name} skipped: this gapcheck's batch has no --workers"
            elif not run.ok:
                why = f"{name} {run.status}"
            else:
                why = "alone not in --runs or failed"
            print(f"{what} not measured ({why})")
            continue
        ratio = run.seconds / alone.seconds
        print(
            f"{what} {ratio:.2f} {verdict(ratio <= WALL_RATIO_TARGET)} ({run.seconds:.1f} s ÷ {alone.seconds:.1f} s; "
            f"{run.done}/{run.portals} portals done)"
        )
    for r in results:
        if r.name == "alone" or r.traffic is None:
            continue
        gaps = r.traffic.smallest_gaps()
        if not gaps:
            continue
        low = min(gaps, key=gaps.__getitem__)
        every = r.traffic.gaps()
        below = sum(g < delay for g in every)
        print(
            f"  {r.name}: requests to different portals overlap: {r.traffic.overlap()} portals in one second "
            f"{verdict(r.traffic.overlap() > 1)}; each portal's gap ≥ its delay {delay:g} s: smallest "
            f"{gaps[low]:.3f} s ({low}) {verdict(gaps[low] >= delay)} ({below} of {len(every)} gaps below "
            f"{delay:g} s, none below {min(every) / delay:.2f} × the delay)"
        )


if __name__ == "__main__":
    sys.exit(main())
