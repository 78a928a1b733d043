"""Columns (栏目) as an inspector sees them: a named list page, its own items and its newest date.

A column is one canonical URL: `dir/`, `dir/index.html`, `dir/index.shtml` and its pagination pages
(`index_2.html`, `?page=2`) are one column; a query string on the home page (`index.html?tab=…`) is the
home page, not a column. A column is recognised from what real portals show: a `ColumnName` meta tag, a
navigation or menu link (also an image with no words, named by its target), a link whose words name a
column kind or a required column, or a page whose own content lists dated items.

Its items are the links in its own content (checks/template.py: the template's blocks, menus,
breadcrumbs and pagination left out), across its pages. It is blank when it has no item and no words of
its own beyond a phrase such as 暂无信息. Its kind comes from the profile (by name, or by URL pattern),
else from a keyword in its name, else in its breadcrumb, else in its `ColumnType` meta tag; the column
says which (`why`), or 未分类 when nothing classified it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from core import patterns
from core.dates import date_from_url
from core.model import BREADCRUMB, LinkTag, Page, Region, Site

from .matching import Aliases, is_article, normalize
from .options import ColumnKind, Options
from .template import Template, is_pagination

__all__ = [
    "Column",
    "ColumnItem",
    "ColumnStatus",
    "column_url",
    "find_columns",
    "is_pagination",
    "kind_of",
    "resolve_date",
]

COLUMN_NAME_MAX = 12
"""Longer link texts are article titles, not column names."""
LIST_PAGE_MIN_DATED = 3
BLANK_TEXT_MAX = 40
"""A column page with no items and at most this much text of its own (beyond 暂无信息) is blank."""
UNCLASSIFIED = "未分类"

_INDEX_FILE = re.compile(r"/(?:index|default|list)(?:_\d{1,4})?\.(?:s?html?|jsp|php|aspx?)$", re.I)
"""`dir/index.html`, `dir/index_2.shtml`, `dir/list_3.htm`: the column `dir/` and its pages."""
_PAGE_PARAMS = frozenset({"page", "pagenum", "pageno", "pageindex", "curpage", "currentpage", "p", "pn", "start"})
"""Query parameters that only say which page of a list is shown."""
_BLANK_PHRASES = re.compile(
    r"(?:本栏目|该栏目|此栏目)?(?:暂无|暂时没有|还没有|没有)(?:相关|任何)?(?:信息|数据|内容|记录|文章|公开信息|结果)"
    r"|信息正在(?:更新|整理|录入|完善)中?|(?:正在|暂在)(?:更新|建设)中?|栏目(?:正在)?建设中|敬请期待"
    r"|共\s*0\s*条|第?\s*[01]\s*/\s*[01]\s*页|共\s*[01]\s*页|第\s*[01]\s*页|当前位置|您的位置|您现在的位置|所在位置"
    r"|[\s:：>»›/|]+"
)
"""Words a blank column page still shows: 暂无信息 and its kin, an empty pager, the breadcrumb's label."""


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
    """Characters of the column's own words (outside the template, menus and links), 暂无信息 not counted."""
    trail: str = ""
    """Its breadcrumb, "首页 > 政务公开 > 财政资金"."""
    why: str = UNCLASSIFIED
    """What gave it its kind: 名称含「动态」, 面包屑「预算公开」含「预算」, 配置 column_urls「…」, or 未分类."""
    shows: str = ""
    """The words its page shows in place of items (暂无信息), for a blank column's evidence."""

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


def column_url(url: str) -> str:
    """The one URL of a column: index files, pagination files and page parameters folded, no fragment."""
    parts = urlsplit(url)
    query = parts.query
    if query:
        query = urlencode(
            [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k.lower() not in _PAGE_PARAMS]
        )
    # list.jsp?cid=3 is a list endpoint for many columns: only a plain index file stands for its folder.
    path = parts.path or "/" if query else _folder(parts.path)
    return urlunsplit((parts.scheme, parts.netloc.lower(), path, query, ""))


def _folder(path: str) -> str:
    return _INDEX_FILE.sub("/", path or "/")


def find_columns(site: Site, options: Options, template: Template | None = None) -> list[Column]:
    """Every column the crawl reached, once each, in the order a visitor meets them."""
    template = template or Template(site)
    groups = _groups(site)
    names = _candidates(site, options, template, groups)
    columns = []
    for key, name in names.items():
        pages = groups[key]
        page = pages[0]
        items = _items(site, key, pages, template)
        own_text, shows = _own_words(page, template, name)
        trail = page.meta.get(BREADCRUMB, "")
        kind, why = classify(name, trail, page, options)
        if (
            kind is None
            and not page.meta.get("columnname")
            and own_text > BLANK_TEXT_MAX
            and sum(1 for item in items if item.date) < LIST_PAGE_MIN_DATED
        ):
            continue  # a page of text that a link happened to name (机构职能, 依申请公开), not a list
        columns.append(
            Column(name, page.url, kind, tuple(items), tuple(p.url for p in pages), own_text, trail, why, shows)
        )
    return columns


