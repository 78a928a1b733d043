"""One run per portal and store at a time: a lock file next to the store, held with flock.

The kernel drops a flock when its process dies, however it dies, so a lock left by a killed run is
simply taken over; the file only says who held it last.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.errors import ConfigError, RunLockedError
from core.redaction import redact

from .store import site_key


def lock_path(db: Path, start_url: str) -> Path:
    digest = hashlib.sha1(site_key(start_url).encode("utf-8")).hexdigest()[:12]
    return db.with_name(f"{db.name}.{digest}.lock")


def _open_plain(path: Path) -> int:
    """The lock file, opened for writing only if it is a plain file of its own: the lock is truncated and
    written, and the folder may be shared, so a link planted there must not aim that at another file, and a
    FIFO or device is never written (O_NONBLOCK: opening a FIFO does not wait for a reader)."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ConfigError(
                f"{path}: 锁文件是一个符号链接，gapcheck 不会通过链接写入别的文件；删除这个链接（rm），再运行一次"
            ) from None
        raise ConfigError(
            f"{path}: 无法打开锁文件（{exc.strerror}）；检查这个文件夹的权限，或用 --db 换一个存储位置"
        ) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise ConfigError(f"{path}: 锁文件不是普通文件（是管道、设备或文件夹）；删除它，再运行一次")
    return fd


@contextmanager
def site_lock(db: Path, start_url: str) -> Iterator[Path]:
    path = lock_path(db, start_url)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = _open_plain(path)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
            raise RunLockedError(
                f"{redact(start_url)}: another gapcheck is checking this portal with {db} ({holder}); wait for it "
                f"to finish, or stop it and run again with --resume (lock file {path})"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}".encode(), 0)
        yield path
    finally:
        os.close(fd)  # releases the flock
