"""The run lock next to the store: it never writes through a link or into anything but its own plain file."""

from __future__ import annotations

import os

import pytest
from cli import gapcheck

from core.errors import ConfigError, RunLockedError
from gapcheck.lock import lock_path, site_lock

URL = "http://127.0.0.1:9/"


def test_the_lock_file_says_who_holds_it(tmp_path):
    db = tmp_path / "store.sqlite"
    with site_lock(db, URL) as path:
        assert path == lock_path(db, URL) and path.read_text() == f"pid {os.getpid()}"


def test_a_symlinked_lock_path_is_refused_and_its_target_kept(tmp_path):
    db = tmp_path / "store.sqlite"
    target = tmp_path / "precious.txt"
    target.write_text("do not truncate me", encoding="utf-8")
    lock_path(db, URL).symlink_to(target)
    with pytest.raises(ConfigError) as raised, site_lock(db, URL):
        pass
    assert target.read_text(encoding="utf-8") == "do not truncate me"
    message = str(raised.value)
    assert str(lock_path(db, URL)) in message and "符号链接" in message and "删除" in message


def test_a_lock_path_that_is_not_a_plain_file_is_refused(tmp_path):
    db = tmp_path / "store.sqlite"
    os.mkfifo(lock_path(db, URL))
    with pytest.raises(ConfigError, match="不是普通文件"), site_lock(db, URL):
        pass


@pytest.mark.e2e
def test_the_cli_refuses_a_symlinked_lock_with_exit_2(tmp_path):
    db = tmp_path / "store.sqlite"
    target = tmp_path / "precious.txt"
    target.write_text("keep", encoding="utf-8")
    lock_path(db, URL).symlink_to(target)
    result = gapcheck("check", URL, "--db", str(db), "--out", str(tmp_path / "out"), timeout=120)
    assert result.returncode == 2, result.stderr
    assert "符号链接" in result.stderr and "Traceback" not in result.stderr
    assert target.read_text(encoding="utf-8") == "keep"


def test_a_second_run_is_refused_and_told_who_holds_the_lock(tmp_path):
    db = tmp_path / "store.sqlite"
    with site_lock(db, URL), pytest.raises(RunLockedError) as raised, site_lock(db, URL):
        pass
    message = str(raised.value)
    assert "另一个 gapcheck 正在用" in message and f"pid {os.getpid()}" in message
    assert str(lock_path(db, URL)) in message
    with site_lock(db, URL) as path:  # released: the next run takes it
        assert path.read_text() == f"pid {os.getpid()}"
