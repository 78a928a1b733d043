"""One run per portal and store at a time: a lock file next to the store, held with filelock's descriptor lock
(flock on Unix, LockFileEx on Windows).

The system drops the lock when its process dies, however it dies, so a lock left by a killed run is simply
taken over; the file only says who held it last. gapcheck opens the file itself rather than through
filelock.FileLock: it refuses, in words that say what to do, a symbolic link planted in a shared folder or a FIFO
or device in place of the file, and it keeps the holder's pid in the file for the next run's message.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import lock_descriptor, unlock_descriptor

from core.errors import ConfigError, RunLockedError
from core.redaction import redact

from .cli_words import ERROR
from .store import site_key

# Windows has neither O_NOFOLLOW nor O_NONBLOCK: a link there takes an administrator to make, and a FIFO cannot
# be made in a folder at all.
_FLAGS = (
    os.O_RDWR
    | os.O_CREAT
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def lock_path(db: Path, start_url: str) -> Path:
    digest = hashlib.sha1(site_key(start_url).encode("utf-8")).hexdigest()[:12]
    return db.with_name(f"{db.name}.{digest}.lock")


def _open_plain(path: Path) -> int:
    """The lock file, opened for writing only if it is a plain file of its own: the lock is truncated and
    written, and the folder may be shared, so a link planted there must not aim that at another file, and a
    FIFO or device is never written (O_NONBLOCK: opening a FIFO does not wait for a reader)."""
    try:
        fd = os.open(path, _FLAGS, 0o644)
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
    locked = False
    try:
        locked = lock_descriptor(fd, blocking=False)
        if not locked:
            raise RunLockedError(ERROR["locked"].format(url=redact(start_url), db=db, holder=_holder(fd), lock=path))
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, f"pid {os.getpid()}".encode())
        yield path
    finally:
        try:
            if locked:
                unlock_descriptor(fd)  # closing releases it too, on Windows only eventually
        finally:
            os.close(fd)


def _holder(fd: int) -> str:
    """Who holds the lock, as the holder wrote it; Windows forbids reading the locked byte, hence the default."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        return os.read(fd, 200).decode("utf-8", "replace").strip() or "another process"
    except OSError:
        return "another process"
