"""Crawler traps: URLs a site generates without end (calendars, session ids, growing queries, paths
that loop). The spider asks `TrapGuard.trapped(url)` before following an in-site link; what was left
out is counted per kind, with an example, for the crawl-health report."""

from __future__ import annotations

from collections import Counter, defaultdict
from enum import StrEnum
from urllib.parse import parse_qsl, urlsplit

from core.model import TrapNote
from core.urls import carries_session, without_session

from .settings import QUERY_VARIANTS

MAX_URL = 1024
"""Characters: longer in-site URLs are not followed (real portal URLs stay far below)."""
REPEATED_PARAMETER = 4
"""Times one query parameter may appear before the query is taken for one that grows on every click."""
REPEATED_SEGMENT = 3
"""Times one path segment may appear before the path is taken for a loop (a/b/a/b/a/b)."""
SELF_REDIRECTS = 3
"""Refresh or script redirects from a path to itself with another query followed, before the path is taken
for a generator (?n=N refreshing to ?n=N+1): a page that reloads itself once or twice is not."""


class Trap(StrEnum):
    LONG_URL = "网址过长"
    SESSION_ID = "网址含会话编号"
    QUERY_VARIANTS = "同一页面的查询参数变体过多（如无穷日历）"
    GROWING_QUERY = "查询参数不断增长"
    PATH_LOOP = "路径循环"
    SELF_REDIRECT = "页面不断跳转到自身（参数不断变化）"


class TrapGuard:
    def __init__(self, max_variants: int = QUERY_VARIANTS) -> None:
        self.max_variants = max_variants
        self.sessions: set[str] = set()
        """Session-free forms of the URLs followed that carried a session id (only those: every URL's
        would double what the crawl keeps in memory)."""
        self.variants: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.self_redirects: Counter[tuple[str, str]] = Counter()
        """(host, path) → its redirects to itself followed."""
        self.counts: Counter[Trap] = Counter()
        self.examples: dict[Trap, str] = {}

    def trapped(self, url: str, redirected_from: str | None = None) -> Trap | None:
        """Why `url` is not to be followed, or None (and then it is remembered as followed).
        `redirected_from`: the page whose refresh or script redirect leads to `url`."""
        trap = self._kind(url, redirected_from)
        if trap is not None:
            self.counts[trap] += 1
            self.examples.setdefault(trap, url[:300])
        return trap

    def _kind(self, url: str, redirected_from: str | None) -> Trap | None:
        if len(url) > MAX_URL:
            return Trap.LONG_URL
        parts = urlsplit(url)
        if redirected_from is not None:
            origin = urlsplit(redirected_from)
            key = (parts.netloc, parts.path)
            if (origin.netloc, origin.path) == key and self._self_redirected(key) > SELF_REDIRECTS:
                return Trap.SELF_REDIRECT
        segments = [s for s in parts.path.split("/") if s]
        if segments and Counter(segments).most_common(1)[0][1] > REPEATED_SEGMENT:
            return Trap.PATH_LOOP
        if parts.query:
            names = Counter(k for k, _ in parse_qsl(parts.query, keep_blank_values=True))
            if names and names.most_common(1)[0][1] >= REPEATED_PARAMETER:
                return Trap.GROWING_QUERY
        if carries_session(url) and not self._first_session(without_session(url)):
            return Trap.SESSION_ID
        if parts.query and not self._variant_allowed((parts.netloc, parts.path), parts.query):
            return Trap.QUERY_VARIANTS
        return None

    # What the guard remembers, kept here for one process (spiders/worker.py keeps it in Redis for all).

    def _self_redirected(self, key: tuple[str, str]) -> int:
        """Counts one more redirect of (host, path) to itself; how many so far."""
        self.self_redirects[key] += 1
        return self.self_redirects[key]

    def _first_session(self, plain: str) -> bool:
        """Whether no URL with a session id was followed to `plain` (its session-free form) yet."""
        if plain in self.sessions:
            return False
        self.sessions.add(plain)
        return True

    def _variant_allowed(self, key: tuple[str, str], query: str) -> bool:
        """Whether `query` of (host, path) is one already followed or one more of at most max_variants."""
        if query in self.variants[key]:
            return True
        if len(self.variants[key]) >= self.max_variants:
            return False
        self.variants[key].add(query)
        return True

    def notes(self) -> tuple[TrapNote, ...]:
        return tuple(TrapNote(kind.value, n, self.examples[kind]) for kind, n in self.counts.most_common())
