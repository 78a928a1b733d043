"""The real `gapcheck` command, as a user runs it: a child process of this interpreter (`-m gapcheck.cli`)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

COMMAND = [sys.executable, "-m", "gapcheck.cli"]
"""The command line before the subcommand, for tests that start it with Popen (workers, `serve`)."""


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