def kind_of(name: str, options: Options) -> ColumnKind | None:
    """The column kind whose longest keyword the name contains; the profile's overrides first."""
    if name in options.column_names:
        return {k.key: k for k in options.column_kinds}.get(options.column_names[name])
    found = _keyword_kind(name, options)
    return found[0] if found else None


def classify(name: str, trail: str, page: Page, options: Options) -> tuple[ColumnKind | None, str]:
    """The column's kind and what gave it: the profile, its name, its breadcrumb, its ColumnType."""
    by_key = {k.key: k for k in options.column_kinds}
    if name in options.column_names:
        return by_key.get(options.column_names[name]), f"配置 column_names「{name}」"
    for pattern, key in options.column_urls.items():
        if patterns.search(pattern, page.url, undecided=False):
            return by_key.get(key), f"配置 column_urls「{pattern}」"
    found = _keyword_kind(name, options)
    if found:
        return found[0], f"名称含「{found[1]}」"
    steps = [s for s in trail.split(" > ")[:-1] if s and s != "首页"]
    for step in reversed(steps):  # the nearest section first: 预算公开 > 2023年
        found = _keyword_kind(step, options)
        if found:
            return found[0], f"面包屑「{step}」含「{found[1]}」"
    column_type = page.meta.get("columntype", "")
    found = _keyword_kind(column_type, options) if column_type else None
    if found:
        return found[0], f"ColumnType「{column_type}」含「{found[1]}」"
    return None, UNCLASSIFIED


def _keyword_kind(text: str, options: Options) -> tuple[ColumnKind, str] | None:
    """The kind whose longest keyword `text` contains, with that keyword."""
    norm = normalize(text)
    best, best_len = None, 0
    for kind in options.column_kinds:
        for keyword in kind.keywords:
            k = normalize(keyword)
            if k and k in norm and len(k) > best_len:
                best, best_len = (kind, keyword), len(k)
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


def _groups(site: Site) -> dict[str, list[Page]]:
    """Canonical column URL → the readable pages under it, the column page itself first."""
    groups: dict[str, list[Page]] = {}
    for page in site.html_pages:
        if page.ok:
            groups.setdefault(column_url(page.final_url), []).append(page)
    for key, pages in groups.items():
        # The page a visitor opens first: the column URL itself, else its index file, else the shallowest.
        pages.sort(key=lambda p: (p.url != key, _page_number(p.url), p.depth, p.url))
    return groups


_PAGE_NUMBER = re.compile(
    r"_(\d{1,4})\.\w+$|[?&](?:page|pagenum|pageno|pageindex|curpage|currentpage|p|pn)=(\d+)", re.I
)


def _page_number(url: str) -> int:
    m = _PAGE_NUMBER.search(url)
    return int(m.group(1) or m.group(2)) if m else 0


def _is_article(page: Page) -> bool:
    """An article, by its meta tags or a date its CMS wrote into the URL (/art/2026/11/3/…, t20261103_1.html)."""
    return is_article(page) or date_from_url(page.url) is not None


