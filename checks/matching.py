"""Finding a requirement on the site by any of its aliases, the way an inspector would look for it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from core.model import BREADCRUMB, NAVIGABLE_TAGS, Link, LinkTag, Page, Site

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
    return (
        _normalize(text) if len(text) <= _CACHED_CHARS else _NOISE.sub("", unicodedata.normalize("NFKC", text)).lower()
    )


@lru_cache(maxsize=WORDS_CACHED)
def _normalize(text: str) -> str:
    return _NOISE.sub("", unicodedata.normalize("NFKC", text)).lower()


_TO_IDEOGRAPH = re.compile(
    "[\u2e80-\u2fdf\u3038-\u303a\u3190-\u319f\u3200-\u33ff\uf900-\ufaff\U0001f200-\U0001f2ff\U0002f800-\U0002fa1f]"
)
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


_VIA_WORDS = {
    Via.LINK: "链接",
    Via.IMAGE: "图片",
    Via.TITLE: "页面标题",
    Via.HEADING: "页面标题",
    Via.META: "栏目标识",
    Via.TEXT: "正文",
}


@dataclass(frozen=True, slots=True)
class Match:
    """Where a label was seen: on which page, through what, with which words and pointing where."""

    page: str
    via: Via
    text: str
    target: str = ""
    dated: bool = False
    """The link sits in a dated list item: a news item, not an entry."""
    named_by: str = ""
    """For a link with no words of its own (an image without alt): what on its target page named it,
    one of NAMED_BY_TITLE, NAMED_BY_BREADCRUMB, NAMED_BY_COLUMN; `text` holds those words."""

    def evidence(self) -> str:
        """What was seen, for a finding: 链接「权力清单」 → http://…, 图片链接（目标页「政府信息公开指南」） → http://…"""
        if self.named_by:
            return f"{link_label(self.named_by, self.text)} → {self.target}"
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


_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".svg", ".webp", ".ico", ".tif", ".tiff")
"""How an image's file name ends (gkzn.png). The extractor gives an image without alt its file name and CMSs
put it in alt ("政务网站年报.jpg"): a person sees the picture, not these words."""
_SUFFIX_ENDS = frozenset("gGfFpPoO")
"""The last letters of _IMAGE_SUFFIXES: words ending otherwise (nearly all) are answered at once."""
_WORDLESS_TAGS = frozenset({LinkTag.A, LinkTag.AREA})

NAMED_BY_TITLE = "目标页"
NAMED_BY_BREADCRUMB = "目标页当前位置"
NAMED_BY_COLUMN = "目标页栏目标识"


def has_words(text: str) -> bool:
    """Whether a link's text or title says something: not empty, not an image's file name."""
    if not text:
        return False
    if text[-1] not in _SUFFIX_ENDS and not text[-1].isspace():
        return True
    text = text.rstrip()
    return bool(text) and not text[-5:].lower().endswith(_IMAGE_SUFFIXES)


def is_wordless(link: Link) -> bool:
    """A link a person sees only as a picture: `<a href="/zwgk/gkzn/"><img src="gkzn.png"></a>`, no alt,
    no title (an `<area>` of an image map likewise)."""
    return link.tag in _WORDLESS_TAGS and not has_words(link.text) and not has_words(link.title)


_SHARED_TITLE = 3
"""Pages sharing one title (at least this many, and a tenth of the site): the template's title, not a page's name."""


