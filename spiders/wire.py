"""What a distributed crawl's processes send each other through Redis: data with a schema, never Python objects.

Anyone who can write to Redis could make a process that loads Python's own object format run any code
(loading it calls what the payload names). Here every payload is
JSON, read back through pydantic against the dataclasses of core/model.py (or a TypedDict below), and
a request names its callback from an allow-list: a payload that is not such data raises `Rejected`,
and the reader logs it with its key and skips it (nothing is executed, the crawl goes on).

Also scrapy-redis's serializer (SCHEDULER_SERIALIZER, `loads`/`dumps`), whose default is that format.
"""

from __future__ import annotations

import json
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError
from scrapy import Request
from typing_extensions import TypedDict  # pydantic reads a TypedDict from here before Python 3.12

from core.model import LinkCheck, NotFoundAnswer, Page, TrapNote

CALLBACKS = frozenset({"parse", "checked", "sampled"})
"""The spider's methods a queued request may be answered by (spiders/portal.py)."""
ERRBACKS = frozenset({"failed", "sample_failed"})

SCRAPY_META = frozenset(
    {
        "redirect_urls",
        "redirect_reasons",
        "redirect_times",
        "redirect_ttl",
        "retry_times",
        "max_retry_times",
        "download_timeout",
        "dont_retry",
        "dont_redirect",
        "dont_obey_robotstxt",
        "depth",
    }
)
"""Scrapy's request meta that a redirect or a retry (queued again) must keep. Ours all start with
"gapcheck"; anything else (a browser's page methods) is set again where the request is downloaded."""

Scalar = str | int | float | bool | None
T = TypeVar("T")


class Rejected(ValueError):
    """A payload read from Redis that is not the data it should be."""


def rejected_words(key: str, why: str) -> str:
    """Said once per key and crawl by whoever read it (the coordinator or a worker)."""
    return f"gapcheck：Redis 键 {key} 中有一条不是合法数据的内容（{why}），已跳过，未执行其中任何内容；检查谁能写入这个 Redis"


def rejected_total(key: str, n: int) -> str:
    return f"gapcheck：Redis 键 {key} 中共有 {n} 条不是合法数据的内容，均已跳过"


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    url: str
    method: Literal["GET", "HEAD"] = "GET"
    callback: str | None = None
    errback: str | None = None
    priority: int = 0
    dont_filter: bool = False
    headers: dict[str, list[str]] = {}
    meta: dict[str, Scalar | list[Scalar]] = {}


def _kept(key: str) -> bool:
    return key.startswith("gapcheck") or key in SCRAPY_META


def encode_request(request: Request) -> bytes:
    meta = {k: list(v) if isinstance(v, tuple) else v for k, v in request.meta.items() if _kept(k)}
    callback = getattr(request.callback, "__name__", None)
    errback = getattr(request.errback, "__name__", None)
    wire = _Request.model_validate(
        {
            "url": request.url,
            "method": request.method,
            "callback": callback,
            "errback": errback,
            "priority": request.priority,
            "dont_filter": request.dont_filter,
            "headers": {k.decode("latin-1"): [v.decode("latin-1") for v in vs] for k, vs in request.headers.items()},
            "meta": meta,
        }
    )
    return wire.model_dump_json(exclude_defaults=True).encode()


def decode_request(data: bytes | str, spider: Any) -> Request:
    try:
        wire = _Request.model_validate_json(data)
    except ValidationError as exc:
        raise Rejected(_why(exc)) from None
    if wire.callback is not None and wire.callback not in CALLBACKS:
        raise Rejected(f"callback {wire.callback!r}")
    if wire.errback is not None and wire.errback not in ERRBACKS:
        raise Rejected(f"errback {wire.errback!r}")
    if unknown := [k for k in wire.meta if not _kept(k)]:
        raise Rejected(f"meta {unknown!r}")
    return Request(
        wire.url,
        method=wire.method,
        callback=getattr(spider, wire.callback) if wire.callback else None,
        errback=getattr(spider, wire.errback) if wire.errback else None,
        priority=wire.priority,
        dont_filter=wire.dont_filter,
        headers=wire.headers or None,
        meta=dict(wire.meta),
    )


# -- items: a Page or a LinkCheck, for the coordinator to store ------------------------------------


class _Item(TypedDict, total=False):
    page: Page
    check: LinkCheck


_ITEM = TypeAdapter(_Item)


def encode_item(item: Page | LinkCheck) -> bytes:
    return _ITEM.dump_json({"page": item} if isinstance(item, Page) else {"check": item})


def decode_item(data: bytes | str) -> Page | LinkCheck:
    item = validate(_ITEM, data)
    page, check = item.get("page"), item.get("check")
    if page is not None and check is None:
        return page
    if check is not None and page is None:
        return check
    raise Rejected("neither a page nor a link check")


# -- a worker's crawl notes, sent once it leaves a crawl -----------------------------------------


class Note(TypedDict):
    worker: str
    reason: str
    pages: int
    errors: int
    reused: int
    page_limit_reached: bool
    internal_errors: int
    politeness: dict[str, int | float | str]
    traps: list[TrapNote]
    scope: list[str]
    not_found: NotFoundAnswer | None
    second_pass: int
    """Undecided targets this worker asked again at the end (not those the breaker stopped)."""


_NOTE = TypeAdapter(Note)


def encode_note(note: Note) -> bytes:
    return _NOTE.dump_json(note)


def decode_note(data: bytes | str) -> Note:
    return validate(_NOTE, data)


def validate(adapter: TypeAdapter[T], data: bytes | str) -> T:
    try:
        return adapter.validate_json(data)
    except ValidationError as exc:
        raise Rejected(_why(exc)) from None


def _why(exc: ValidationError) -> str:
    """The first problem, short: the payload itself is not repeated (it can be anything, of any size)."""
    error = exc.errors(include_input=False, include_url=False)[0]
    return f"{'.'.join(map(str, error['loc'])) or '(payload)'}: {error['msg']}"


# -- scrapy-redis's serializer interface ----------------------------------------------------------


def dumps(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode()


def loads(data: bytes | str) -> Any:
    try:
        return json.loads(data)
    except (ValueError, TypeError) as exc:
        raise Rejected(str(exc)) from None
