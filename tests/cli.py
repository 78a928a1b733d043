"""The real `gapcheck` command, as a user runs it: a child process of this interpreter (`-m gapcheck.cli`)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from gapcheck.sample import CHECK_OPTIONS

COMMAND = [sys.executable, "-m", "gapcheck.cli"]
"""The command line before the subcommand, for tests that start it with Popen (workers, `serve`)."""

SAMPLE_CHECK = CHECK_OPTIONS
"""`gapcheck check` options for the sample portal, as `gapcheck demo` checks it (gapcheck/cli.py)."""


def gapcheck(
    *args: str,
    timeout: float = 300,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    preexec_fn: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    """`gapcheck ARGS` run to its end, its output captured as text; `env` is added to this environment.

    The timeout only stops a hung test: every command here finishes in seconds.
    """
    return subprocess.run(
        [*COMMAND, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env={**os.environ, **env} if env is not None else None,
        preexec_fn=preexec_fn,
    )


def check(url: str, folder: Path, *args: str, **options: Any) -> subprocess.CompletedProcess[str]:
    """`gapcheck check URL ARGS` with no pause between requests, its reports in FOLDER/out and its store
    FOLDER/db.sqlite (`options` as for gapcheck())."""
    return gapcheck(
        "check", url, "--out", str(folder / "out"), "--db", str(folder / "db.sqlite"), "--delay", "0", *args, **options
    )


def stored_pages(db: Path, run_id: int = 1) -> int:
    """Pages a running (or stopped) check has stored so far: 0 before the store exists."""
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM pages WHERE run_id = ?", (run_id,)).fetchone()[0]
    except sqlite3.Error:
        return 0


def sites_file(folder: Path, urls: list[str], crawl: str, db: str = "db.sqlite", name: str = "局{i}") -> Path:
    """A SITES.yaml of `urls` under `folder`, checked with a quick profile of `crawl` (a YAML mapping's
    inside: `delay: 0, timeout: 3`); portal i is named `name` with i and reported in folder s{i}."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "quick.yaml").write_text(f"name: 快速检查\nextends: national\ncrawl: {{{crawl}}}\n", encoding="utf-8")
    sites = folder / "sites.yaml"
    sites.write_text(
        f"defaults:\n  profile: quick.yaml\n  out: reports\n  db: {db}\nsites:\n"
        + "".join(f'  - {{name: {name.format(i=i)}, url: "{url}", slug: s{i}}}\n' for i, url in enumerate(urls)),
        encoding="utf-8",
    )
    return sites
