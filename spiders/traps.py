"""Crawler traps: URLs a site generates without end (calendars, session ids, growing queries, paths
that loop). The spider asks `TrapGuard.trapped(url)` before following an in-site link; what was left
out is counted per kind, with an example, for the crawl-health report."""

from __future__ import annotations

from collections import Counter, defaultdict
from enum import StrEnum
from typing import NamedTuple
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


class Ask(NamedTuple):
    """What is left to decide of a URL once the URL alone raised no trap: looked up in what the guard
    remembers of the URLs followed so far, in this order."""

    redirect: tuple[str, str] | None
    """(host, path), when the URL is reached by a redirect from that same path."""
    local: Trap | None
    """A trap the URL alone shows (a looping path, a growing query), said after the redirect is counted."""
    session: str | None
    """The URL without its session id, when it carries one."""
    variant: tuple[tuple[str, str], str] | None
    """((host, path), query), when it has a query."""


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
        return self.trapped_all([(url, redirected_from)])[0]

    def trapped_all(self, urls: list[tuple[str, str | None]]) -> list[Trap | None]:
        """`trapped` of each (url, redirected_from) in turn, as one question: one page's links are asked
        together (spiders/worker.py asks Redis once for them all)."""
        traps = self._decide([self._ask(url, origin) for url, origin in urls])
        for (url, _), trap in zip(urls, traps, strict=True):
            if trap is not None:
                self.counts[trap] += 1
                self.examples.setdefault(trap, url[:300])
        return traps

    def _ask(self, url: str, redirected_from: str | None) -> Trap | Ask:
        """What the URL alone says: a trap, or what remains to look up in what the guard remembers."""
        if len(url) > MAX_URL:
            return Trap.LONG_URL
        parts = urlsplit(url)
        redirect = None
        if redirected_from is not None:
            origin = urlsplit(redirected_from)
            if (origin.netloc, origin.path) == (parts.netloc, parts.path):
                redirect = (parts.netloc, parts.path)
        local = None
        segments = [s for s in parts.path.split("/") if s]
        if segments and Counter(segments).most_common(1)[0][1] > REPEATED_SEGMENT:
            local = Trap.PATH_LOOP
        elif parts.query:
            names = Counter(k for k, _ in parse_qsl(parts.query, keep_blank_values=True))
            if names and names.most_common(1)[0][1] >= REPEATED_PARAMETER:
                local = Trap.GROWING_QUERY
        return Ask(
            redirect,
            local,
            without_session(url) if carries_session(url) else None,
            ((parts.netloc, parts.path), parts.query) if parts.query else None,
        )

    def _decide(self, asks: list[Trap | Ask]) -> list[Trap | None]:
        """Each URL's trap, in order, from what the guard remembers (and remembering it)."""
        return [ask if isinstance(ask, Trap) else self._decide_one(ask) for ask in asks]

    def _decide_one(self, ask: Ask) -> Trap | None:
        # The order of the checks matters: a self-redirect is counted even when the path loops.
        if ask.redirect is not None and self._self_redirected(ask.redirect) > SELF_REDIRECTS:
            return Trap.SELF_REDIRECT
        if ask.local is not None:
            return ask.local
        if ask.session is not None and not self._first_session(ask.session):
            return Trap.SESSION_ID
        if ask.variant is not None and not self._variant_allowed(*ask.variant):
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
