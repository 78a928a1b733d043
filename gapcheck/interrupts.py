"""Ctrl-C and SIGTERM (systemd, docker stop, kill) as a KeyboardInterrupt where the main thread runs, never lost.

Python loses an exception a signal handler raises when the signal lands in a weakref callback or a
`__del__`: it prints "Exception ignored" with a traceback and goes on. The Redis coordinator went on
crawling after a SIGTERM, and exited 1. `Interrupts.asked` stays set, for a loop to stop at its next turn,
and the lost exception is not printed.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any, NoReturn


class Interrupts:
    def __init__(self, others: Callable[[Any], Any]):
        self.asked = False
        self.others = others
        """The unraisable hook for every other exception."""

    def __call__(self, signum: int, frame: FrameType | None) -> NoReturn:
        self.asked = True
        raise KeyboardInterrupt

    def unraisable(self, unraisable: Any) -> None:
        if not (self.asked and unraisable.exc_type is KeyboardInterrupt):
            self.others(unraisable)


@contextmanager
def interrupts(even_if_ignored: bool = False) -> Iterator[Interrupts]:
    """Ctrl-C and SIGTERM raise KeyboardInterrupt within; the handlers and hook before are restored after.

    A SIGINT the process inherited ignored (started with `&` by a script) stays ignored, as Scrapy leaves it,
    unless `even_if_ignored` (`gapcheck serve &`, stopped with kill -INT). Off the main thread, signals are
    left alone."""
    stop = Interrupts(sys.unraisablehook)
    signals = [signal.SIGTERM]
    if even_if_ignored or signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signals.append(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return
    previous: dict[int, Any] = {}
    try:
        for sig in signals:
            previous[sig] = signal.signal(sig, stop)
        sys.unraisablehook = stop.unraisable
        yield stop
    finally:
        for was, handler in previous.items():
            signal.signal(was, handler)
        sys.unraisablehook = stop.others
