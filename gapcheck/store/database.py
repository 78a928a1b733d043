"""An open store file: its connection, brought up to the current schema, and the one way to write to it.

Every part of the Store (runs, pages, probes, …) is a class on this one: they share its connection.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.errors import StoreError

from ..cli_words import ERROR
from .damage import check_whole, damaged_message, is_damaged
from .keys import fingerprint, site_key
from .schema import SCHEMA_VERSION, upgrade


class Database:
    """One SQLite database file; safe to open from several processes."""

    def __init__(self, path: Path, *, read_only: bool = False):
        """`read_only` for the commands that only read (history, diff, report): a store on read-only media or
        in a file this user may not write still opens, and nothing is written to it."""
        self.path = Path(path)
        self.read_only = read_only
        try:
            if read_only:
                self.db = connect(self.path, read_only=True)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.db = connect(self.path, read_only=False)
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
                self.db.execute("PRAGMA foreign_keys=ON")
            self.db.create_function("gapcheck_fingerprint", 3, fingerprint, deterministic=True)
            self.db.create_function("gapcheck_site_key", 1, site_key, deterministic=True)
            self._migrate(read_only)
        except (sqlite3.Error, OSError) as exc:
            if is_damaged(exc):
                raise StoreError(damaged_message(self.path, exc)) from exc
            raise StoreError(ERROR["store_open"].format(db=self.path, reason=exc)) from exc

    def verify(self) -> None:
        """Before a run is added: a store with damaged pages would take the run, then fail at its first read
        or write of them, once per attempt."""
        check_whole(self.db, self.path)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One all-or-nothing write; a store that cannot be written (a full disk) is a StoreError naming it."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            if is_damaged(exc):
                raise StoreError(damaged_message(self.path, exc)) from exc
            raise StoreError(ERROR["store_write"].format(db=self.path, reason=exc)) from exc

    def _migrate(self, read_only: bool) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise StoreError(ERROR["store_newer"].format(db=self.path, version=version, ours=SCHEMA_VERSION))
        if read_only:
            raise StoreError(
                f"{self.path}：数据库是旧版本（{version}），只读打开时无法升级；请把它复制到可写的位置，"
                "用 --db 指定副本再运行"
            )
        with self.transaction() as db:
            upgrade(db, version)


def connect(path: Path, *, read_only: bool, check_same_thread: bool = True) -> sqlite3.Connection:
    """A connection to the store at `path`, in autocommit mode (writes go through Database.transaction).

    Read-only: a WAL store needs its -shm file; on read-only media, where that file cannot be made, the
    store is opened as immutable (nothing can change it there anyway).
    """
    if not read_only:
        return sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=check_same_thread)
    if not path.is_file():
        raise StoreError(f"{path}：数据库不存在；用 --db 指定 gapcheck check 使用的数据库")
    uri = path.resolve().as_uri()
    try:
        db = sqlite3.connect(
            f"{uri}?mode=ro", uri=True, timeout=30, isolation_level=None, check_same_thread=check_same_thread
        )
        db.execute("PRAGMA user_version").fetchone()
        return db
    except sqlite3.OperationalError:
        return sqlite3.connect(
            f"{uri}?mode=ro&immutable=1", uri=True, isolation_level=None, check_same_thread=check_same_thread
        )


def now() -> str:
    """The store's timestamps: UTC, ISO 8601 to the second."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
