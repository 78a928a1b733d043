"""`gapcheck batch --workers N` without Redis: the portals shared out over N worker processes, one writer.

Why portals and not pages: each portal is held to its polite rate (a few requests a second), so splitting
one portal's pages over processes gains nothing for the night, while splitting the portals uses every core
and keeps each crawl an ordinary in-process crawl, with the verdict a one-process batch gives (the Redis
mode has to turn incremental crawls off). Every portal of one host goes to the same worker, so per-host
politeness holds across the processes. Workers (gapcheck/worker_process.py) read the store; only this
process writes it, from the JSON lines they send (gapcheck/worker_wire.py).
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import IO

from core.errors import CrawlInterrupted, GapcheckError, StoreError
from core.model import CrawlStats
from core.redaction import redact
from core.urls import host_of
from spiders.wire import Rejected

from .cli_words import BATCH_WORKER
from .crawl_request import CrawlRequest, say_stopping, stopping_notice
from .report.labels import CLI
from .store import Store
from .worker_wire import ASSIGNMENT, ORDER, Assignment, Message, Order, decode

Done = Callable[[int, CrawlStats | BaseException], None]
Started = Callable[[int, None], None]
"""Told the job's index as a worker starts its crawl (None: the crawler is in the worker, not here)."""
Counted = Callable[[int, int, int], None]
"""`counted(i, stored, known)`: job i's pages stored so far, and those its crawl knows of (fetched or
queued; 0 when not told): the batch's estimate of its end."""


def default_workers() -> int:
    """The CPUs this process may run on (a container or taskset may allow fewer than the machine has)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def plan(jobs: list[tuple[CrawlRequest, int]], sizes: list[int | None], workers: int) -> list[list[int]]:
    """The jobs (their indices) of each worker, in the order to start them: one host's portals together, the
    largest hosts first, each to the worker with the least work so far. A portal's size is its last finished
    run's page count (`last_pages`); one never checked counts as the average of those that were (as 1 when
    none was: shared out evenly)."""
    known = [size for size in sizes if size is not None]
    guess = sum(known) / len(known) if known else 1
    weight = [guess if size is None else max(size, 1) for size in sizes]
    hosts: dict[str, list[int]] = {}
    for i, (request, _) in enumerate(jobs):
        hosts.setdefault(host_of(request.url), []).append(i)
    bins: list[list[int]] = [[] for _ in range(min(workers, len(hosts)))]
    load = [0.0] * len(bins)
    for group in sorted(hosts.values(), key=lambda g: sum(weight[i] for i in g), reverse=True):
        emptiest = min(range(len(bins)), key=lambda b: (load[b], len(bins[b])))
        bins[emptiest] += group
        load[emptiest] += sum(weight[i] for i in group)
    return [sorted(b, key=lambda i: -weight[i]) for b in bins]  # crawl_many starts them in this order


def last_pages(store: Store, url: str) -> int | None:
    """Pages the portal's last finished run fetched; None when it has none."""
    runs = store.runs_of_site(url, done_only=True)
    return store.run(runs[-1].id).pages if runs else None


@dataclass
class Worker:
    """One worker process as the parent sees it: its jobs, and the lines it sent not yet read whole."""

    runs: dict[int, int]
    """Run id → the job's index in the batch."""
    proc: subprocess.Popen[bytes] | None = None
    pid: int = 0
    pending: bytes = b""
    rejected: int = 0
    """Lines skipped: not data."""


