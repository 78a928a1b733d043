"""What a page shows: title, headings, meta tags, dates, text and every link target, read with lxml.

Runs on every crawled page, so it walks the tree once and never builds a BeautifulSoup tree.
"""

from __future__ import annotations

import functools
import hashlib
import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree

from core.dates import date_from_url, find_dates, parse_meta_date
from core.model import (
    ANCHORS,
    ANCHORS_LIMIT,
    BREADCRUMB,
    JIUCUO_SITECODE,
    LINKS_DROPPED,
    LINKS_LIMIT,
    SCRIPTS,
    TEXT_LIMIT,
    TOO_DEEP,
    ZONE_TEXT,
    DateMention,
    DateSource,
    Form,
    Link,
    LinkTag,
    Region,
    Zone,
)

LINK_TEXT_LIMIT = 200
HEADINGS_LIMIT = 20
DATES_LIMIT = 20
FORMS_LIMIT = 10
CONTEXT_DEPTH = 3
"""How far up from a link to look for its list item (li, tr, dd) and the date beside it."""

_ITEM_TAGS = frozenset({"li", "tr", "dd", "dt"})
_SKIP_TEXT = frozenset({"script", "style", "noscript", "template"})
_REGION_TAGS = {"nav": Region.NAV, "header": Region.HEADER, "footer": Region.FOOTER}
# Class and id words real portals use for their layout blocks (nav, daohang, dh, top, foot, bottom…).
_REGION_WORDS = (
    (Region.FOOTER, re.compile(r"foot|bottom|copyright|dibu|banquan", re.I)),
    (
        Region.NAV,
        re.compile(r"nav|menu|daohang|\bdh\b|crumb|position|location|dqwz|\bwz\b|sidebar|subnav|leftnav", re.I),
    ),
    (Region.HEADER, re.compile(r"header|\bhead\b|\btop\b|topbar|logo", re.I)),
)
_SPACE = re.compile(r"\s+")
# Entry pages: `location.href = 'x'`, `window.location = "x"`, `location.replace('x')`; a quoted
# string that goes on with `+ id` is built at run time and cannot be followed.
_JS_REDIRECT = re.compile(
    r"""location(?:\.href)?\s*=\s*(['"])([^'"\n]{1,500})\1\s*(?:;|$|<|\n|\})"""
    r"""|location\.(?:replace|assign)\(\s*(['"])([^'"\n]{1,500})\3\s*\)""",
    re.M,
)
_WRITTEN_SRC = re.compile(r"""<script[^>]*\ssrc\s*=\s*['"]?([^'" >]+)""", re.I)
BLOCK_CLIMB = 7
"""Levels above a list to look for its block's title."""
BLOCK_SIBLINGS = 3
BLOCK_TITLE_MAX = 12
_MORE = re.compile(r"更多|more|[>»›+]+|&gt;", re.I)
_HAS_DIGIT_RUN = re.compile(r"\d{2,}[-/.年]")
_MARKED = etree.XPath("//*[@class or @id or (self::a and @name)]")
"""The elements a page names: where `#fragments` point and where breadcrumbs are found, in one pass."""
_CRUMB_NAMES = ("crumb", "position", "location", "dqwz")
"""Words in the class or id of a breadcrumb's element (dqwz: 当前位置). Matched in Python over the named
elements: three times cheaper than eight XPath contains() evaluated on every element."""
_CRUMB_LABEL = re.compile(r"^.*?(当前位置|您的位置|您现在的位置|所在位置)\s*[:：]?\s*")
_CRUMB_TOOLS = re.compile(r"字号|打印|\||【|分享|\s{2,}")
"""Page tools that share the breadcrumb's line on real portals (字号：大 中 小 | 打印)."""
_CRUMB_SPLIT = re.compile(r"\s*(?:>|&gt;|»|›|→|＞|/)\s*")
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\";]+)", re.I)
# Plain etree elements, not lxml.html's: its per-element class lookup costs more than the parse.
_PARSER = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
_TEXT_INPUTS = frozenset({"", "text", "search"})
_CLOSING_ROOT = re.compile(r"</(?:html|body)\s*>", re.I)
_LABEL_SLICE = 4000
"""Labelled dates (发布日期：…) sit near the top of an article; later text is lists and footers."""


@dataclass(frozen=True, slots=True)
class Extracted:
    title: str
    headings: tuple[str, ...]
    meta: dict[str, str]
    dates: tuple[DateMention, ...]
    links: tuple[Link, ...]
    forms: tuple[Form, ...]
    text: str
    main_chars: int
    """Visible characters outside nav, header and footer: tells a blank column from a page of text."""
    zones: tuple[Zone, ...] = ()


