"""What a crawl is asked to do, and the command that goes on with it once stopped. No Scrapy here: the
commands that judge a stored run (`gapcheck report`) name a crawl's request without importing a crawler."""

from __future__ import annotations

import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from core.redaction import redact

from .profile import CrawlOptions
from .report.labels import CLI

if TYPE_CHECKING:
    from spiders.progress import Board  # rich: only a crawl needs it, not every command


@dataclass(frozen=True)
class CrawlRequest:
    """One crawl, as the command line and the profile together asked for it."""

    url: str
    crawl: CrawlOptions
    progress: Board | None = None
    """Where the crawl shows how far it is (spiders/progress.py)."""
    verbose: bool = False
    resume: bool = False
    """Go on with the run's stored pages instead of starting from the start page."""
    redis: str | None = None
    """Crawl through the `gapcheck worker` processes attached to this Redis (gapcheck/distributed.py)."""
    resume_hint: str = ""
    """The command that goes on with this crawl when it stops (resume_command); empty: the store and report
    folder it was run with."""

    def resume_with(self, db: Path, out: Path | None = None) -> str:
        """The command that goes on with this crawl once stopped: the hint it was given, else one naming `db`."""
        return self.resume_hint or resume_command(self.url, db, out)


def resume_command(url: str, db: Path | None, out: Path | None) -> str:
    """The command that goes on with a stopped run, ready to copy (quoted for a POSIX shell): the store and
    the report folder as given; the profile and crawl options come from the run (gapcheck/run_options.py)."""
    words = ["gapcheck", "check", redact(url), "--resume"]
    if db is not None:
        words += ["--db", str(db)]
    if out is not None:
        words += ["--out", str(out)]
    return shlex.join(words)


def stopping_notice(jobs: list[tuple[CrawlRequest, int]]) -> str:
    """What the first Ctrl-C says: stopping, and how to go on when there is one portal to go on with."""
    commands = [request.resume_hint for request, _ in jobs if request.resume_hint]
    return CLI["stopping"] + (CLI["stopping_resume"].format(command=commands[0]) if len(commands) == 1 else "")


def say_stopping(notice: str) -> None:
    print(f"\ngapcheck: {notice}", file=sys.stderr, flush=True)