class Coordinator:
    """Writes what the workers send to the store, one line at a time, and keeps each job's outcome."""

    def __init__(
        self,
        jobs: list[tuple[CrawlRequest, int]],
        store: Store,
        done: Done | None,
        say: Callable[[str], None],
        started: Started | None = None,
        counted: Counted | None = None,
    ):
        self.jobs = jobs
        self.store = store
        self.done = done
        self.started = started
        self.counted = counted
        self.stored: Counter[int] = Counter()
        """Pages stored of each run."""
        self.say = say
        self.outcomes: dict[int, CrawlStats | BaseException] = {}
        self.store_failures: dict[int, StoreError] = {}
        self.stopping = False

    def feed(self, worker: Worker, data: bytes) -> None:
        """Bytes read from the worker's pipe: every whole line is applied; a line that is not data is skipped."""
        *lines, worker.pending = (worker.pending + data).split(b"\n")
        for line in lines:
            try:
                self.apply(worker, decode(line))
            except Rejected as exc:
                if not worker.rejected:
                    self.say(BATCH_WORKER["rejected"].format(pid=worker.pid, why=exc))
                worker.rejected += 1

    def apply(self, worker: Worker, message: Message) -> None:
        run_id = _run_of(message)
        if run_id not in worker.runs or worker.runs[run_id] in self.outcomes:
            raise Rejected(f"run {run_id} is not one of this worker's running crawls")
        if "started" in message:
            if self.started is not None:
                self.started(worker.runs[run_id], None)
        elif run_id in self.store_failures:
            pass  # the store could not take this run's pages: the rest would fail the same way
        elif (crawled := message.get("crawled")) is not None:
            if self._write(worker, run_id, lambda: self.store.add_crawled(run_id, crawled["pages"], crawled["checks"])):
                self.stored[run_id] += len(crawled["pages"])
            if self.counted is not None:
                self.counted(worker.runs[run_id], self.stored[run_id], crawled.get("known", 0))
        elif "interrupted" in message:
            self._write(worker, run_id, lambda: self.store.interrupt_run(run_id))
        elif (external := message.get("external")) is not None:
            urls = set(external["urls"])
            self._write(worker, run_id, lambda: self.store.remember_external(run_id, urls.__contains__))
        if (ended := message.get("ended")) is not None:
            outcome: CrawlStats | BaseException | None = self.store_failures.get(run_id) or ended.get("stats")
            if outcome is None:
                failure = ended.get("failure", "")
                outcome = CrawlInterrupted(failure) if ended.get("stopped") else GapcheckError(failure)
            self._end(worker.runs[run_id], outcome)

    def _write(self, worker: Worker, run_id: int, write: Callable[[], object]) -> bool:
        """Whether the store took it."""
        try:
            write()
        except StoreError as exc:  # a full disk: the run fails with it, as its in-process pipeline would
            self.store_failures[run_id] = exc
            _order(worker, {"stop": run_id})  # and its crawl stops: crawling on would be for nothing
            return False
        return True

    def _end(self, i: int, outcome: CrawlStats | BaseException) -> None:
        self.outcomes[i] = outcome
        if self.done is not None:
            self.done(i, outcome)

    def lost(self, worker: Worker, returncode: int) -> None:
        """The worker is gone: the jobs it did not end are stopped (Ctrl-C) or failed with why."""
        if worker.rejected > 1:
            self.say(BATCH_WORKER["rejected_total"].format(pid=worker.pid, n=worker.rejected))
        how = (
            BATCH_WORKER["signal"].format(n=-returncode)
            if returncode < 0
            else BATCH_WORKER["exit"].format(n=returncode)
        )
        for run_id, i in worker.runs.items():
            if i in self.outcomes:
                continue
            request = self.jobs[i][0]
            if self.stopping:
                self.store.interrupt_run(run_id)
                self._end(i, CrawlInterrupted(CLI["stopped_now"].format(command=request.resume_with(self.store.path))))
            else:
                self._end(i, GapcheckError(BATCH_WORKER["died"].format(pid=worker.pid, how=how)))


def _order(worker: Worker, order: Order) -> None:
    """Tells the worker, on its stdin (gapcheck/worker_process.py)."""
    stdin = worker.proc.stdin if worker.proc is not None else None
    if stdin is None:
        return
    with contextlib.suppress(OSError):  # it has ended: nothing left to tell
        stdin.write(ORDER.dump_json(order) + b"\n")
        stdin.flush()


def _run_of(message: Message) -> int:
    if (crawled := message.get("crawled")) is not None:
        return crawled["run_id"]
    if (external := message.get("external")) is not None:
        return external["run_id"]
    if (ended := message.get("ended")) is not None:
        return ended["run_id"]
    if "started" in message:
        return message["started"]
    return message["interrupted"]


