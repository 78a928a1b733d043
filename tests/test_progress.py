"""Progress: on a terminal a live line (phase, pages done of those known, rate, estimate of the end); off a
terminal a plain line every --progress-every seconds; `gapcheck batch` counts portals done, running, waiting."""

from __future__ import annotations

import datetime as dt
import fcntl
import itertools
import os
import pty
import re
import struct
import subprocess
import termios
import threading
from pathlib import Path

import pytest
from cli import COMMAND, gapcheck
from routeserver import Answer, Req, html, serve

pytestmark = pytest.mark.e2e

PAGES = 16
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _slow(req: Req) -> Answer:
    """PAGES pages, each taking 0.3 s: a crawl of some seconds, one request at a time."""
    if req.path == "/":
        return html("".join(f'<a href="/p{i}.html">第{i}页</a>' for i in range(PAGES)))
    if req.path.startswith("/p"):
        return html(f"<p>{req.path}</p>", delay=0.3)
    return Answer(404)


def _args(url: str, tmp: Path, *extra: str) -> list[str]:
    return [
        "check",
        url,
        "--out",
        str(tmp / "out"),
        "--db",
        str(tmp / "db.sqlite"),
        "--offline",
        "--no-render",
        "--concurrency",
        "1",
        "--delay",
        "0",
        *extra,
    ]


def test_a_terminal_sees_a_live_line(tmp_path):
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))
    seen = bytearray()

    def read() -> None:
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the child's side closed: it exited
                return
            if not chunk:
                return
            seen.extend(chunk)

    with serve(_slow) as portal:
        proc = subprocess.Popen([*COMMAND, *_args(portal.url, tmp_path)], stdout=subprocess.PIPE, stderr=child)
        os.close(child)
        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        out, _ = proc.communicate(timeout=120)
        reader.join(10)
    os.close(main)
    assert proc.returncode in (0, 1), seen.decode("utf-8", "replace")
    screen = ANSI.sub("", seen.decode("utf-8", "replace"))
    # Phase, pages done of those known, rate and estimate, redrawn in place (never the old hand-drawn line).
    lines = re.findall(r"抓取.*?(\d+)/(\d+).*?个/秒.*?预计还需", screen)
    assert lines, screen
    assert len({done for done, _ in lines}) > 2, screen  # live: it moved
    assert "已抓取页面" not in screen
    assert "报告：" in out.decode()  # the summary, on stdout, after the line is gone


def test_off_a_terminal_a_plain_line_at_each_interval(tmp_path):
    with serve(_slow) as portal:
        result = gapcheck(*_args(portal.url, tmp_path, "--progress-every", "1"), timeout=120)
    assert result.returncode in (0, 1), result.stderr
    lines = [line for line in result.stderr.splitlines() if re.match(r"gapcheck: \d\d:\d\d:\d\d 抓取", line)]
    assert len(lines) >= 3, result.stderr
    assert "\x1b[" not in result.stderr and "\r" not in result.stderr  # nothing drawn for a terminal
    assert re.search(r"页面 \d+/\d+，[\d.]+ 个/秒，预计还需 \d+:\d\d:\d\d", result.stderr), result.stderr
    times = [dt.datetime.strptime(line.split()[1], "%H:%M:%S") for line in lines]
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
    assert all(1 <= gap <= 2 for gap in gaps), gaps


def test_batch_counts_portals_done_running_and_waiting(tmp_path):
    with serve(_slow, host="127.0.0.1") as a, serve(_slow, host="127.0.0.2") as b, serve(_slow, host="127.0.0.3") as c:
        sites = tmp_path / "sites.yaml"
        sites.write_text(
            "defaults:\n  out: reports\n  db: gapcheck.sqlite\nsites:\n"
            + "".join(f'  - {{name: 局{i}, url: "{s.url}", slug: s{i}}}\n' for i, s in enumerate((a, b, c))),
            encoding="utf-8",
        )
        profile = tmp_path / "quick.yaml"
        profile.write_text("name: 快速\nextends: national\ncrawl: {delay: 0, concurrency: 1, external: false}\n")
        sites.write_text(sites.read_text(encoding="utf-8").replace("defaults:\n", "defaults:\n  profile: quick.yaml\n"))
        # One process: a machine's cores would share the three portals out (tests/test_batch_workers.py).
        result = gapcheck(
            "batch", str(sites), "--parallel", "1", "--workers", "1", "--progress-every", "1", timeout=300
        )
    assert result.returncode in (0, 1), result.stderr
    assert re.search(r"批量检查，网站 0/3，(预计还需 \S+ \S+，)?进行中 1，等待 2", result.stderr), result.stderr
    assert re.search(r"批量检查，网站 [12]/3，.*进行中 1，等待 [01]", result.stderr), result.stderr
    # The end: from the first portal's rate, a guess (no portal has a last run); no rate of portals a second.
    assert re.search(r"批量检查，网站 0/3，预计还需 约 0:00:\d\d，进行中 1，等待 2", result.stderr), result.stderr
    assert "个/秒" not in result.stderr, result.stderr
