"""One run per portal and store at a time: a lock file next to the store, held with flock.

The kernel drops a flock when its process dies, however it dies, so a lock left by a killed run is
simply taken over; the file only says who held it last.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import RunLockedError
from .report.model import redact
from .store import site_key


def lock_path(db: Path, start_url: str) -> Path:
    digest = hashlib.sha1(site_key(start_url).encode("utf-8")).hexdigest()[:12]
    return db.with_name(f"{db.name}.{digest}.lock")


@contextmanager
def site_lock(db: Path, start_url: str) -> Iterator[Path]:
    path = lock_path(db, start_url)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
            raise RunLockedError(
                f"{redact(start_url)}: another gapcheck is checking this portal with {db} ({holder}); wait for it "
                f"to finish, or stop it and run again with --resume (lock file {path})") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}".encode(), 0)
        yield path
    finally:
        os.close(fd)  # releases the flock