def _clean(text: str | None, limit: int = LINK_TEXT_LIMIT) -> str:
    return _SPACE.sub(" ", text or "").strip()[:limit]


class _Resolver:
    """Absolute URLs for a page's hrefs. Most hrefs are absolute paths or full URLs: those skip urljoin."""

    def __init__(self, base: str):
        self.base = base
        parts = urlsplit(base)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.scheme = parts.scheme
        # A relative path is joined to the base's folder alone: the pages of one folder share the cache.
        self.folder = f"{self.origin}{parts.path[: parts.path.rfind('/') + 1] or '/'}" if parts.scheme else base

    def __call__(self, href: str) -> tuple[str, str]:
        """The absolute URL without its fragment, and the fragment."""
        href = href.strip()
        if "\\" in href:
            href = href.replace("\\", "/")
        href, _, fragment = href.partition("#")
        if href.startswith(("http://", "https://")) and "/." not in href:
            return href, fragment
        if href.startswith("/") and not href.startswith("//") and "/." not in href:
            return self.origin + href, fragment
        if href and href[0] not in "?;":
            return _joined(self.folder, href), fragment
        return _joined(self.base, href), fragment


@functools.lru_cache(maxsize=8192)
def _joined(base: str, href: str) -> str:
    """urljoin, with scheme and host in lower case; cached: a template's relative links repeat on every page."""
    try:
        url = urljoin(base, href)
    except ValueError:  # a malformed href such as "http://[::1" — keep it as written
        return href
    scheme, sep, rest = url.partition("://")
    if sep and (not scheme.islower() or not rest.split("/", 1)[0].islower()):
        host, slash, path = rest.partition("/")  # HTTP://WWW.X.GOV.CN/ is one site with http://www.x.gov.cn/
        url = f"{scheme.lower()}://{host.lower()}{slash}{path}"
    return url


def _file_name(url: str) -> str:
    return unquote(posixpath.basename(urlsplit(url).path))


class _Regions:
    """Region of an element from its ancestors' tags, ids and classes; cached per element."""

    def __init__(self) -> None:
        self._cache: dict[etree._Element, Region] = {}

    def of(self, el: etree._Element) -> Region:
        chain = []
        node = el.getparent()
        region = Region.MAIN
        while node is not None:
            cached = self._cache.get(node)
            if cached is not None:
                region = cached
                break
            chain.append(node)
            found = self.own(node)
            if found is not None:
                region = found
                break
            node = node.getparent()
        for seen in chain:
            self._cache[seen] = region
        return region

    @staticmethod
    def own(node: etree._Element) -> Region | None:
        tag = node.tag
        if tag in _REGION_TAGS:
            return _REGION_TAGS[tag]
        words = f"{node.get('class', '')} {node.get('id', '')}"
        if words == " ":
            return None
        # A template repeats a handful of class/id pairs on every page: each is matched once per crawl.
        if words not in _OWN_REGIONS:
            if len(_OWN_REGIONS) >= OWN_REGIONS_LIMIT:
                _OWN_REGIONS.clear()
            _OWN_REGIONS[words] = next((region for region, pattern in _REGION_WORDS if pattern.search(words)), None)
        return _OWN_REGIONS[words]


OWN_REGIONS_LIMIT = 20_000
_OWN_REGIONS: dict[str, Region | None] = {}
"""class and id words → the region they name (None: no region); emptied when full."""


def _text_of(el: etree._Element) -> str:
    # Most links are <a>words</a>: .text alone. Otherwise libxml2's own text serializer: the same words as
    # "".join(el.itertext()), a ninth of its cost (list items are read for their dates on every page).
    if len(el) == 0:
        return el.text or ""
    return etree.tostring(el, method="text", encoding=str, with_tail=False)


def _list_item(el: etree._Element) -> etree._Element | None:
    """The list item (li, tr, dd…) a link sits in, else its parent; None at the top of the page."""
    node = el.getparent()
    for _ in range(CONTEXT_DEPTH):
        if node is None:
            return None
        if node.tag in _ITEM_TAGS:
            return node
        node = node.getparent()
    node = el.getparent()
    return None if node is None or node.tag in ("body", "html") else node


