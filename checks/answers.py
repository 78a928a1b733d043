"""What a link target's answer means: broken, undecided, ok or skipped, and why in words.

The spider records facts (status, error class, title and first text, Retry-After waits, how the host
answers a path that cannot exist); this module judges them with today's rules and the profile's
thresholds (rules.GK302.soft_404_text and challenge_text), so `gapcheck report RUN` judges an old run anew.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from urllib.parse import urlsplit

from core.model import ANSWER_TEXT, FetchError, LinkCheck, NotFoundAnswer, Verdict
from core.signs import CHALLENGE_STATUSES, NOT_FOUND_WORDS, challenge_word
from core.urls import scope_key

from . import reasons

_BROKEN_ERRORS = frozenset(
    {
        FetchError.DNS,
        FetchError.REFUSED,
        FetchError.TLS,
        FetchError.REDIRECT_LOOP,
        FetchError.SOFT_404,
        FetchError.BAD_URL,
        FetchError.BAD_REDIRECT,
        FetchError.MALFORMED_REDIRECT,
    }
)
_UNVERIFIED_STATUSES = frozenset({401, 403, 429})


@dataclass(frozen=True, slots=True)
class Answer:
    """A link target's answer, judged."""

    verdict: Verdict
    reason: str = ""
    """Why, in words; '' for a working link."""


@lru_cache(maxsize=4096)
def _answer(verdict: Verdict, reason: str = "") -> Answer:
    """One Answer object per distinct answer: a run caches one per link target, and almost all are alike
    (2 MB of equal answers at 20,000 pages)."""
    return Answer(verdict, reason)


def plain_verdict(check: LinkCheck) -> Verdict:
    """The verdict from the error class and status alone: broken only when the answer says so; firewalls,
    rate limits and timeouts stay unverified."""
    if check.error is FetchError.OFFLINE:
        return Verdict.SKIPPED
    if check.error is not None:
        return Verdict.BROKEN if check.error in _BROKEN_ERRORS else Verdict.UNVERIFIED
    if check.status is None or check.status in _UNVERIFIED_STATUSES:
        return Verdict.UNVERIFIED
    return Verdict.OK if check.status < 400 else Verdict.BROKEN


@dataclass(frozen=True)
class Judge:
    """Judges the answers of one run: its start page, how its hosts answer missing pages, the thresholds."""

    start_url: str
    not_found: tuple[NotFoundAnswer, ...]
    soft_404_text: int
    """Characters of visible text a soft 404 says it in; further down, a real page may just mention the words."""
    challenge_text: int
    """Characters of visible text a firewall's check page has at most."""

    @classmethod
    def of(cls, start_url: str, not_found: Iterable[NotFoundAnswer], option: Callable[[str], float]) -> Judge:
        """`option(key)`: the profile's rules.GK302.<key>, else its default (checks/registry.py)."""
        return cls(start_url, tuple(not_found), int(option("soft_404_text")), int(option("challenge_text")))

    def __call__(self, check: LinkCheck) -> Answer:
        verdict = plain_verdict(check)
        if check.reason or check.status is None or check.error is not None:
            # A run stored before facts were recorded keeps the words it had; an error class is its own reason.
            return _answer(verdict, check.reason or _error_reason(check))
        status = check.status
        if status in CHALLENGE_STATUSES:
            words = challenge_word(check.title, check.text, self.challenge_text, ANSWER_TEXT)
            if words is not None:
                return _answer(Verdict.UNVERIFIED, reasons.CHALLENGE.format(words=words))
        if check.retry_after is not None:
            said = reasons.HTTP_REASON.get(status) or reasons.BUSY
            return _answer(Verdict.UNVERIFIED, reasons.THROTTLED.format(status=said, seconds=check.retry_after))
        if status >= 400:
            return _answer(verdict, reasons.HTTP_REASON.get(status, ""))
        if status == 200:
            soft = self._like_not_found(check) or self._says_not_found(check)
            if soft:
                return _answer(Verdict.BROKEN, soft)
        return _answer(verdict)

    @cached_property
    def _probes(self) -> dict[str, NotFoundAnswer]:
        """Each host's not-found answer by its scope key (the first, as the crawl asked each host once), for
        the hosts that answered it 200: only those have soft 404s to look like. Most portals answer 404, and
        then no link's URL needs parsing (it was a fifth of the rules' time on a 3,000-page run)."""
        probes: dict[str, NotFoundAnswer] = {}
        for probe in self.not_found:
            probes.setdefault(scope_key(probe.final_url), probe)
        return {key: probe for key, probe in probes.items() if probe.status == 200}

    def _says_not_found(self, check: LinkCheck) -> str:
        """A 200 whose page says it does not exist: portals' CMSs answer missing pages this way."""
        m = NOT_FOUND_WORDS.search(check.title) or NOT_FOUND_WORDS.search(check.text[: self.soft_404_text])
        return reasons.SOFT_404_SAYS.format(words=m.group(0)) if m else ""

    def _like_not_found(self, check: LinkCheck) -> str:
        """A 200 that looks like the host's answer for a path that cannot exist is a soft 404."""
        if check.url == self.start_url or not check.title or not self._probes:
            return ""
        probe = self._probes.get(scope_key(check.final_url or check.url))
        if probe is None:
            return ""
        if probe.redirected:
            if check.redirects and check.final_url == probe.final_url:
                return reasons.SOFT_404_SENT_LIKE_MISSING.format(url=check.final_url)
            return ""
        same = self._head(check.text, urlsplit(check.url).path) == self._head(probe.text, urlsplit(probe.url).path)
        if probe.title and check.title == probe.title and same:
            return reasons.SOFT_404_LIKE_MISSING.format(title=check.title[:40])
        return ""

    def _head(self, text: str, path: str) -> str:
        """The start of the visible text, digits and the asked path removed: what a catch-all page shows
        whatever was asked."""
        return re.sub(r"\d+", "", text.replace(path, ""))[: self.soft_404_text]


def _error_reason(check: LinkCheck) -> str:
    error = check.error
    if error is FetchError.BAD_REDIRECT:
        return reasons.REDIRECT_NOT_WEB if check.location else reasons.REDIRECT_NOWHERE
    if error is FetchError.PRIVATE_REDIRECT:
        return reasons.PRIVATE_REDIRECT.format(host=check.location)
    if error is not None:
        return reasons.FETCH_REASON.get(error, "")
    return ""