def crawl_in_workers(
    jobs: list[tuple[CrawlRequest, int]],
    store: Store,
    shares: list[list[int]],
    parallel: int | None,
    done: Done | None = None,
    say: Callable[[str], None] = print,
    started: Started | None = None,
    counted: Counted | None = None,
) -> list[CrawlStats | BaseException]:
    """crawl_many's outcomes, the jobs of each share (`plan`) crawled by a worker process of its own,
    `parallel` portals at a time."""
    coordinator = Coordinator(jobs, store, done, say, started, counted)
    crew = [Worker({jobs[i][1]: i for i in share}) for share in shares]
    select = selectors.DefaultSelector()

    def forward(signum: int, frame: FrameType | None) -> None:
        # The workers run in sessions of their own (a terminal's Ctrl-C reaches this process only): each
        # is told once per signal, so a second Ctrl-C stops them at once, as it stops the in-process crawl.
        coordinator.stopping = True
        for worker in crew:
            if worker.proc is not None and worker.proc.poll() is None:
                worker.proc.send_signal(signal.SIGINT)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for worker, share in zip(crew, shares, strict=True):
            reader = _start(worker, share, jobs, store, parallel)
            if coordinator.stopping:  # Ctrl-C while the crew was starting: this one is told too
                forward(signal.SIGINT, None)
            select.register(reader, selectors.EVENT_READ, worker)
            urls = "、".join(redact(jobs[i][0].url) for i in share)
            say(BATCH_WORKER["started"].format(pid=worker.pid, urls=urls))
        said_stopping = False
        while select.get_map():
            ready = {key.fd for key, _ in select.select(timeout=1.0)}
            if coordinator.stopping and not said_stopping:  # here, not in the handler: a stream may be mid-write
                say_stopping(stopping_notice(jobs))
                said_stopping = True
            for key in list(select.get_map().values()):
                worker = key.data
                assert worker.proc is not None
                gone = worker.proc.poll() is not None
                if (key.fd in ready or gone) and _read(key.fd, worker, coordinator, gone):
                    select.unregister(key.fd)
                    os.close(key.fd)
                    coordinator.lost(worker, worker.proc.wait())
        if coordinator.stopping and not said_stopping:  # Ctrl-C as the last worker ended
            say_stopping(stopping_notice(jobs))
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for worker in crew:
            if worker.proc is not None and worker.proc.poll() is None:  # this process is failing: so do they
                worker.proc.kill()
                worker.proc.wait()
        select.close()
    return [coordinator.outcomes[i] for i in range(len(jobs))]


def _read(fd: int, worker: Worker, coordinator: Coordinator, gone: bool) -> bool:
    """Feeds the coordinator what the worker's pipe holds; True once the pipe is over: closed, or emptied
    after its process ended (a process the worker started, a browser, may still hold it open)."""
    while True:
        try:
            data = os.read(fd, 1 << 20)
        except BlockingIOError:
            return gone
        if not data:
            return True
        coordinator.feed(worker, data)
        if not gone:
            return False  # one read per turn while it runs: the other workers' lines are not held up


def _start(
    worker: Worker, share: list[int], jobs: list[tuple[CrawlRequest, int]], store: Store, parallel: int | None
) -> int:
    """Starts the worker process of `share`; returns the read end of its pipe."""
    assignment: Assignment = {
        "db": str(store.path),
        "parallel": parallel,
        "jobs": [
            {
                "url": jobs[i][0].url,
                "crawl": jobs[i][0].crawl,
                "run_id": jobs[i][1],
                "resume_hint": jobs[i][0].resume_with(store.path),
            }
            for i in share
        ],
    }
    read, write = os.pipe()
    try:
        worker.proc = subprocess.Popen(
            [sys.executable, "-m", "gapcheck.worker_process", str(write)],
            stdin=subprocess.PIPE,
            stdout=2,  # this process's stdout carries the batch's own lines
            pass_fds=(write,),
            start_new_session=True,
        )
    finally:
        os.close(write)
    worker.pid = worker.proc.pid
    os.set_blocking(read, False)
    stdin: IO[bytes] | None = worker.proc.stdin
    assert stdin is not None
    stdin.write(ASSIGNMENT.dump_json(assignment) + b"\n")
    stdin.flush()  # and kept open: it closes when this process ends, however it ends (gapcheck/worker_process.py)
    return read
