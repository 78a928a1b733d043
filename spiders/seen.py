"""The targets a crawl has asked: on disk, past a bounded set in memory.

A crawl of 100,000 pages asks a quarter of a million URLs; kept as strings they would be the largest
thing in the process. Here each URL is its 64-bit hash, in a throw-away SQLite file (an integer
primary key: the table is its own index), and the `RECENT` hashes asked about last are also in a set,
which answers the template links every page repeats without touching the file. A distributed crawl
shares its seen-set in Redis instead (spiders/frontier.py).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable

from . import scratch

RECENT = 50_000
"""Hashes kept in memory (~4 MB); past it the set starts again and misses are read from the file."""


class SeenSet:
    """`on_full(folder, reason)` is called once when the file cannot be written (a full temp folder); from
    then on only the in-memory set answers, while the crawl stops."""

    def __init__(
        self, urls: Iterable[str] = (), recent: int = RECENT, on_full: Callable[[str, object], None] | None = None
    ):
        self.recent: set[int] = set()
        self.limit: float = recent
        self.complete = True
        """Every hash in the file is also in `recent`: a miss there is a miss, without reading the file (a
        crawl asks once for every new URL, so until the set first fills, that is a read per target saved)."""
        self.on_full = on_full
        self.failed = False
        self.held: int | None = None
        self.path = ""
        db: sqlite3.Connection | None = None
        try:
            fd, self.path = tempfile.mkstemp(prefix=scratch.SEEN, suffix=".sqlite")
            os.close(fd)
            self.held = scratch.hold(self.path)  # in use: no other crawl's sweep removes it
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            # Nothing here must survive a crash: the file is removed at close and rebuilt by --resume.
            db.execute("PRAGMA journal_mode=OFF")
            db.execute("PRAGMA synchronous=OFF")
            db.execute("PRAGMA cache_size=-8000")  # 8 MB of pages
            db.execute("CREATE TABLE seen (h INTEGER PRIMARY KEY)")
            hashes = {hash(url) for url in urls}
            db.executemany("INSERT OR IGNORE INTO seen VALUES (?)", ((h,) for h in hashes))
        except (OSError, sqlite3.Error) as exc:  # before the crawl starts: it does not start
            if db is not None:
                db.close()
            self._release()
            raise scratch.ScratchFull(tempfile.gettempdir(), getattr(exc, "strerror", None) or exc) from exc
        self.db = db
        for h in hashes:
            self._remember(h)

    def _failed(self, exc: sqlite3.Error) -> None:
        self.failed = True
        self.limit = float("inf")  # the set is all there is now
        if self.on_full is not None:
            self.on_full(tempfile.gettempdir(), exc)

    def __contains__(self, url: str) -> bool:
        h = hash(url)
        if h in self.recent:
            return True
        if self.failed or self.complete:
            return False
        try:
            if self.db.execute("SELECT 1 FROM seen WHERE h = ?", (h,)).fetchone() is None:
                return False
        except sqlite3.Error as exc:
            self._failed(exc)
            return False
        self._remember(h)
        return True

    def add(self, url: str) -> None:
        h = hash(url)
        if h not in self.recent:
            self._remember(h)
            self._write("INSERT OR IGNORE INTO seen VALUES (?)", [(h,)])

    def update(self, urls: Iterable[str]) -> None:
        hashes = {hash(url) for url in urls}
        self._write("INSERT OR IGNORE INTO seen VALUES (?)", [(h,) for h in hashes])
        if self.failed:  # the file is given up: the set keeps them
            self.recent.update(hashes)
        elif hashes:
            self.complete = False

    def discard(self, url: str) -> None:
        h = hash(url)
        self.recent.discard(h)
        self._write("DELETE FROM seen WHERE h = ?", [(h,)])

    def _write(self, sql: str, rows: list[tuple[int]]) -> None:
        if self.failed:
            return
        try:
            self.db.executemany(sql, rows)
        except sqlite3.Error as exc:
            self._failed(exc)

    def __len__(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM seen").fetchone()[0]

    def _remember(self, h: int) -> None:
        if len(self.recent) >= self.limit:
            self.recent.clear()
            self.complete = False
        self.recent.add(h)

    def close(self) -> None:
        self.db.close()
        self._release()

    def _release(self) -> None:
        if self.path:
            with contextlib.suppress(OSError):
                os.unlink(self.path)
        if self.held is not None:
            os.close(self.held)
            self.held = None
