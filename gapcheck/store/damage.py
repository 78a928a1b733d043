"""A store file that is not a whole SQLite database, and the error that tells the user how to save its runs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from core.errors import StoreError

_DAMAGED = ("SQLITE_CORRUPT", "SQLITE_NOTADB")


def is_damaged(exc: BaseException) -> bool:
    """The store's file is not a whole SQLite database: damaged pages, or not SQLite at all."""
    return isinstance(exc, sqlite3.DatabaseError) and getattr(exc, "sqlite_errorname", "") in _DAMAGED


def damaged_message(path: Path, problem: object) -> str:
    recovered = path.with_name(f"{path.stem}-recovered{path.suffix}")
    return (
        f'{path}：gapcheck 数据库已损坏（{problem}）；可用 sqlite3 {path} ".recover" | sqlite3 {recovered} '
        f"救回能读的运行，再用 --db {recovered} 继续（或用 --db 指定一个新数据库）"
    )


def check_whole(db: sqlite3.Connection, path: Path) -> None:
    """StoreError unless SQLite's quick_check finds every page of the store at `path` whole. It reads every
    page once: seconds for a large store, against a crawl's minutes."""
    try:
        problems = [row[0] for row in db.execute("PRAGMA quick_check(3)")]
    except sqlite3.DatabaseError as exc:
        raise StoreError(damaged_message(path, exc)) from exc
    if problems != ["ok"]:
        raise StoreError(damaged_message(path, " ".join(" ".join(problems).split())))