def _item_date(item: etree._Element, anchor_text: str) -> str | None:
    """The date printed next to a link in its list item, month-day allowed."""
    text = _text_of(item)
    if len(text) > 400:
        return None  # a whole block, not one item
    if anchor_text:
        text = text.replace(anchor_text, " ", 1)
    found = find_dates(text, month_day=True, limit=1)
    return found[0].value if found else None


class _Blocks:
    """The title of the block a dated list sits in (要闻, 通知公告), from the nearest short text above it."""

    def __init__(self) -> None:
        self._cache: dict[etree._Element, str] = {}

    def title(self, item: etree._Element) -> str:
        container = item.getparent()
        if container is None:
            return ""
        if container not in self._cache:
            self._cache[container] = self._find(container)
        return self._cache[container]

    def _find(self, container: etree._Element) -> str:
        el: etree._Element | None = container
        child: etree._Element | None = None
        for _ in range(BLOCK_CLIMB):
            assert el is not None  # the loop below breaks before stepping past the root
            sibling, steps = el.getprevious(), 0
            while sibling is not None and steps < BLOCK_SIBLINGS:
                if (
                    isinstance(sibling.tag, str)
                    and sibling.tag not in _SKIP_TEXT
                    and _Regions.own(sibling) in (None, Region.MAIN)
                ):  # a menu above is not a heading
                    title = _tab_title(sibling, el, child) or _block_title(sibling)
                    if title:
                        return title
                sibling, steps = sibling.getprevious(), steps + 1
            el, child = el.getparent(), el
            if el is None or el.tag in ("body", "html"):
                break
        return ""


def _tab_title(heads: etree._Element, body: etree._Element, pane: etree._Element | None) -> str:
    """A tabbed box: the tab of the pane the list sits in. Tabs are `li`s above the panes, which are either
    the children of the next block (`div.hd > ul > li` × N, `div.bd > div.item` × N) or the blocks after
    the tabs themselves (`div#twoTitle`, then `div#con_two_1` … `div#con_two_N`)."""
    tabs = [t for t in (_MORE.sub("", _clean(_text_of(li))).strip() for li in heads.iter("li")) if t]
    if len(tabs) < 2 or not all(len(t) <= BLOCK_TITLE_MAX for t in tabs):
        return ""
    for panes, this in (
        ([c for c in body if _is_pane(c)], pane),
        ([c for c in heads.itersiblings() if _is_pane(c)], body),
    ):
        if this is not None and len(panes) == len(tabs) and this in panes:
            return tabs[panes.index(this)]
    return ""


def _is_pane(el: etree._Element) -> bool:
    return isinstance(el.tag, str) and el.tag not in _SKIP_TEXT


def _block_title(el: etree._Element) -> str:
    """Short heading words in an element: its own text, else a heading-like child's, without 更多."""
    for candidate in (el, *el.iter("h1", "h2", "h3", "h4", "li", "span", "strong", "b", "a")):
        text = _MORE.sub("", _clean(_text_of(candidate))).strip()
        if 2 <= len(text) <= BLOCK_TITLE_MAX and not _HAS_DIGIT_RUN.search(text):
            return text
    return ""


_ZONE_TAGS = frozenset({"ul", "ol", "dl", "table", "nav", "header", "footer", "aside", "form", "body"})
"""Elements that always make a block of their own: a list, a table, a layout landmark."""
_NAMED_ZONE_TAGS = frozenset({"div", "td", "section", "article", "main", "p", "span"})
"""Elements that make a block when the template names them (class or id): `div.zx_list`, `td#left`."""
_STATE_WORDS = re.compile(
    r"^(on|active|cur|current|curr|hover|select|selected|sel|this|now|show|hide|clearfix|fl|fr)$", re.I
)
"""Class words that say how a block looks on this page (the current menu entry), not which block it is."""
_DIGITS = re.compile(r"\d+")
ZONE_KEY_DEPTH = 6
"""Named blocks kept in a zone's key, innermost last: enough to tell the side menu from the list."""
ZONES_LIMIT = 200


def _zone_part(el: etree._Element) -> str:
    """`div#left.sub_nav`: tag, id and class words, without digits and state words (on, cur)."""
    return _named_part(str(el.tag), el.get("id") or "", el.get("class") or "")


@functools.lru_cache(maxsize=4096)
def _named_part(tag: str, ident: str, classes: str) -> str:
    # Cached: a template names the same few blocks on every page.
    part = tag
    ident = _DIGITS.sub("", ident.strip())[:30]
    if ident:
        part += "#" + ident
    words = sorted({_DIGITS.sub("", w)[:30] for w in classes.split() if not _STATE_WORDS.match(w)})
    return part + "".join("." + w for w in words if w)


