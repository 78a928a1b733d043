"""What `gapcheck batch --workers N` and its worker processes send each other: JSON lines with a schema.

The parent hands each worker its portals once (one line on the worker's stdin, then a line for each order:
a crawl to stop); the worker sends back, on a pipe of its own, what its crawls would have written to the
store and how each crawl ended. Every line is read back through pydantic against core/model.py's dataclasses (spiders/wire.py does the same for
Redis): a line that is not such data raises `Rejected` and is skipped, nothing in it is run.
"""

from __future__ import annotations

from typing import NotRequired  # pydantic reads a TypedDict from here before Python 3.12

from pydantic import TypeAdapter
from typing_extensions import TypedDict

from core.model import CrawlStats, LinkCheck, Page
from spiders.wire import Rejected, validate

from .profile import CrawlOptions


class Job(TypedDict):
    """One portal's crawl, as the parent started its run (a CrawlRequest without the parent's terminal)."""

    url: str
    crawl: CrawlOptions
    run_id: int
    resume_hint: str


class Assignment(TypedDict):
    db: str
    parallel: int | None
    jobs: list[Job]


class Crawled(TypedDict):
    """A batch of the pipeline's writes (Store.add_crawled): one transaction in the parent."""

    run_id: int
    pages: list[Page]
    checks: list[LinkCheck]
    known: NotRequired[int]
    """Pages the crawl knows of so far, fetched or queued: the batch's estimate of its end."""


class External(TypedDict):
    """The run's checked targets that are outside the portal (Store.remember_external)."""

    run_id: int
    urls: list[str]


class Ended(TypedDict, total=False):
    """How one crawl ended: its stats, or why it did not finish (`stopped`: Ctrl-C, resumable)."""

    run_id: int
    stats: CrawlStats
    failure: str
    stopped: bool


class Message(TypedDict, total=False):
    """Exactly one of these keys."""

    started: int
    """A run whose crawl has begun (the batch counts it running)."""
    crawled: Crawled
    interrupted: int
    external: External
    ended: Ended


class Order(TypedDict):
    """What the parent tells a worker after its assignment, a JSON line on its stdin each."""

    stop: int
    """A run whose crawl is to stop: the parent cannot store it (a full disk), so crawling on is for nothing."""


ASSIGNMENT = TypeAdapter(Assignment)
ORDER = TypeAdapter(Order)
_MESSAGE = TypeAdapter(Message)


def encode(message: Message) -> bytes:
    return _MESSAGE.dump_json(message) + b"\n"


def decode(line: bytes) -> Message:
    message = validate(_MESSAGE, line)
    if len(message) != 1:
        raise Rejected(f"{len(message)} keys, not one")
    ended = message.get("ended")
    if ended is not None and ("run_id" not in ended or ("stats" in ended) == ("failure" in ended)):
        raise Rejected("ended: a run_id and either stats or a failure")
    return message
