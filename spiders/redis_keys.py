"""The names of a distributed crawl's keys in Redis, apart from the frontier that uses them: politeness and
the CLI name a worker's heartbeat without importing redis (a crawl on one machine never does).

Redis keys, `J` = `gapcheck:job:<id>` (one crawl of one site):
  J:config      pickled crawl request, run id and options       (written by the coordinator)
  J:state       "crawling" or "done"
  J:requests    scrapy-redis PriorityQueue (sorted set of pickled requests)
  J:dupefilter  scrapy-redis RFPDupeFilter set (fingerprints of every target ever queued)
  J:inflight    lease → pickled request, for requests a worker holds
  J:items       pickled Page / LinkCheck, for the coordinator to store
  J:retry       pickled second-pass requests, queued by the coordinator once the first pass is done
  J:pages       pages queued so far (max_pages across workers)
  J:workers     ids of the workers that joined;  J:notes  their crawl notes, pickled, at close
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
    )

    def __getattr__(self, name: str) -> str:
        if name not in JobKeys.NAMES:
            raise AttributeError(name)
        return f"gapcheck:job:{self.job}:{name}"

    def all(self) -> list[str]:
        return [getattr(self, n) for n in JobKeys.NAMES]
