"""What every rule is given: the site, the profile's options, and views derived from them once."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar, cast

from core.model import ANSWER_TEXT, LinkCheck, Site, Verdict
from core.signs import CHALLENGE_STATUSES

from .answers import Answer, Judge
from .columns import Column, find_columns
from .matching import Aliases, Match, TargetNames, find_on_site
from .options import Options
from .template import Template

T = TypeVar("T")


@dataclass
class Context:
    site: Site
    options: Options
    defaults: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    """Each rule's default settings by code (the registry's `Rule.defaults`), handed in by `checks.run`: the
    registry imports the rule modules, which import this one."""

    _found: dict[tuple[str, ...], list[Match]] = field(default_factory=dict, repr=False)
    _answers: dict[str, Answer] = field(default_factory=dict, repr=False)
    _derived: dict[str, object] = field(default_factory=dict, repr=False)

    @cached_property
    def template(self) -> Template:
        """What of each page is the site's template and what is its own content."""
        return Template(self.site)

    @cached_property
    def names(self) -> TargetNames:
        """What the crawled pages call themselves, for picture links without words."""
        return TargetNames(self.site)

    @cached_property
    def columns(self) -> list[Column]:
        return find_columns(self.site, self.options, self.template)

    @cached_property
    def judge(self) -> Judge:
        """How this run's link answers are judged: by GK302's thresholds, the same for every rule."""
        crawl = self.site.crawl
        return Judge.of(self.site.start_url, crawl.not_found, lambda key: self.option("GK302", key))

    def answer(self, url: str) -> Answer | None:
        """What the link target `url` answered, judged; None when it was not asked."""
        check = self.site.checks.get(url)
        return None if check is None else self.judged(url, check)

    def judged(self, url: str, check: LinkCheck) -> Answer:
        """`check` (the site's answer for `url`) judged, once per run whichever rule asks."""
        answer = self._answers.get(url)
        if answer is None:
            answer = self._answers[url] = self.judge(self._shown(url, check))
        return answer

    def _shown(self, url: str, check: LinkCheck) -> LinkCheck:
        """The check with what its answer showed: a crawled page's title and text are the page's (the spider
        records them once, there), and so are a page's the crawl reused after a 304."""
        if check.text or check.status not in CHALLENGE_STATUSES:  # the only answers whose text the judge reads
            return check
        page = self.site.pages.get(url)
        if page is None or page.status != check.status or not page.text_length:
            return check
        return dataclasses.replace(check, title=page.title, text=page.text_start(ANSWER_TEXT))

    def verdict(self, url: str) -> Verdict | None:
        answer = self.answer(url)
        return answer.verdict if answer is not None else None

    def describe(self, url: str) -> str:
        """What a link target answered, in brackets for evidence; '' when it was not asked."""
        answer = self.answer(url)
        if answer is None:
            return ""
        check = self.site.checks[url]
        return f"（{answer.reason or check.status or check.error or ''}）"

    def found(self, labels: tuple[str, ...]) -> list[Match]:
        """Where the site names these labels (find_on_site), once per run: several rules ask for the
        same requirement, and each search reads every page."""
        if labels not in self._found:
            self._found[labels] = find_on_site(self.site, Aliases(labels), self.names)
        return self._found[labels]

    def derived(self, key: str, compute: Callable[[Context], T]) -> T:
        """`compute(self)`, once per run: a view of the site that several rules read (the service guides)."""
        if key not in self._derived:
            self._derived[key] = compute(self)
        return cast(T, self._derived[key])

    def option(self, code: str, key: str) -> float:
        """A rule's setting: the profile's `rules.<code>.<key>`, else the rule's default in the registry."""
        return self.options.rules.get(code, {}).get(key, self.defaults[code][key])
