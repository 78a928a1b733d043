"""Columns (栏目) as an inspector sees them: a named list page, its items and its newest date.

A column is recognised from what real portals show: a `ColumnName` meta tag, a navigation or hub link
whose words name a column kind or a required column, or a page that lists dated items (named by its
breadcrumb). Its kind comes from its name, else from its `ColumnType` meta tag. Its items are
the links in its list area (template links, pagination and breadcrumbs excluded), across its
pagination pages.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from urllib.parse import urlsplit

from .dates import date_from_url
from .matching import WORDS_CACHED, Aliases, is_article, normalize
from .model import BREADCRUMB, LinkTag, Page, Region, Site
from .options import ColumnKind, Options

PAGINATION = re.compile(r"^(下一页|上一页|下页|上页|首页|尾页|末页|前页|后页|前一页|后一页|\d{1,4}|[<>«»]{1,2}|next|prev)$", re.I)
COLUMN_NAME_MAX = 12
"""Longer link texts are article titles, not column names."""
LIST_PAGE_MIN_DATED = 3
TEMPLATE_SHARE = 0.5
"""A link on at least this share of pages belongs to the site's template, not to a column's list."""
BLANK_TEXT_MAX = 40
"""A column page with no items and at most this much text of its own (title, 暂无信息) is blank."""


class ColumnStatus(StrEnum):
    """How a column stands against its freshness duty."""

    FRESH = "fresh"
    STALE = "stale"
    BLANK = "blank"
    """Opened, but has never had any item."""
    UNDATED = "undated"
    """Has items but none with a date: counts as not updated."""
    UNLIMITED = "unlimited"
    """Its kind carries no update duty."""


@dataclass(frozen=True, slots=True)
class ColumnItem:
    title: str
    url: str
    date: dt.date | None


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    url: str
    kind: ColumnKind | None
    items: tuple[ColumnItem, ...]
    pages: tuple[str, ...]
    """The column page and its pagination pages."""
    own_text: int = 0
    """Characters of the column page's own text, outside navigation and footer."""

    @property
    def newest(self) -> dt.date | None:
        return max((i.date for i in self.items if i.date), default=None)

    @property
    def blank(self) -> bool:
        return not self.items and self.own_text <= BLANK_TEXT_MAX

    def status(self, as_of: dt.date) -> ColumnStatus:
        if self.blank:
            return ColumnStatus.BLANK
        if self.kind is None or self.kind.limit is None:
            return ColumnStatus.UNLIMITED
        newest = self.newest
        if newest is None:
            return ColumnStatus.UNDATED
        return ColumnStatus.FRESH if newest >= self.kind.limit.cutoff(as_of) else ColumnStatus.STALE


def find_columns(site: Site, options: Options) -> list[Column]:
    """Every column the crawl reached, in the order a visitor meets them."""
    names = _candidates(site, options)
    template = _template_links(site)
    claimed: set[str] = set()
    columns = []
    for url, name in names.items():
        if url in claimed:
            continue
        page = site.page(url)
        pages = _pagination(site, page)
        claimed.update(p.url for p in pages)
        items = _items(site, pages, template)
        kind = kind_of(name, options) or (None if name in options.column_names
                                          else kind_of(page.meta.get("columntype", ""), options))
        if not items and kind is None and not page.meta.get("columnname") and page.main_chars > BLANK_TEXT_MAX:
            continue  # a page of text that a link happened to name, not a list
        columns.append(Column(name, page.url, kind, tuple(items), tuple(p.url for p in pages), page.main_chars))
    return columns


def kind_of(name: str, options: Options) -> ColumnKind | None:
    """The column kind whose longest keyword the name contains; the profile's overrides first."""
    by_key = {k.key: k for k in options.column_kinds}
    if name in options.column_names:
        return by_key.get(options.column_names[name])
    norm = normalize(name)
    best, best_len = None, 0
    for kind in options.column_kinds:
        for keyword in kind.keywords:
            k = normalize(keyword)
            if k and k in norm and len(k) > best_len:
                best, best_len = kind, len(k)
    return best


def resolve_date(value: str | None, url: str, site: Site) -> dt.date | None:
    """A list item's date, completing a month-day with the year from the URL or the article."""
    target = site.page(url)
    if value is None:
        value = target.best_date() if target is not None and target.ok else None
        if value is None:
            return None
    if not value.startswith("--"):
        date = dt.date.fromisoformat(value)
        return date if date <= site.as_of else None  # a date after the check is a typo, not an update
    month, day = int(value[2:4]), int(value[5:7])
    for full in (date_from_url(url), target.best_date() if target is not None else None):
        if full and int(full[5:7]) == month and int(full[8:10]) == day:
            return dt.date.fromisoformat(full)
    # A list shows month-day only for recent items: take the latest such date not after the as-of.
    year = site.as_of.year
    for y in (year, year - 1):
        try:
            candidate = dt.date(y, month, day)
        except ValueError:
            continue
        if candidate <= site.as_of:
            return candidate
    return None