def template_titles(site: Site) -> frozenset[str]:
    """Page titles that name the site rather than a page: the landing page's, and one many pages share."""
    counts: dict[str, int] = {}
    for page in site.html_pages:
        title = page.title.strip()
        counts[title] = counts.get(title, 0) + 1
    least = max(_SHARED_TITLE, len(site.html_pages) // 10)
    shared = {title for title, n in counts.items() if n >= least}
    if site.landing is not None:
        shared.add(site.landing.title.strip())
    return frozenset(shared)


def _target_names(site: Site, url: str, template: frozenset[str]) -> list[tuple[str, str]]:
    page = site.page(url)
    if page is None or not page.ok or not page.is_html or page is site.landing:
        return []
    title = page.title.strip()
    if title and title not in template:
        return [(NAMED_BY_TITLE, title)]
    names = []
    crumb = page.meta.get(BREADCRUMB, "").rsplit(" > ", 1)[-1].strip()
    if crumb:
        names.append((NAMED_BY_BREADCRUMB, crumb))
    column = page.meta.get("columnname", "").strip()
    if column:
        names.append((NAMED_BY_COLUMN, column))
    return names


class TargetNames:
    """What the crawled pages call themselves, for the links with no words that lead there.

    A page's name is its title; when the title is missing or the site's own (template_titles), its
    breadcrumb's last step, else its ColumnName. The landing page (the logo's link) and pages that did not
    load name nothing. Asked once per target: a template's picture links lead to the same pages from every page.
    """

    def __init__(self, site: Site):
        self.site = site
        self.template = template_titles(site)
        self._names: dict[str, list[tuple[str, str]]] = {}

    def of(self, url: str) -> list[tuple[str, str]]:
        """(how, words) for the page at `url`, best first; how is NAMED_BY_TITLE, _BREADCRUMB or _COLUMN."""
        names = self._names.get(url)
        if names is None:
            names = self._names[url] = _target_names(self.site, url, self.template)
        return names

    def link_words(self, link: Link) -> tuple[str, str]:
        """(how, words) a person has for a link: its text or title attribute, whichever says more (how is
        ""); for a link with no words, the first name its target page gives itself."""
        # is_wordless(link), without asking has_words(link.text) twice: every link of every page comes here.
        text, title = link.text, link.title
        # has_words(text)'s first answer, without the call: six million links at 100,000 pages.
        if text and text[-1] not in _SUFFIX_ENDS and not text[-1].isspace():
            return "", title if len(title) > len(text) else text
        if not has_words(text):
            text = ""
            if link.tag in _WORDLESS_TAGS and not has_words(title):
                return next(iter(self.of(link.url)), ("", ""))
        return "", title if len(title) > len(text) else text


def link_label(how: str, words: str) -> str:
    """A link as evidence names it: 链接「年报」, or for a link named by its target (link_words)
    图片链接（目标页「政府信息公开年报」）."""
    return f"图片链接（{how}「{words}」）" if how else f"链接「{words}」"


def find_on_page(
    page: Page, aliases: Aliases, *, in_text: bool = False, names: TargetNames | None = None
) -> list[Match]:
    """Every place on one page where the aliases appear, links first.

    Given the site's TargetNames, a link with no words (an image without alt) is named by its target page.
    """
    found = []
    for link in page.links:
        tag = link.tag
        if tag in NAVIGABLE_TAGS or tag is LinkTag.IMG:
            # Words first, file names out after: most links do not hit, and asking them costs.
            words = (
                link.text
                if aliases.hit(link.text) and has_words(link.text)
                else link.title
                if aliases.hit(link.title) and has_words(link.title)
                else ""
            )
            if words:
                shown = link.text if has_words(link.text) else words
                found.append(
                    Match(page.url, Via.LINK, shown, link.url, bool(link.date))
                    if tag is not LinkTag.IMG
                    else Match(page.url, Via.IMAGE, shown, link.url)
                )
                continue
        if (
            names is not None
            and tag in _WORDLESS_TAGS
            and not link.date
            and not has_words(link.text)
            and not has_words(link.title)
        ):
            for how, words in names.of(link.url):
                if aliases.hit(words):
                    found.append(Match(page.url, Via.LINK, words, link.url, named_by=how))
                    break
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


def find_on_site(site: Site, aliases: Aliases, names: TargetNames | None = None) -> list[Match]:
    """Every entry on the site that the aliases name, the landing page first.

    Articles, dated list items and links titled like a document (关于…的通知) are news about a thing,
    not its entry: "关于申报专项资金的通知" is not the 专项资金 column.
    An image link with no words is named by the page it leads to (find_on_page).
    """
    landing = site.landing
    names = names or TargetNames(site)  # a Context keeps one for the run (Context.names)
    found: list[Match] = []
    for page in (p for p in site.pages_landing_first if p is landing or not is_article(p)):
        found.extend(
            m
            for m in find_on_page(page, aliases, names=names)
            if m.via is not Via.LINK or not (m.dated or is_document_title(m.text))
        )
    return found


_DOCUMENT_TITLE = re.compile(r"关于.{2,}的(?:通知|通告|公告|通报|函|批复|决定|意见|报告)$|工作的通知$")
"""A document's title ("关于做好2025年度政府信息公开工作年度报告编制公布工作的通知"): news about a thing."""


def is_document_title(words: str) -> bool:
    """Link words that title a document (关于…的通知) rather than name an entry."""
    return bool(_DOCUMENT_TITLE.search(unicodedata.normalize("NFKC", words).strip()))


def text_snippet(text: str, aliases: Aliases, width: int = 40) -> str:
    """The words around the first alias in a page's text, for evidence; '' when absent."""
    if not aliases.hit(text):
        return ""
    plain = unicodedata.normalize("NFKC", text)
    for label in aliases.labels:
        at = plain.lower().find(label)
        if at >= 0:
            return plain[max(0, at - width // 2) : at + len(label) + width].strip()
    return plain[:width]  # the alias spans noise characters; the page still has it