class _Zones:
    """The page's blocks (lists, menus, boxes, footer) and what each holds: the facts the template model
    (checks/template.py) compares across pages.

    A link or a text belongs to the nearest block element above its list item, so that a list is one block
    and not one per row. A block is known by its key, the path of named blocks down to it.
    """

    def __init__(self, regions: _Regions) -> None:
        self._index: dict[etree._Element, int] = {}
        self._keys: dict[etree._Element, str] = {}
        self._of: dict[etree._Element, etree._Element | None] = {}
        self.keys: list[str] = []
        self.links: list[list[str]] = []
        self.texts: list[list[str]] = []
        self.regions: list[Region] = []
        self._regions = regions
        """The page's own region cache: a block's region is its elements'."""

    def of(self, el: etree._Element) -> etree._Element | None:
        """The block element `el` sits in."""
        if el in self._of:
            return self._of[el]
        start: etree._Element | None = el
        node: etree._Element | None = el
        for _ in range(CONTEXT_DEPTH + 1):  # step out of the list item: one block per list
            if node is None:
                break
            if node.tag in _ITEM_TAGS:
                start = node.getparent() if node.getparent() is not None else node
                break
            node = node.getparent()
        node = start
        while node is not None and not self._is_zone(node):
            node = node.getparent()
        self._of[el] = node
        return node

    @staticmethod
    def _is_zone(node: etree._Element) -> bool:
        tag = node.tag
        return tag in _ZONE_TAGS or (tag in _NAMED_ZONE_TAGS and bool(node.get("class") or node.get("id")))

    def _zone(self, node: etree._Element | None) -> int:
        """The block's index, counting it from its first link or words; -1 past ZONES_LIMIT blocks."""
        if node is None:
            return -1
        index = self._index.get(node)
        if index is None:
            if len(self.keys) >= ZONES_LIMIT:
                return -1
            index = self._index[node] = len(self.keys)
            self.keys.append(self._key(node))
            own = _Regions.own(node)
            self.regions.append(own if own is not None else self._regions.of(node))
            self.links.append([])
            self.texts.append([])
        return index

    def _key(self, node: etree._Element) -> str:
        key = self._keys.get(node)
        if key is None:
            parent = node.getparent()
            while parent is not None and not self._is_zone(parent):
                parent = parent.getparent()
            above = self._key(parent) if parent is not None and parent.tag != "html" else ""
            parts = [*(above.split("/") if above else [])[-(ZONE_KEY_DEPTH - 1) :], _zone_part(node)]
            key = self._keys[node] = "/".join(parts)
        return key

    def add_link(self, node: etree._Element | None, url: str) -> int:
        index = self._zone(node)
        if index >= 0:
            self.links[index].append(url)
        return index

    def add_text(self, node: etree._Element | None, text: str) -> None:
        index = self._zone(node)
        if index >= 0:
            self.texts[index].append(text)

    def zones(self) -> tuple[Zone, ...]:
        out = []
        for key, links, texts, region in zip(self.keys, self.links, self.texts, self.regions, strict=True):
            text = _SPACE.sub(" ", " ".join(texts)).strip()
            # One update of the same bytes as one per target: the digest only sees the bytes.
            targets = "".join("\n" + target for target in sorted(set(links)))
            digest = hashlib.blake2b(
                f"{key}{targets}\0{_SPACE.sub('', text)[:500]}".encode("utf-8", "surrogatepass"), digest_size=8
            )
            out.append(
                Zone(
                    key,
                    int.from_bytes(digest.digest(), "big", signed=True),
                    len(links),
                    len(text.replace(" ", "")),
                    text[:ZONE_TEXT],
                    region,
                )
            )
        return tuple(out)