def _candidates(site: Site, options: Options, template: Template, groups: dict[str, list[Page]]) -> dict[str, str]:
    """Canonical column URL → the column's name, from meta tags first, then link words, then list pages."""
    landing = site.landing
    home = {column_url(site.start_url)} | (
        {column_url(landing.final_url), column_url(landing.url)} if landing else set()
    )
    home_paths = {_folder(urlsplit(k).path) for k in home}
    # The home page's tabs (index.html?tab=2) are the home page again, not columns; a column of a CMS that
    # names every list index.jsp?channel=N shows a list of its own.
    skip = set(home) | {
        k
        for k, pages in groups.items()
        if _folder(urlsplit(k).path) in home_paths and landing is not None and template.same_as(pages[0], landing)
    }
    skip |= {column_url(p.url) for p in site.html_pages if p.is_entry_stub}
    names: dict[str, str] = {}
    for key, pages in groups.items():
        page = pages[0]
        name = page.meta.get("columnname", "").strip()
        if name and key not in skip and not is_article(page):
            names[key] = name
    labels = Aliases(
        tuple(
            [kw for kind in options.column_kinds for kw in kind.keywords]
            + [m for r in options.requirements if not r.on_homepage for m in r.match]
        )
    )
    link_names: dict[str, Counter[str]] = {}
    keys: dict[str, str | None] = {}
    """A target's final URL → its column, None when it is none (skipped, not a list, an article)."""
    fingerprints = template.fingerprints
    # The members looked up once: an Enum's member is a slow attribute, and this loop sees every link.
    a_tag, nav, main = LinkTag.A, Region.NAV, Region.MAIN
    for page in site.html_pages:
        for link in page.links:
            if link.tag is not a_tag or len(link.text) > COLUMN_NAME_MAX or link.date:
                continue
            text = link.text.strip()
            if text and is_pagination(text):
                continue
            # Navigation: the nav, a template block (the side menu on every page of a section), a menu
            # that holds the page itself. Not the header's and footer's links (网站地图, 找错, 联系我们).
            is_nav = link.region is nav
            if link.region is main and 0 <= link.zone < len(page.zones):
                is_nav = page.zones[link.zone].fingerprint in fingerprints or link.zone in template.menus(page)
            if not (is_nav or (text and labels.hit(text))):
                continue
            target = site.page(link.url)
            if target is None or target is page or not target.ok or not target.is_html:
                continue  # a page naming itself (its breadcrumb's last step) says nothing of what it is
            column = keys.get(target.final_url, "")
            if column == "":  # the nav's targets, asked from every page: judged once each
                key = column_url(target.final_url)
                column = keys[target.final_url] = (
                    None if key in skip or key not in groups or _is_article(groups[key][0]) else key
                )
            if column is None:
                continue
            key = column
            counts = link_names.get(key)
            if counts is None:
                counts = link_names[key] = Counter()
            if text:
                counts[text] += 1
    for key, counts in link_names.items():
        names.setdefault(key, counts.most_common(1)[0][0] if counts else _page_name(groups[key][0]))
    for key, pages in groups.items():
        if key in names or key in skip or is_article(pages[0]):
            continue
        dated = sum(1 for link in template.own_links(pages[0]) if link.date)
        if dated >= LIST_PAGE_MIN_DATED:
            names[key] = _page_name(pages[0])
    return {key: name for key, name in names.items() if not _is_hub(site, key, groups[key][0], names, template)}


HUB_MIN_COLUMNS = 2
"""Columns a page's own content must lead to for it to be a hub (政务公开, a sub-site's home page)."""


def _is_hub(site: Site, key: str, page: Page, names: dict[str, str], template: Template) -> bool:
    """A page whose own content shows other columns (their boxes, their 更多 links): a hub, not a column.

    Its items are the items of those columns, which are judged one by one.
    """
    if page.meta.get("columnname") and not any(link.date for link in template.own_links(page)):
        return False
    leads = set()
    for link in template.in_own_blocks(page):
        target = site.page(link.url)
        if target is not None:
            other = column_url(target.final_url)
            if other != key and other in names:
                leads.add(other)
                if len(leads) >= HUB_MIN_COLUMNS:
                    return True
    return False


def _page_name(page: Page) -> str:
    """A list page's name: the last step of its breadcrumb, else a short heading, else its title."""
    trail = page.meta.get(BREADCRUMB, "").split(" > ")[-1]
    if trail and len(trail) <= COLUMN_NAME_MAX:
        return trail
    for heading in page.headings:
        if heading and len(heading) <= COLUMN_NAME_MAX:
            return heading
    return page.title or page.url


def _own_words(page: Page, template: Template, name: str) -> tuple[int, str]:
    """How many characters of its own the column page shows beyond 暂无信息, its name and its pager; and
    what it shows (for a blank column's evidence)."""
    if not page.zones:  # stored before blocks were recorded
        return page.main_chars, ""
    chars, shown = 0, []
    drop = {normalize(name), normalize(page.title)} | {normalize(s) for s in page.meta.get(BREADCRUMB, "").split(" > ")}
    for zone in template.own_text(page):
        words = zone.text
        if normalize(words) in drop:
            continue
        shown.append(words)
        if zone.chars > len(words.replace(" ", "")):  # longer than what was kept: real content
            chars += zone.chars
            continue
        rest = _BLANK_PHRASES.sub("", words)
        for step in drop:
            if step:
                rest = rest.replace(step, "")
        chars += len(rest)
    return chars, "；".join(shown)[:80]


def _items(site: Site, key: str, pages: list[Page], template: Template) -> list[ColumnItem]:
    own = {p.url for p in pages} | {p.final_url for p in pages}
    items, seen = [], set()
    for page in pages:
        for link in template.own_links(page):
            if link.url in own or link.url in seen:
                continue
            text = link.text.strip() or link.title.strip()
            if not text or is_pagination(text) or column_url(link.url) == key:
                continue
            seen.add(link.url)
            items.append(ColumnItem(text, link.url, resolve_date(link.date, link.url, site)))
    return items
