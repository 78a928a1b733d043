"""A check's progress: on a terminal a live line (rich) with the phase, pages done of those known, the rate
and an estimate of the end; elsewhere (cron, systemd, CI) a plain line every `every` seconds.

A Board draws what its `follow`ed snapshot function says, from a thread of its own: the crawl's extension
(Progress, below) points it at the spider, `gapcheck batch` at its portals.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, ProgressColumn, Task, TextColumn, TimeRemainingColumn
from rich.progress import Progress as RichProgress
from rich.text import Text
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from .portal import PortalSpider
from .settings import PROGRESS_EVERY

REDRAW = 0.5
"""Seconds between two redraws of the live line."""


class Phase(StrEnum):
    CRAWL = "抓取"
    RECHECK = "复查"
    """The second pass: undecided links asked once more, one at a time per host."""
    CHECK = "检查"
    REPORT = "报告"
    BATCH = "批量检查"


SITES = "网站"
BATCH_DETAIL = "进行中 {running}，等待 {waiting}"
"""`gapcheck batch`: portals crawled at once and not started yet."""
ROUGHLY = "约 "
"""Before an estimate of the end that is a guess."""


@dataclass(frozen=True)
class Snapshot:
    phase: Phase
    done: int = 0
    known: int | None = None
    """How many there are to do, as far as known yet; None when there is nothing to count."""
    detail: str = ""
    unit: str = "页面"
    """What is counted."""
    estimated: bool = False
    """The counter estimates the end itself (`left`), knowing better than done/known at the rate seen (a
    batch's portals each go at their own polite rate): neither that rate nor an estimate from it is shown."""
    left: float | None = None
    """Seconds to the end, when `estimated` and known yet."""
    rough: bool = False
    """`left` is a guess (portals with no last run to go by): said with 约."""


def _left(seconds: float, rough: bool) -> str:
    return f"{ROUGHLY if rough else ''}{dt.timedelta(seconds=round(seconds))}"


def _words(snap: Snapshot, rate: float | None, left: float | None) -> str:
    parts = [snap.phase.value]
    if snap.known is not None:
        parts.append(f"{snap.unit} {snap.done}/{snap.known}")
        if snap.estimated:
            rate, left = None, snap.left
        if rate:
            parts.append(f"{rate:.1f} 个/秒")
        if left is not None:
            parts.append(f"预计还需 {_left(left, snap.rough)}")
    if snap.detail:
        parts.append(snap.detail)
    return "，".join(parts)


class _Rate(ProgressColumn):
    def render(self, task: Task) -> Text:
        return Text(f"{task.speed:.1f} 个/秒" if task.speed and not task.fields.get("estimated") else "")


class _Left(TimeRemainingColumn):
    """The snapshot's own estimate of the end when it makes one, else rich's from the rate."""

    def render(self, task: Task) -> Text:
        if not task.fields.get("estimated"):
            return super().render(task)
        left = task.fields.get("left")
        return Text("" if left is None else _left(left, task.fields.get("rough", False)), style="progress.remaining")


class Board:
    """Draws progress until closed; `live`: a terminal's live line, else plain lines every `every` s on `stream`."""

    def __init__(self, *, live: bool, every: float = PROGRESS_EVERY, stream: TextIO | None = None):
        self.live = live
        self.every = every
        self.stream = stream or sys.stderr
        self.snapshot: Callable[[], Snapshot] = lambda: Snapshot(Phase.CRAWL)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._bar: RichProgress | None = None

    def __deepcopy__(self, memo: dict[int, object]) -> Board:
        return self  # shared, never copied: Scrapy deep-copies the settings that carry it to the crawl

    def follow(self, snapshot: Callable[[], Snapshot]) -> None:
        self.snapshot = snapshot

    def show(self, phase: Phase) -> None:
        """A phase with nothing to count (checking, writing the reports)."""
        self.follow(lambda: Snapshot(phase))

    def writing_reports(self) -> None:
        self.show(Phase.REPORT)

    def __enter__(self) -> Board:
        if self.live:
            self._bar = RichProgress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                _Rate(),
                TextColumn("预计还需"),
                _Left(),
                TextColumn("{task.fields[detail]}"),
                console=Console(file=self.stream),
                transient=True,  # the summary that follows is what stays on the screen
                auto_refresh=False,
            )
            self._bar.start()
        self._thread = threading.Thread(target=self._run, name="gapcheck-progress", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self._bar is not None:
            self._bar.stop()

    def _run(self) -> None:
        if self._bar is not None:
            self._draw_live(self._bar)
        else:
            self._log()

    def _draw_live(self, bar: RichProgress) -> None:
        task, phase = None, None
        while True:
            snap = self.snapshot()
            if snap.phase is not phase or task is None:  # a phase of its own: its rate and estimate start anew
                if task is not None:
                    bar.remove_task(task)
                task, phase = bar.add_task(snap.phase.value, total=snap.known, detail=snap.detail), snap.phase
            ends: dict[str, Any] = {
                "estimated": snap.estimated,
                "left": snap.left,
                "rough": snap.rough,
            }  # read by _Left
            bar.update(task, completed=snap.done, total=snap.known, detail=snap.detail, **ends)
            bar.refresh()
            if self._stop.wait(REDRAW):
                return

    def _log(self) -> None:
        last: tuple[float, Snapshot] | None = None
        while not self._stop.wait(self.every):
            now, snap = dt.datetime.now(), self.snapshot()
            rate = left = None
            if last is not None and last[1].phase is snap.phase:
                rate = (snap.done - last[1].done) / max(now.timestamp() - last[0], 1e-6)
                if rate > 0 and snap.known is not None:
                    left = max(snap.known - snap.done, 0) / rate
            last = (now.timestamp(), snap)
            self.stream.write(f"gapcheck: {now:%H:%M:%S} {_words(snap, rate, left)}\n")
            self.stream.flush()


def crawler_snapshot(crawler: Crawler) -> Snapshot | None:
    """Where a crawl is; None before its spider is made."""
    spider = crawler.spider
    return spider_snapshot(spider) if isinstance(spider, PortalSpider) else None


def spider_snapshot(spider: PortalSpider) -> Snapshot:
    phase = Phase.RECHECK if spider.second_pass else Phase.CRAWL
    known = max(spider.pages_scheduled, spider.pages_done)
    return Snapshot(phase, spider.pages_done, known, f"错误 {spider.errors}" if spider.errors else "")


class Progress:
    """Enabled by `GAPCHECK_PROGRESS` (a Board): points it at the spider while the crawl runs."""

    def __init__(self, board: Board):
        self.board = board

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        board = crawler.settings.get("GAPCHECK_PROGRESS")
        if not isinstance(board, Board):
            raise NotConfigured
        ext = cls(board)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: PortalSpider) -> None:
        self.board.follow(lambda: spider_snapshot(spider))

    def spider_closed(self, spider: PortalSpider) -> None:
        self.board.show(Phase.CHECK)  # what follows the crawl: the rules, then the reports
