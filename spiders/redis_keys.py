"""The names of a distributed crawl's keys in Redis, apart from the frontier that uses them: politeness and
the CLI name a worker's heartbeat without importing redis (a crawl on one machine never does).

Every value is JSON with a schema (spiders/wire.py), never Python objects.
Redis keys, `J` = `gapcheck:job:<id>` (one crawl of one site):
  J:config      crawl request, run id and options       (written by the coordinator)
  J:state       "crawling" or "done"
  J:requests    scrapy-redis PriorityQueue (sorted set of requests)
  J:dupefilter  scrapy-redis RFPDupeFilter set (fingerprints of every target ever queued)
  J:inflight    lease → request, for requests a worker holds
  J:items       Page / LinkCheck, for the coordinator to store
  J:retry       second-pass requests, queued by the coordinator once the first pass is done
  J:pages       pages queued so far (max_pages across workers)
  J:traps, J:variants  the crawler-trap guard's counts and URLs seen, for all workers (spiders/worker.py)
  J:breakers    each host's circuit breaker: failures in a row, open or not, for all workers (spiders/politeness.py)
  J:workers     ids of the workers that joined;  J:notes  their crawl notes, at close
  J:coordinator the coordinator's heartbeat: without it workers give the crawl up
gapcheck:jobs             ids of the jobs workers should join
gapcheck:worker:<id>      a worker's heartbeat (expires WORKER_TTL seconds after the last beat)
gapcheck:host:<netloc>    per-host pacing shared by all workers (spiders/politeness.py)
"""

from __future__ import annotations

from dataclasses import dataclass

JOBS = "gapcheck:jobs"
WORKER_TTL = 10
"""Seconds without a heartbeat after which a worker is taken for dead and its leases are requeued."""
HEARTBEAT = 1.0
"""Seconds between a worker's heartbeats."""


def worker_key(worker: str) -> str:
    return f"gapcheck:worker:{worker}"


@dataclass(frozen=True)
class JobKeys:
    """`keys.requests` is `gapcheck:job:<id>:requests`, and so for each name in NAMES (a typo raises)."""

    job: str
    NAMES = (
        "config",
        "state",
        "requests",
        "dupefilter",
        "inflight",
        "items",
        "retry",
        "pages",
        "workers",
        "notes",
        "coordinator",
        "traps",
        "variants",
        "breakers",
    )

    def __getattr__(self, name: str) -> str:
        if name not in JobKeys.NAMES:
            raise AttributeError(name)
        return f"gapcheck:job:{self.job}:{name}"

    def all(self) -> list[str]:
        return [getattr(self, n) for n in JobKeys.NAMES]