def extract(html: str, url: str) -> Extracted:
    """Everything gapcheck records of one HTML page."""
    # A stray </html> mid-page (real on gov.cn) makes libxml2 drop everything after it; the closing
    # tags carry nothing, so they go.
    html = _CLOSING_ROOT.sub("", html)
    try:
        doc = etree.fromstring(html.encode("utf-8", "surrogatepass"), _PARSER)
    except (etree.ParserError, ValueError, etree.XMLSyntaxError):
        doc = None
    # libxml2 stops at its depth limit and drops the rest of the page without raising: only its log says so.
    too_deep = any(e.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT for e in _PARSER.error_log)
    if doc is None:
        return Extracted("", (), {TOO_DEEP: "1"} if too_deep else {}, (), (), (), "", 0)
    base = url
    for el in doc.iter("base"):
        if el.get("href"):
            base = urljoin(url, el.get("href"))
            break
    resolve = _Resolver(base)

    meta: dict[str, str] = {}
    links: list[Link] = []
    regions = _Regions()
    blocks = _Blocks()
    zones = _Zones(regions)
    dropped = [0]
    seen: set[tuple[str, LinkTag]] = set()

    def add(
        target: str,
        tag: LinkTag,
        el: etree._Element | None,
        text: str = "",
        title: str = "",
        date: str | None = None,
        block: str = "",
    ) -> None:
        absolute, fragment = resolve(target)
        if not absolute or ((absolute, tag) in seen and not text):
            return
        if len(links) >= LINKS_LIMIT:
            dropped[0] += 1
            return
        seen.add((absolute, tag))
        region = regions.of(el) if el is not None else Region.MAIN
        zone = -1
        if el is not None and tag in (LinkTag.A, LinkTag.AREA):
            zone = zones.add_link(zones.of(el), absolute)
        links.append(Link(absolute, tag, text, title, region, date, fragment, block, zone))

    for el in doc.iter("a", "area", "img", "script", "link", "frame", "iframe", "embed", "meta"):
        tag = el.tag
        if tag in ("a", "area"):
            href = el.get("href")
            if not href or href.startswith("#"):
                continue
            text = _clean(_text_of(el))
            if not text:
                for img in el.iter("img"):
                    text = _clean(img.get("alt") or img.get("title"))
                    if text:
                        break
            title = _clean(el.get("title"))
            item = _list_item(el)
            date = _item_date(item, text) if item is not None else None
            add(
                href,
                LinkTag.A if tag == "a" else LinkTag.AREA,
                el,
                text,
                title,
                date,
                blocks.title(item) if date and item is not None else "",
            )
        elif tag == "img":
            src = el.get("src") or el.get("data-src")
            if src:
                add(
                    src,
                    LinkTag.IMG,
                    el,
                    _clean(el.get("alt") or el.get("title")) or _file_name(src),
                    _clean(el.get("title")),
                )
        elif tag == "script":
            src = el.get("src")
            if src:
                add(src, LinkTag.SCRIPT, el)
                if el.get("sitecode"):  # the national 找错 widget: <script id="_jiucuo_" sitecode='…'>
                    meta.setdefault(JIUCUO_SITECODE, _clean(el.get("sitecode"), 40))
            elif el.text:
                if "location" in el.text:
                    for m in _JS_REDIRECT.finditer(el.text):
                        add(m.group(2) or m.group(4), LinkTag.SCRIPT_REDIRECT, el)
                if "%3Cscript" in el.text or "%3cscript" in el.text:
                    # document.write(unescape("%3Cscript src='…'")): how the 党政机关 badge is embedded.
                    for m in _WRITTEN_SRC.finditer(unquote(el.text)):
                        add(m.group(1), LinkTag.SCRIPT, el)
        elif tag == "link":
            href = el.get("href")
            if href and (el.get("rel") or "").lower() in ("stylesheet", "icon", "shortcut icon"):
                add(href, LinkTag.STYLESHEET, el)
        elif tag in ("frame", "iframe", "embed"):
            src = el.get("src")
            if src:
                add(src, LinkTag.EMBED if tag == "embed" else LinkTag(tag), el)
        else:  # meta
            name = (el.get("name") or el.get("http-equiv") or el.get("property") or "").strip().lower()
            content = el.get("content") or ""
            if name == "refresh":
                refresh = _REFRESH_URL.search(content)
                if refresh:
                    add(refresh.group(1).strip(), LinkTag.REFRESH, el)
            elif name and len(meta) < 40:
                meta.setdefault(name, _clean(content, 500))

    forms = tuple(_form(el, resolve) for el in doc.iter("form"))[:FORMS_LIMIT]
    scripts = sum(1 for _ in doc.iter("script"))
    if scripts:
        meta[SCRIPTS] = str(scripts)
    marked = _MARKED(doc)
    anchors = _anchors(marked)
    if anchors:
        meta[ANCHORS] = anchors
    if dropped[0]:
        meta[LINKS_DROPPED] = str(dropped[0])
    if too_deep:
        meta[TOO_DEEP] = "1"
    trail = _breadcrumb(marked)
    if trail:
        meta[BREADCRUMB] = trail
    titles = doc.xpath("//title")
    title = _clean(_text_of(titles[0])) if titles else ""
    headings = tuple(h for h in (_clean(_text_of(el)) for el in doc.iter("h1", "h2", "h3")) if h)
    text, main_chars = _visible_text(doc, zones)
    return Extracted(
        title,
        headings[:HEADINGS_LIMIT],
        meta,
        _page_dates(meta, text, url),
        tuple(links),
        forms,
        text,
        main_chars,
        zones.zones(),
    )


