"""Regular expressions an administrator writes (crawl.include, crawl.exclude, crawl.render_urls, column_urls,
--exclude), matched against URLs the portal chooses.

Python's `re` backtracks without limit: `(a+)+$` against a portal's `/aaaa…a!` ran for hours, and a match
in C does not even return to Python for SIGTERM. The `regex` package reads the same syntax (lookaheads
included, which re2 refuses) and stops a match after `timeout` seconds; a match that could not be decided
in that time is taken the cautious way by each caller (an exclude as matching: the URL is not fetched).
"""

from __future__ import annotations

import logging
from functools import cache

import regex

MATCH_SECONDS = 0.25
"""Time one URL may take against one pattern; a sane pattern needs microseconds."""

PatternError = regex.error
"""What compile() raises for a pattern that is not a regular expression (its message says where)."""

log = logging.getLogger(__name__)


@cache
def compile_pattern(pattern: str) -> regex.Pattern[str]:
    """The compiled pattern; raises PatternError."""
    return regex.compile(pattern)


def search(pattern: str, text: str, *, undecided: bool) -> bool:
    """Whether `pattern` is found in `text`; `undecided` when the match took longer than MATCH_SECONDS."""
    try:
        return compile_pattern(pattern).search(text, timeout=MATCH_SECONDS) is not None
    except TimeoutError:
        log.warning(
            "pattern %r took over %ss on %r; taken as %s",
            pattern,
            MATCH_SECONDS,
            text[:200],
            "matching" if undecided else "not matching",
        )
        return undecided
