"""The targets a crawl has asked: on disk, past a bounded set in memory.

A crawl of 100,000 pages asks a quarter of a million URLs; kept as strings they would be the largest
thing in the process. Here each URL is its 64-bit hash, in a throw-away SQLite file (an integer
primary key: the table is its own index), and the `RECENT` hashes asked about last are also in a set,
which answers the template links every page repeats without touching the file. A distributed crawl
shares its seen-set in Redis instead (spiders/frontier.py).
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterable

RECENT = 50_000
"""Hashes kept in memory (~4 MB); past it the set starts again and misses are read from the file."""


class SeenSet:
    def __init__(self, urls: Iterable[str] = (), recent: int = RECENT):
        fd, self.path = tempfile.mkstemp(prefix="gapcheck-seen-", suffix=".sqlite")
        os.close(fd)
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        # Nothing here must survive a crash: the file is removed at close and rebuilt by --resume.
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("PRAGMA cache_size=-8000")  # 8 MB of pages
        self.db.execute("CREATE TABLE seen (h INTEGER PRIMARY KEY)")
        self.recent: set[int] = set()
        self.limit = recent
        self.update(urls)

    def __contains__(self, url: str) -> bool:
        h = hash(url)
        if h in self.recent:
            return True
        if self.db.execute("SELECT 1 FROM seen WHERE h = ?", (h,)).fetchone() is None:
            return False
        self._remember(h)
        return True

    def add(self, url: str) -> None:
        h = hash(url)
        if h not in self.recent:
            self._remember(h)
            self.db.execute("INSERT OR IGNORE INTO seen VALUES (?)", (h,))

    def update(self, urls: Iterable[str]) -> None:
        hashes = {hash(url) for url in urls}
        self.db.executemany("INSERT OR IGNORE INTO seen VALUES (?)", ((h,) for h in hashes))

    def discard(self, url: str) -> None:
        h = hash(url)
        self.recent.discard(h)
        self.db.execute("DELETE FROM seen WHERE h = ?", (h,))

    def __len__(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM seen").fetchone()[0]

    def _remember(self, h: int) -> None:
        if len(self.recent) >= self.limit:
            self.recent.clear()
        self.recent.add(h)

    def close(self) -> None:
        self.db.close()
        try:
            os.unlink(self.path)
        except OSError:
            pass