def _anchors(marked: list[etree._Element]) -> str:
    """Every name a `#fragment` can point at on this page: ids, and `<a name>` of older pages."""
    names: dict[str, None] = {}
    for el in marked:
        for value in (el.get("id"), el.get("name") if el.tag == "a" else None):
            if value and len(names) < ANCHORS_LIMIT:
                names.setdefault(value.strip()[:100], None)
    return " ".join(n for n in names if n and " " not in n)


def _breadcrumb(marked: list[etree._Element]) -> str:
    """The 当前位置 trail as "首页 > 政务公开 > 专项资金", from the first element that looks like one."""
    for el in marked:
        names = f"{el.get('class') or ''} {el.get('id') or ''}"
        if not any(word in names for word in _CRUMB_NAMES):
            continue
        text = _clean(_text_of(el), 300)
        text = _CRUMB_TOOLS.split(_CRUMB_LABEL.sub("", text), 1)[0]
        parts = [p.strip() for p in _CRUMB_SPLIT.split(text) if p.strip()]
        if 2 <= len(parts) <= 10:
            return " > ".join(parts)
    return ""


def _form(el: etree._Element, resolve: _Resolver) -> Form:
    fields, words = [], [_text_of(el)]
    for field in el.iter("input", "textarea"):
        if field.tag == "textarea" or (field.get("type") or "").lower() in _TEXT_INPUTS:
            name = field.get("name") or field.get("id")
            if name:
                fields.append(name[:40])
            words.append(field.get("placeholder") or "")
        elif (field.get("type") or "").lower() in ("submit", "button", "image"):
            words.append(field.get("value") or field.get("alt") or "")
    return Form(
        resolve(el.get("action") or "")[0],
        (el.get("method") or "get").lower(),
        tuple(fields[:20]),
        _clean(" ".join(words)),
    )


def _visible_text(doc: etree._Element, zones: _Zones) -> tuple[str, int]:
    """The page's visible text, and how many of its characters sit outside nav, header and footer.

    Text outside links is also given to its block (`zones`): a blank column's 暂无信息 is such a text.
    """
    parts: list[str] = []
    budget = [TEXT_LIMIT * 2]
    main = [0]

    def add(text: str, in_main: bool, node: etree._Element | None) -> None:
        parts.append(text)
        budget[0] -= len(text)
        if in_main:
            main[0] += len(text.strip())
        if node is not None and not text.isspace():  # most texts are the spaces between tags: no block asked
            zones.add_text(zones.of(node), text)

    def walk(node: etree._Element, in_main: bool, in_link: bool) -> None:
        if in_main:
            region = _Regions.own(node)
            in_main = region is None or region is Region.MAIN
        in_link = in_link or node.tag == "a"
        owner = None if in_link else node  # words inside a link are the link's, not its block's
        # Each read of an lxml element's tag, text or tail makes a new string: read once.
        text = node.text
        if text:
            add(text, in_main, owner)
        for child in node:
            if budget[0] <= 0:
                return
            tag = child.tag
            if isinstance(tag, str) and tag not in _SKIP_TEXT and tag != "head":
                walk(child, in_main, in_link)
            tail = child.tail
            if tail:
                add(tail, in_main, owner)

    walk(doc, True, False)
    return _clean(" ".join(parts), TEXT_LIMIT), main[0]


def _page_dates(meta: dict[str, str], text: str, url: str) -> tuple[DateMention, ...]:
    dates: list[DateMention] = []
    for name in ("pubdate", "publishdate", "firstpublishedtime", "article:published_time"):
        value = parse_meta_date(meta.get(name, ""))
        if value:
            dates.append(DateMention(value, meta[name], DateSource.META))
            break
    dates.extend(d for d in find_dates(text[:_LABEL_SLICE]) if d.source is DateSource.LABEL)
    from_url = date_from_url(url)
    if from_url:
        dates.append(DateMention(from_url, urlsplit(url).path, DateSource.URL))
    return tuple(dates[:DATES_LIMIT])