def _candidates(site: Site, options: Options) -> dict[str, str]:
    """Column page URL → the column's name, from meta tags first, then link words."""
    landing = site.landing
    skip = {site.start_url} | ({landing.url} if landing else set())
    skip |= {p.url for p in site.html_pages if p.is_entry_stub}
    names: dict[str, str] = {}
    for page in site.html_pages:
        name = page.meta.get("columnname", "").strip()
        if name and page.ok and page.url not in skip and not is_article(page):
            names[page.url] = name
    labels = Aliases(tuple(
        [kw for kind in options.column_kinds for kw in kind.keywords]
        + [m for r in options.requirements if not r.on_homepage for m in r.match]
    ))
    link_names: dict[str, Counter[str]] = {}
    for page in site.html_pages:
        for link in page.links:
            if link.tag is not LinkTag.A or not link.text or len(link.text) > COLUMN_NAME_MAX:
                continue
            if link.date or is_pagination(link.text):
                continue
            is_nav = link.region is Region.NAV and page is landing
            if not (is_nav or labels.hit(link.text)):
                continue
            target = site.page(link.url)
            if target is None or not target.ok or not target.is_html or target.url in skip:
                continue
            if is_article(target):
                continue
            counts = link_names.get(target.url)
            if counts is None:
                counts = link_names[target.url] = Counter()
            counts[link.text.strip()] += 1
    for url, counts in link_names.items():
        names.setdefault(url, counts.most_common(1)[0][0])
    for page in site.html_pages:
        if page.url in names or page.url in skip or not page.ok or is_article(page):
            continue
        dated = sum(1 for link in page.links if link.date and link.region is Region.MAIN)
        if dated >= LIST_PAGE_MIN_DATED:
            names[page.url] = _page_name(page)
    return names


@lru_cache(maxsize=WORDS_CACHED)
def is_pagination(text: str) -> bool:
    """Link words of a pagination link: 下一页, 尾页, a page number."""
    return PAGINATION.match(text.strip()) is not None


def _page_name(page: Page) -> str:
    """A list page's name: the last step of its breadcrumb, else a short heading, else its title."""
    trail = page.meta.get(BREADCRUMB, "").split(" > ")[-1]
    if trail and len(trail) <= COLUMN_NAME_MAX:
        return trail
    for heading in page.headings:
        if heading and len(heading) <= COLUMN_NAME_MAX:
            return heading
    return page.title or page.url


def _template_links(site: Site) -> frozenset[str]:
    pages = site.html_pages
    if len(pages) < 4:
        return frozenset()
    # found_on lists each page linking to a target once: its length is the number of pages.
    return frozenset(url for url, on in site.found_on.items() if len(on) >= TEMPLATE_SHARE * len(pages))


def _folder(url: str) -> str:
    return posixpath.dirname(urlsplit(url).path)


def _pagination(site: Site, first: Page) -> list[Page]:
    """The column page and the pages its 下一页 / page-number links reach, in order.

    Pagination stays in the column's folder (index_1.html, ?page=2): a 首页 link in the navigation
    means the home page, not page one.
    """
    folder = _folder(first.final_url)
    pages, seen, queue = [], {first.url}, [first]
    while queue:
        page = queue.pop(0)
        pages.append(page)
        for link in page.links:
            if (link.tag is not LinkTag.A or link.region is not Region.MAIN or link.url in seen
                    or not is_pagination(link.text) or _folder(link.url) != folder):
                continue
            target = site.page(link.url)
            if target is not None and target.ok and target.is_html and target is not site.landing:
                seen.add(link.url)
                queue.append(target)
    return pages


def _items(site: Site, pages: list[Page], template: frozenset[str]) -> list[ColumnItem]:
    own = {p.url for p in pages} | {p.final_url for p in pages}
    items, seen = [], set()
    for page in pages:
        for link in page.links:
            if link.tag is not LinkTag.A or link.region is not Region.MAIN:
                continue
            if link.url in own or link.url in seen or link.url in template:
                continue
            if is_pagination(link.text) or not link.text.strip():
                continue
            seen.add(link.url)
            items.append(ColumnItem(link.text.strip(), link.url, resolve_date(link.date, link.url, site)))
    return items
