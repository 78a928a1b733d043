"""The texts of a loaded run's pages, left in the store until a rule reads one (`StoredPage.text`).

A 100,000-page run holds gigabytes of page text, and most rules never read it: a loaded run's pages are
StoredPages, which know where their text is and read it then.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path
from typing import Any

from core.model import Page

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

    def start(self, url: str, chars: int) -> str:
        """The first `chars` characters of the page's text, read alone when the text is not at hand: the
        rules ask for the start of every page's text in their own order, and reading on in chunks would
        read every text whole."""
        text = self._kept.get(url)
        if text is not None:
            return text[:chars]
        row = (
            self._connection()
            .execute("SELECT substr(text, 1, ?) FROM pages WHERE run_id = ? AND url = ?", (chars, self.run_id, url))
            .fetchone()
        )
        return (row[0] if row else None) or ""


class StoredPage(Page):
    """A Page of a run loaded from the store (`Store.load_site`), its text read from there when asked for.

    `text` is an ordinary property here, in place of the model's field: it reads the page's text through
    the run's RunTexts. What Page.__init__ sets as `text` (as does a copy, `dataclasses.replace` or
    unpickling) goes through the property's setter into `_text`: a StoredPage made with a text is an
    ordinary page. `text_length` answers from the length stored with the page, without reading the text.
    Two slots a page, no object of its own: a 100,000-page run stays small.
    """

    __slots__ = ("_length", "_text")

    _text: str | RunTexts
    """The page's text, or the run's texts that hold it."""
    _length: int | None
    """The stored text's length; None when only reading the text tells (a NUL in it)."""

    def __init__(self, *, texts: RunTexts | None = None, length: int | None = None, **fields: Any) -> None:
        super().__init__(**fields)
        if texts is not None:
            object.__setattr__(self, "_text", texts)
        object.__setattr__(self, "_length", length)

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
        if not isinstance(other, Page):
            return NotImplemented
        return all(getattr(self, f.name) == getattr(other, f.name) for f in dataclasses.fields(Page))

    __hash__ = Page.__hash__
