"""The texts of a loaded run's pages, left in the store until a rule reads one (`StoredPage.text`).

A 100,000-page run holds gigabytes of page text, and most rules never read it: a loaded run's pages are
StoredPages, which know where their text is and read it then.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, Final

from core.model import DateMention, DateSource, Page, Region, Zone, best_date

from .database import connect


class RunTexts:
    """The page texts of one stored run, read when a rule asks for one.

    Rules that read every page's text go through the pages in the order they were loaded: a text asked
    for just after the last one read brings the next CHUNK texts with it, in one query. Reads through a
    connection of its own, so a loaded site stays whole after its Store is closed.
    """

    CHUNK = 128
    KEPT = 2 * CHUNK

    def __init__(self, path: Path, run_id: int, read_only: bool):
        self.path, self.run_id, self.read_only = path, run_id, read_only
        self.order: list[str] = []
        """The run's page URLs in the order they were loaded (Site.pages)."""
        self._index: dict[str, int] = {}
        self._last = -1
        self._kept: dict[str, str] = {}
        self._starts: dict[str, str] = {}
        """The starts of texts last read on in URL order (start), of `_starts_chars` characters."""
        self._starts_chars = 0
        self._last_start = ""
        self._db: sqlite3.Connection | None = None

    def read(self, url: str) -> str:
        text = self._kept.get(url)
        if text is not None:
            return text
        db = self._connection()
        at = self._index.get(url)
        if at is not None and 0 <= at - self._last <= self.CHUNK:  # reading on through the pages
            urls = self.order[at : at + self.CHUNK]
            self._kept = {
                u: t or ""
                for u, t in db.execute(
                    f"SELECT url, text FROM pages WHERE run_id = ? AND url IN ({','.join('?' * len(urls))})",
                    (self.run_id, *urls),
                )
            }
        else:
            if len(self._kept) >= self.KEPT:
                self._kept.clear()
            row = db.execute("SELECT text FROM pages WHERE run_id = ? AND url = ?", (self.run_id, url)).fetchone()
            self._kept[url] = (row[0] if row else None) or ""
        if at is not None:
            self._last = at
        return self._kept.get(url, "")

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            # A writer's connection for a writer's store: a read-only connection closing last would leave the
            # WAL file behind.
            self._db = connect(self.path, read_only=self.read_only, check_same_thread=False)
            self._index = {u: i for i, u in enumerate(self.order)}
        return self._db

    def column(self, url: str, name: str) -> Any:
        """The page's `name` column as stored: a field a loaded page left here (StoredPage)."""
        row = self._connection().execute(f"SELECT {name} FROM pages WHERE run_id = ? AND url = ?", (self.run_id, url))
        found = row.fetchone()
        return found[0] if found else None

    def linking(self, url: str) -> list[str]:
        """The run's pages with a link to `url`, each once, in the order they were loaded (the links_by_target
        index, then one row per linking page)."""
        db = self._connection()
        index = self._index
        # Not DISTINCT: SQLite would then walk the run's links by page (the primary key) to skip the sort.
        rows = db.execute("SELECT page_url FROM links WHERE run_id = ? AND url = ?", (self.run_id, url))
        return sorted({page for (page,) in rows if page in index}, key=index.__getitem__)

    def zone_text(self, url: str, at: int) -> str:
        """The text of the page's `at`-th block (StoredZone)."""
        row = self._connection().execute(
            "SELECT json_extract(zones, ?) FROM pages WHERE run_id = ? AND url = ?", (f"$[{at}][4]", self.run_id, url)
        )
        found = row.fetchone()
        return (found[0] if found else None) or ""

    def start(self, url: str, chars: int) -> str:
        """The first `chars` characters of the page's text, without reading the whole text: the link judge
        asks for the start of every crawled page's text. It asks in URL order (the run's link checks are
        loaded in it), so a start asked after one of a smaller URL brings the next CHUNK starts with it, in
        one query along the table's key; out of order, it is read alone."""
        text = self._kept.get(url)
        if text is not None:
            return text[:chars]
        start = self._starts.get(url) if chars == self._starts_chars else None
        if start is not None:
            return start
        db = self._connection()
        if url > self._last_start:
            self._starts_chars = chars
            self._starts = {
                u: t or ""
                for u, t in db.execute(
                    "SELECT url, substr(text, 1, ?) FROM pages WHERE run_id = ? AND url >= ? ORDER BY url LIMIT ?",
                    (chars, self.run_id, url, self.CHUNK),
                )
            }
            start = self._starts.get(url)
        else:
            row = db.execute(
                "SELECT substr(text, 1, ?) FROM pages WHERE run_id = ? AND url = ?", (chars, self.run_id, url)
            ).fetchone()
            start = row[0] if row else None
        self._last_start = url
        return start or ""


class _InStore:
    def __repr__(self) -> str:
        return "IN_STORE"


IN_STORE: Final[Any] = _InStore()
"""What a loaded page holds in the slot of a field it left in the store (StoredPage)."""


_SOURCES = {s.value: s for s in DateSource}  # a dict, not DateSource(s): an Enum call is slow, and every page has dates


def date_mentions(raw: str | None, keep: Callable[[Any, Any], Any] = lambda s, _: s) -> tuple[DateMention, ...]:
    """The stored `dates` column ([value, text, source] lists) as the model's DateMentions."""
    return tuple(DateMention(keep(v, v), keep(t, t), _SOURCES[s]) for v, t, s in json.loads(raw or "[]"))


