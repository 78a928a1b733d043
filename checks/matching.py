"""Finding a requirement on the site by any of its aliases, the way an inspector would look for it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from .model import NAVIGABLE_TAGS, LinkTag, Page, Site

# Spaces, dashes and list punctuation differ between portals ("讲文明 树新风", "志愿精神——奉献、友爱");
# they never tell two labels apart.
_NOISE = re.compile(r"[\s\u3000\-—–_·・、，,。.:：;；!！?？'\"“”‘’()（）\[\]【】《》<>|/\\]+")


_CACHED_CHARS = 200
"""Texts up to this long (link words, titles) are cached; a page's whole text is not kept."""
WORDS_CACHED = 4096
"""Answers kept per word test (lru_cache) in the rules: the template's link words, asked on every page,
stay; an article title is asked once or twice."""


def normalize(text: str) -> str:
    """The form labels are compared in: NFKC (full-width to half-width), noise removed, lower case.

    Cached for short texts: template links repeat the same words on every page.
    """
    return _normalize(text) if len(text) <= _CACHED_CHARS else _NOISE.sub("", unicodedata.normalize("NFKC", text)).lower()


@lru_cache(maxsize=WORDS_CACHED)
def _normalize(text: str) -> str:
    return _NOISE.sub("", unicodedata.normalize("NFKC", text)).lower()


_TO_IDEOGRAPH = re.compile("[\u2e80-\u2fdf\u3038-\u303a\u3190-\u319f\u3200-\u33ff\uf900-\ufaff"
                           "\U0001f200-\U0001f2ff\U0002f800-\U0002fa1f]")
"""Every character that NFKC turns into CJK ideographs (radicals, enclosed and compatibility ideographs…)."""
_IDEOGRAPHS = re.compile("[\u4e00-\u9fff]+")


def may_contain(text: str, labels: tuple[str, ...]) -> bool:
    """False when no normalized label can be in normalize(text); True means perhaps.

    For a page's whole text, far cheaper than normalizing it: a label of CJK ideographs only is in the
    normalized text only if each of its characters is in the text itself, unless NFKC made it.
    """
    if not all(_IDEOGRAPHS.fullmatch(label) for label in labels) or _TO_IDEOGRAPH.search(text):
        return True
    return any(all(c in text for c in label) for label in labels)


class Via(StrEnum):
    """What on the page carried the matching words."""

    LINK = "link"
    IMAGE = "image"
    TITLE = "title"
    HEADING = "heading"
    META = "meta"
    TEXT = "text"


_VIA_WORDS = {Via.LINK: "链接", Via.IMAGE: "图片", Via.TITLE: "页面标题", Via.HEADING: "页面标题",
              Via.META: "栏目标识", Via.TEXT: "正文"}


@dataclass(frozen=True, slots=True)
class Match:
    """Where a label was seen: on which page, through what, with which words and pointing where."""

    page: str
    via: Via
    text: str
    target: str = ""
    dated: bool = False
    """The link sits in a dated list item: a news item, not an entry."""

    def evidence(self) -> str:
        """What was seen, for a finding: 链接「权力清单」 → http://…"""
        where = f"{_VIA_WORDS[self.via]}「{self.text}」"
        return f"{where} → {self.target}" if self.target else where


class Aliases:
    """A set of labels, compiled once, that a text matches when it contains any of them."""

    SEEN_MAX = WORDS_CACHED
    """Texts whose answer is kept: template links ask the same words on every page."""

    def __init__(self, labels: tuple[str, ...]):
        self.labels = tuple(n for n in (normalize(label) for label in labels) if n)
        self._seen: dict[str, bool] = {}

    def hit(self, text: str) -> bool:
        if not text:
            return False
        seen = self._seen.get(text)
        if seen is None:
            if len(text) > _CACHED_CHARS:  # a page's whole text: asked once, not kept
                if not may_contain(text, self.labels):
                    return False
                norm = normalize(text)
                return any(label in norm for label in self.labels)
            norm = normalize(text)
            seen = any(label in norm for label in self.labels)
            if len(self._seen) >= self.SEEN_MAX:
                self._seen.clear()
            self._seen[text] = seen
        return seen


def find_on_page(page: Page, aliases: Aliases, *, in_text: bool = False) -> list[Match]:
    """Every place on one page where the aliases appear, links first."""
    found = []
    for link in page.links:
        if link.tag in NAVIGABLE_TAGS and (aliases.hit(link.text) or aliases.hit(link.title)):
            found.append(Match(page.url, Via.LINK, link.text or link.title, link.url, bool(link.date)))
        elif link.tag is LinkTag.IMG and (aliases.hit(link.text) or aliases.hit(link.title)):
            found.append(Match(page.url, Via.IMAGE, link.text or link.title, link.url))
    if aliases.hit(page.title):
        found.append(Match(page.url, Via.TITLE, page.title))
    column_name = page.meta.get("columnname", "")
    if aliases.hit(column_name):
        found.append(Match(page.url, Via.META, column_name))
    for heading in page.headings:
        if aliases.hit(heading):
            found.append(Match(page.url, Via.HEADING, heading))
    if in_text and not found:
        snippet = text_snippet(page.text, aliases)
        if snippet:
            found.append(Match(page.url, Via.TEXT, snippet))
    return found


def is_article(page: Page) -> bool:
    """An article page (ArticleTitle / PubDate meta), as opposed to a column or hub page."""
    return "articletitle" in page.meta or "pubdate" in page.meta


def find_on_site(site: Site, aliases: Aliases) -> list[Match]:
    """Every entry on the site that the aliases name, the landing page first.

    Articles and dated list items are news about a thing, not its entry: "关于申报专项资金的通知"
    is not the 专项资金 column.
    """
    landing = site.landing
    found = []
    for page in (p for p in site.pages_landing_first if p is landing or not is_article(p)):
        found.extend(m for m in find_on_page(page, aliases) if m.via is not Via.LINK or not m.dated)
    return found


def text_snippet(text: str, aliases: Aliases, width: int = 40) -> str:
    """The words around the first alias in a page's text, for evidence; '' when absent."""
    if not aliases.hit(text):
        return ""
    plain = unicodedata.normalize("NFKC", text)
    for label in aliases.labels:
        at = plain.lower().find(label)
        if at >= 0:
            return plain[max(0, at - width // 2): at + len(label) + width].strip()
    return plain[:width]  # the alias spans noise characters; the page still has it
