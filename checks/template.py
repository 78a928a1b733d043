"""The site's template and each page's own content, decided from the crawl.

Real CMS templates (TRS WCM, 大汉 Hanweb, 南威) wrap every page in the same blocks: top navigation, a side
menu of the section's sub-columns, a box of the latest site-wide items with their dates, friend links, a
footer. Read as the page's content, that box makes every column look full and fresh. So a block (a `Zone`
the spider recorded: its place on the page, its link targets, its words) that shows the same on several
pages is the template's, and only the rest is the page's own: column items, blank-column text and
"found on the page" evidence come from there.

A block is also not the page's own when it is navigation on that page: a menu that links the page
itself (the current column in its side menu), or a block inside the layout's nav, header or footer.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property, lru_cache

from core.model import Link, LinkTag, Page, Region, Site, Zone

from .matching import WORDS_CACHED

PAGINATION = re.compile(
    r"^(下一页|上一页|下页|上页|首页|尾页|末页|前页|后页|前一页|后一页|\d{1,4}|[<>«»]{1,2}|next|prev)$", re.I
)

TEMPLATE_MIN_PAGES = 3
"""Pages (distinct contents) a block must show on, the same, to be template: a section's side menu on a
handful of pages counts; a column and its own index-file alias (`dir/`, `dir/index.html`) do not."""
TEMPLATE_LINK_SHARE = 0.5
"""An undated link on at least this share of pages is template wherever it sits (pages stored before
blocks were recorded have only this)."""
SAME_SHARE = 0.6
"""Share of a page's blocks another page must also show for the two to be one page shown twice."""
TEMPLATE_SHOWN = 40
"""Template blocks a report lists, most repeated first."""
_CONTENT_TAGS = frozenset({LinkTag.A, LinkTag.AREA})
_NO_MENUS: frozenset[int] = frozenset()


@lru_cache(maxsize=WORDS_CACHED)
def is_pagination(text: str) -> bool:
    """Link words of a pagination link: 下一页, 尾页, a page number."""
    return PAGINATION.match(text.strip()) is not None


@dataclass(frozen=True, slots=True)
class TemplateBlock:
    """One block of the site's template, for the report: where it sits, on how many pages, what it holds."""

    key: str
    pages: int
    links: int
    text: str
    example: str
    """A page that shows it."""


class Template:
    """What of each page is the site's template, and what is the page's own."""

    def __init__(self, site: Site):
        self.site = site
        self._own: dict[str, tuple[Link, ...]] = {}
        self._menus: dict[str, frozenset[int]] = {}

    @cached_property
    def _counts(self) -> Counter[int]:
        """Template block fingerprint → on how many distinct pages it shows (pages with equal content count
        once). Only the template's: a block of one page's own (an article's text) is most blocks of a large
        site, and its count is never asked for (a quarter of a million at 100,000 pages)."""
        counts: Counter[int] = Counter()
        seen: set[str] = set()
        for page in self.site.html_pages:
            identity = page.content_hash or page.final_url
            if identity in seen:
                continue
            seen.add(identity)
            counts.update({zone.fingerprint for zone in page.zones})
        return Counter({fp: n for fp, n in counts.items() if n >= TEMPLATE_MIN_PAGES})

    @cached_property
    def fingerprints(self) -> frozenset[int]:
        """The template's blocks."""
        return frozenset(self._counts)

    @cached_property
    def links(self) -> frozenset[str]:
        """Link targets on at least TEMPLATE_LINK_SHARE of the pages, wherever they sit."""
        pages = self.site.html_pages
        if len(pages) < 4:
            return frozenset()
        # Counted, not read from found_on: a loaded run's found_on asks the store, target by target.
        counts: Counter[str] = Counter()
        for page in pages:
            counts.update({link.url for link in page.links})
        return frozenset(url for url, n in counts.items() if n >= TEMPLATE_LINK_SHARE * len(pages))

    def is_template(self, zone: Zone) -> bool:
        return zone.fingerprint in self.fingerprints

    def own_zones(self, page: Page) -> list[Zone]:
        """The page's blocks that are not the template's (its navigation menus included: see own_links)."""
        fingerprints = self.fingerprints
        return [z for z in page.zones if z.fingerprint not in fingerprints]

    def own_links(self, page: Page) -> tuple[Link, ...]:
        """The page's links in its own content: not in the template, not in a menu, not in nav or footer."""
        own = self._own.get(page.url)
        if own is None:
            own = self._own[page.url] = self._own_links(page)
        return own

    def _own_links(self, page: Page) -> tuple[Link, ...]:
        links = self.links
        # A dated row is a list's own item even when a site-wide box also shows it.
        return tuple(link for link in self.in_own_blocks(page) if link.date or link.url not in links)

    def in_own_blocks(self, page: Page) -> list[Link]:
        """The page's links in blocks of its own (not the template's, not a menu, not nav or footer), also
        those that many pages link elsewhere: a hub's 更多 links to the columns every side menu lists."""
        zones, fingerprints = page.zones, self.fingerprints
        menus = self.menus(page)
        return [
            link
            for link in page.links
            if link.tag in _CONTENT_TAGS
            and link.region is Region.MAIN
            and not (
                0 <= link.zone < len(zones) and (zones[link.zone].fingerprint in fingerprints or link.zone in menus)
            )
        ]

    def same_as(self, page: Page, other: Page) -> bool:
        """`page` shows what `other` shows (a home-page tab, `index.html?tab=2`): the same content, or at
        least SAME_SHARE of its blocks."""
        if page.content_hash and page.content_hash == other.content_hash:
            return True
        mine = {z.fingerprint for z in page.zones}
        if not mine:
            return True  # stored before blocks were recorded: only the URL can tell
        return len(mine & {z.fingerprint for z in other.zones}) >= SAME_SHARE * len(mine)

    def menus(self, page: Page) -> frozenset[int]:
        """Blocks that link the page itself among other links: a menu with the current entry in it.

        Pagination (首页, 1) and dated rows link a list page to itself too; they make no menu. Once per page:
        the page's own links and the column search both ask.
        """
        found = self._menus.get(page.url)
        if found is None:
            itself = {page.url, page.final_url}
            found = (
                frozenset(
                    link.zone
                    for link in page.links
                    if link.zone >= 0
                    and link.url in itself
                    and link.zone < len(page.zones)
                    and page.zones[link.zone].links > 1
                    and not link.date
                    and not is_pagination(link.text)
                )
                or _NO_MENUS
            )
            self._menus[page.url] = found
        return found

    def own_text(self, page: Page) -> list[Zone]:
        """The page's own blocks that have words outside their links, in page order (not in nav or footer)."""
        return [z for z in self.own_zones(page) if z.chars and z.region is Region.MAIN]

    def blocks(self) -> list[TemplateBlock]:
        """The template's blocks, most repeated first, for the report (TEMPLATE_SHOWN at most)."""
        first: dict[int, tuple[Zone, str]] = {}
        for page in self.site.html_pages:
            for zone in page.zones:
                if zone.fingerprint in self.fingerprints and zone.fingerprint not in first:
                    first[zone.fingerprint] = (zone, page.url)
        ranked = sorted(first.items(), key=lambda item: (-self._counts[item[0]], item[1][0].key))
        return [
            TemplateBlock(zone.key, self._counts[fp], zone.links, zone.text, url)
            for fp, (zone, url) in ranked[:TEMPLATE_SHOWN]
        ]
