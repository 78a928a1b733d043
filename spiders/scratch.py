"""A crawl's scratch files: Scrapy's disk queues (JOBDIR, `gapcheck-frontier-*`) and the seen-set
(`gapcheck-seen-*.sqlite`), in the temp folder.

They stay in the temp folder (TMPDIR) rather than beside the store: a distributed worker has no store,
a store on a slow or network disk would slow every queued request, and TMPDIR is where an administrator
points throw-away data. A crawl that is SIGKILLed cannot remove its files, so each is held with a flock
while in use (the kernel drops it when its process dies, however it dies, and it tells a live crawl in
another PID namespace from a dead one, which a PID in the name would not), and each crawl sweeps at its
start those nobody holds.

When the folder fills, the crawl stops (`full`) with what it stored resumable, instead of failing inside
Scrapy's engine, where the crawl idled forever, deaf to SIGTERM.
"""

from __future__ import annotations

import fcntl
import inspect
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from scrapy.core.scheduler import Scheduler
from scrapy.crawler import Crawler
from scrapy.http import Request
from scrapy.squeues import PickleFifoDiskQueue
from twisted.internet.defer import Deferred

from .stopping import close_now

FRONTIER, SEEN = "gapcheck-frontier-", "gapcheck-seen-"
GRACE = 60
"""Seconds a scratch file is left alone after its last change: the moment between its making and its flock."""


class ScratchFull(Exception):
    """The temp folder could not take a crawl's scratch files (full, or not writable)."""

    def __init__(self, folder: str, reason: object):
        super().__init__(f"{folder}: {reason}")
        self.folder, self.reason = folder, reason


def hold(path: str) -> int:
    """Takes the flock that marks the scratch file or folder `path` in use; close the fd to let it go."""
    fd = os.open(path, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd


def frontier_folder() -> tuple[str, int]:
    """A new JOBDIR, held: its path and the fd holding it."""
    try:
        path = tempfile.mkdtemp(prefix=FRONTIER)
        return path, hold(path)
    except OSError as exc:
        raise ScratchFull(tempfile.gettempdir(), exc.strerror or exc) from exc


def sweep() -> int:
    """Removes the scratch files and folders of crawls that are gone; how many."""
    swept = 0
    folder = Path(tempfile.gettempdir())
    try:
        entries = [e for e in folder.iterdir() if e.name.startswith((FRONTIER, SEEN))]
    except OSError:
        return 0
    for entry in entries:
        try:
            if time.time() - entry.lstat().st_mtime < GRACE:
                continue
            fd = os.open(entry, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # held: a crawl running now
            continue
        else:
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            swept += 1
        finally:
            os.close(fd)
    return swept


def full(crawler: Crawler, folder: str, reason: object) -> None:
    """Stops the crawl because its scratch folder cannot be written; gapcheck/crawl.py says so."""
    spider = crawler.spider
    assert spider is not None and crawler.engine is not None  # the queues and the seen-set fill while it runs
    if getattr(spider, "scratch_failure", None) is not None:
        return
    # Read back by gapcheck/crawl.py; PortalSpider (not this module's) declares no such attribute.
    spider.scratch_failure = ScratchFull(folder, reason)  # type: ignore[attr-defined]
    close_now(crawler, "scratch-full")  # what waits for its host's delay is asked again by --resume


class ScratchScheduler(Scheduler):
    """Scrapy's scheduler, whose disk queues stop the crawl when their folder fills: Scrapy's own lets the
    error out inside the engine, where it is logged and the crawl waits for requests that never come."""

    def _full(self, exc: OSError) -> None:
        assert self.crawler is not None  # Scrapy makes its scheduler with from_crawler
        full(self.crawler, tempfile.gettempdir(), exc.strerror or exc)

    def enqueue_request(self, request: Request) -> bool:
        try:
            return super().enqueue_request(request)
        except OSError as exc:
            self._full(exc)
            return False

    def next_request(self) -> Request | None:
        try:
            return super().next_request()
        except OSError as exc:
            self._full(exc)
            return None

    def close(self, reason: str) -> Deferred[None] | None:
        try:
            return super().close(reason)
        except OSError as exc:  # the queues' state for a later JOBDIR run: gapcheck resumes from the store
            self._full(exc)
            return self.df.close(reason)


_PickledFifo: Any = PickleFifoDiskQueue
"""Made by a function in Scrapy (squeues._scrapy_serialization_queue): mypy takes no such class as a base."""


class FrontierDiskQueue(_PickledFifo):
    """Scrapy's pickled FIFO disk queue (SCHEDULER_DISK_QUEUE), naming a request's callbacks from a table made
    once: Scrapy's Request.to_dict finds each name with inspect.getmembers, which reads every attribute of the
    spider, twice a request (a third of what queueing a request cost). The dict is Request.to_dict's."""

    method_names: dict[object, str] | None = None
    """The spider's methods → their names, made at the first push (the spider is complete by then)."""

    def push(self, request: Request) -> None:
        try:
            names = self._names()
            as_dict = {
                "url": request.url,
                # A bound method has __func__; anything else raises AttributeError, handled below.
                "callback": None if request.callback is None else names[request.callback.__func__],  # type: ignore[attr-defined]
                "errback": None if request.errback is None else names[request.errback.__func__],  # type: ignore[attr-defined]
                "headers": dict(request.headers),
            }
        except (AttributeError, KeyError):  # not one of the spider's methods: Scrapy's own lookup says why
            as_dict = request.to_dict(spider=self.spider)
        else:
            for attr in request.attributes:
                as_dict.setdefault(attr, getattr(request, attr))
            if type(request) is not Request:
                as_dict["_class"] = f"{type(request).__module__}.{type(request).__name__}"
        # Past Scrapy's to_dict push, to the pickling queue under it.
        super(_PickledFifo, self).push(as_dict)

    def _names(self) -> dict[object, str]:
        if self.method_names is None:
            self.method_names = {}
            for name, method in inspect.getmembers(self.spider, predicate=inspect.ismethod):
                self.method_names.setdefault(method.__func__, name)  # the first name, as Scrapy's lookup takes it
        return self.method_names