class StoredMeta(Mapping[str, str]):
    """A loaded page's meta values, a mapping like the model's dict at less than half its size: pages built
    from one template have the same keys in the same order, and share one key → position index (`shared`)."""

    __slots__ = ("_index", "_values")

    def __init__(self, items: dict[str, str], shared: Callable[[tuple[str, ...]], dict[str, int]]):
        self._index = shared(tuple(items))
        self._values = tuple(items.values())

    def __getitem__(self, key: str) -> str:
        return self._values[self._index[key]]

    def get(self, key: str, default: Any = None) -> Any:
        at = self._index.get(key)
        return default if at is None else self._values[at]

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return repr(dict(self))


class _Stored:
    """A field of a model class that a loaded object leaves in the store, read from there when asked for.

    Set like the field (the dataclass's __init__, a copy, unpickling), the value goes into the model class's
    own slot, so the object holds it as any does; the loader puts IN_STORE there instead.
    """

    def __init__(self, decode: Callable[[Any], Any], read: Callable[[Any, str], Any]):
        self.decode, self.read = decode, read

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.slot = owner.__mro__[1].__dict__[name]  # the dataclass's slot, shadowed here

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = self.slot.__get__(obj, owner)
        return self.decode(self.read(obj, self.name)) if value is IN_STORE else value

    def __set__(self, obj: Any, value: Any) -> None:
        self.slot.__set__(obj, value)


def _page_column(page: StoredPage, name: str) -> Any:
    return page._text.column(page.url, name)  # type: ignore[union-attr]


def _page_field(decode: Callable[[Any], Any]) -> Any:
    """A Page field no rule reads (the validators, the fetch time, the size, the dates but for the best one):
    nearly all different, at 100,000 pages they add up to tens of MB."""
    return _Stored(decode, _page_column)


def _same_fields(one: object, other: object, model: type) -> bool:
    """Equal field by field: the dataclass's own __eq__ wants one class, and a loaded object is a subclass."""
    return all(getattr(one, f.name) == getattr(other, f.name) for f in dataclasses.fields(model))


class StoredZone(Zone):
    """A block of a loaded page, its text left in the store: only the template's blocks and the column pages'
    own are ever read, and the others' texts (the article's start, its date line) differ on every page."""

    __slots__ = ("_at", "_page", "_texts")

    text = _Stored(lambda raw: raw, lambda zone, _: zone._texts.zone_text(zone._page, zone._at))  # type: ignore[assignment]

    @classmethod
    def at(cls, texts: RunTexts, page: str, at: int, row: list, key: str, region: Region) -> StoredZone:
        """The `at`-th stored block ([key, fingerprint, links, chars, text, region]) of `page`."""
        zone = cls(key, row[1], row[2], row[3], IN_STORE, region)
        put = object.__setattr__
        put(zone, "_texts", texts)
        put(zone, "_page", page)
        put(zone, "_at", at)
        return zone

    def __eq__(self, other: object) -> bool:
        return _same_fields(self, other, Zone) if isinstance(other, Zone) else NotImplemented

    __hash__ = Zone.__hash__


class StoredPage(Page):
    """A Page of a run loaded from the store (`Store.load_site`), its text read from there when asked for.

    `text` is an ordinary property here, in place of the model's field: it reads the page's text through
    the run's RunTexts. What Page.__init__ sets as `text` (as does a copy, `dataclasses.replace` or
    unpickling) goes through the property's setter into `_text`: a StoredPage made with a text is an
    ordinary page. `text_length` answers from the length stored with the page, without reading the text.
    Three slots a page, no object of its own: a 100,000-page run stays small. The fields no rule reads stay
    in the store too (`_Stored`); `best_date` answers from the date the loader picked.
    """

    __slots__ = ("_best", "_length", "_text")

    _text: str | RunTexts
    """The page's text, or the run's texts that hold it."""
    _length: int | None
    """The stored text's length; None when only reading the text tells (a NUL in it)."""
    _best: str | None
    """best_date() of the stored dates, while they are in the store."""

    etag = _page_field(lambda raw: raw or "")
    last_modified = _page_field(lambda raw: raw or "")
    fetched_at = _page_field(lambda raw: raw or "")
    size = _page_field(lambda raw: raw or 0)
    dates = _page_field(date_mentions)

    def __init__(
        self, *, texts: RunTexts | None = None, length: int | None = None, best: str | None = None, **fields: Any
    ) -> None:
        super().__init__(**fields)
        if texts is not None:
            object.__setattr__(self, "_text", texts)
        object.__setattr__(self, "_length", length)
        object.__setattr__(self, "_best", best)

    def best_date(self) -> str | None:
        if Page.__dict__["dates"].__get__(self) is IN_STORE:
            return self._best
        return best_date(self.dates)

    @property
    def text(self) -> str:
        text = self._text
        return text if isinstance(text, str) else text.read(self.url)

    @text.setter
    def text(self, value: str) -> None:  # Page.__init__ sets every field, text too, with object.__setattr__
        object.__setattr__(self, "_text", value)

    def text_start(self, chars: int) -> str:
        text = self._text
        return text[:chars] if isinstance(text, str) else text.start(self.url, chars)

    @property
    def text_length(self) -> int:
        text = self._text
        if isinstance(text, str):
            return len(text)
        return self._length if self._length is not None else len(self.text)

    def __eq__(self, other: object) -> bool:
        """Equal to a Page (or StoredPage) with the same fields: the dataclass's own __eq__ wants one class."""
        return _same_fields(self, other, Page) if isinstance(other, Page) else NotImplemented

    __hash__ = Page.__hash__
