"""How many waiting portals a batch starts now: as many as this process has CPU (and memory) for.

Each portal is polite to its own host (a few requests a second at most), so what bounds a batch is not the
portals' count but what the one reactor thread can parse and check: `gapcheck batch` starts portals while
the process uses less than CPU_TARGET of a core, a few each TICK, and stops starting while it uses more.
A portal not started yet costs nothing (its crawler is made when it starts).
"""

from __future__ import annotations

import contextlib
import os
import resource
import time
from collections import deque
from dataclasses import dataclass
from typing import cast

from spiders.settings import DEFAULTS

CPU_TARGET = 0.8
"""Share of one core (the reactor thread crawls, parses and checks) below which more portals start."""
TICK = 1.0
"""Seconds between two looks at the CPU."""
WINDOW = 3.0
"""Seconds of CPU use looked at: long enough to smooth a burst of pages, short enough to see a new portal."""
STARTS_PER_TICK = 4
"""Portals started at one look at most: starting one costs ~20 ms of CPU, and a batch of 600 must not open
600 crawls before the first of them has shown what it costs."""
FIRST_STARTS = STARTS_PER_TICK
"""Portals started before anything was measured."""
LAG_MAX = 0.25
"""Seconds a look may come late before the reactor counts as busy: on a machine shared with other work this
process gets less than CPU_TARGET of a core however busy its reactor is, and only the lateness shows it."""
RSS_BUDGET = 2 * 1024**3
"""Bytes of resident memory past which no more portals start (a running portal costs a few MB, see the README)."""


def to_start(
    cpu: float | None, running: int, waiting: int, cap: int | None, rss: int | None = None, lag: float = 0.0
) -> int:
    """Portals to start now. `cpu`: this process's share of one core lately (None: not measured yet);
    `cap`: the most running at once a user allows (--parallel), None for no bound; `rss`: bytes resident;
    `lag`: seconds this look came later than it was due."""
    room = waiting if cap is None else min(waiting, cap - running)
    if room <= 0:
        return 0
    if rss is not None and rss > RSS_BUDGET and running > 0:
        return 0
    if cpu is None and lag <= LAG_MAX:
        return min(room, FIRST_STARTS)
    if cpu is None or cpu >= CPU_TARGET or lag > LAG_MAX:
        # One portal still starts when none runs: a busy machine is slow, never stuck.
        return 1 if running == 0 else 0
    return min(room, STARTS_PER_TICK)


@dataclass
class CpuMeter:
    """This process's CPU time over the wall clock in the last WINDOW seconds, from samples taken each TICK;
    and how late each sample came."""

    window: float = WINDOW
    tick: float = TICK

    def __post_init__(self) -> None:
        self._samples: deque[tuple[float, float]] = deque([(time.monotonic(), time.process_time())])

    def look(self) -> tuple[float | None, float]:
        """A new sample: this process's share of a core over the window (None until half of it has passed),
        and how many seconds past its tick the sample came."""
        now, used = time.monotonic(), time.process_time()
        lag = max(0.0, now - self._samples[-1][0] - self.tick)
        self._samples.append((now, used))
        while len(self._samples) > 2 and now - self._samples[1][0] >= self.window:
            self._samples.popleft()
        then, before = self._samples[0]
        if now - then < self.window / 2:
            return None, lag
        return (used - before) / (now - then), lag


def resident() -> int | None:
    """Bytes of this process's resident memory now (Linux); None where /proc does not say."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


FILES_PER_PORTAL = cast(int, DEFAULTS["CONCURRENT_REQUESTS"]) + 8
"""Open files a running portal may hold: a connection per request in flight (its own host and the hosts its
links point to), its frontier's folder and queue files, and some to spare."""
FILES_KEPT = 64
"""Open files kept for the rest of the process (the store and its journal, logs, the reports being written)."""


def raise_file_limit() -> None:
    """The soft limit on open files raised to the hard one (1024 → 524288 under systemd's defaults): a batch's
    portals each hold a few connections and files, whatever bounds how many run."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def default_cap(listed: int) -> int:
    """Portals at once that the open-file limit allows, besides one lock file per `listed` portal: with the
    limit raised (raise_file_limit), CPU and memory bound a batch on most machines, not this."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return 100_000
    return max(1, (soft - FILES_KEPT - listed) // FILES_PER_PORTAL)
