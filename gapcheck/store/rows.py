"""Rows of the store as the model's objects: pages, links, zones, link checks and crawl notes, all made here.

Sized for runs of 100,000 pages: a string that repeats (a URL, a meta value, link words) is one string
object (`keep`, a dict's setdefault shared by one load), and a link, zone, headings or forms repeated on
many pages (the template's) is one object.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from core.model import (
    CertificateNote,
    CrawlStats,
    FetchError,
    Form,
    HostNote,
    Link,
    LinkCheck,
    LinkTag,
    NotFoundAnswer,
    Page,
    Region,
    TrapNote,
    Zone,
    best_date,
)

from .texts import IN_STORE, RunTexts, StoredMeta, StoredPage, StoredZone, date_mentions

Keep = Callable[[Any, Any], Any]
"""`strings.setdefault` of one load: the one object for each repeated string."""
T = TypeVar("T")

PAGE_COLUMNS_NO_TEXT = (
    "run_id, url, final_url, status, content_type, encoding, title, depth, referrer, "
    # What a StoredPage leaves in the store (size, validators, fetch time) not read either: NULL in its place.
    "NULL, content_hash, NULL, NULL, NULL, headings, meta, dates, "
    # The text's length, without reading the text into Python; None when length() would stop at a NUL.
    "CASE WHEN instr(text, char(0)) THEN NULL ELSE length(text) END, "
    "main_chars, error, forms, zones"
)
"""The `pages` columns in SELECT * order as a StoredPage reads them, the text's length in the text's place."""

LINK_COLUMNS = "page_url, position, url, tag, text, title, region, date, fragment, block, zone"

LINK_CHECK_COLUMNS = (
    "url, status, error, reason, final_url, content_type, redirects, checked_at, title, text, retry_after, location"
)


_REGIONS = {r.value: r for r in Region}  # a dict, not Region(value): an Enum call is slow
_ERRORS = {e.value: e for e in FetchError}


class PageReader:
    """Turns `pages` rows into Pages sharing one object for each repeated string, tuple, form and zone."""

    def __init__(self, strings: dict | None = None):
        self.keep: Keep = ({} if strings is None else strings).setdefault
        self.json: dict[tuple[int, str | None], Any] = {}
        self.zones: dict[tuple[str, int], Zone] = {}
        self.meta_keys: dict[tuple[str, ...], dict[str, int]] = {}

    def page(self, r: tuple, links: dict[str, tuple[Link, ...]]) -> Page:
        """A `pages` row (SELECT *) as the model's Page, with its text."""
        return Page(text=r[17] or "", **self._fields(r, links))

    def stored_page(self, r: tuple, links: dict[str, tuple[Link, ...]], texts: RunTexts) -> StoredPage:
        """A row of PAGE_COLUMNS_NO_TEXT as a StoredPage, whose text and the fields no rule reads `texts` reads
        when they are asked for."""
        fields = self._fields(r, links, texts)
        best = best_date(date_mentions(r[16]))
        return StoredPage(texts=texts, length=r[17], best=best and self.keep(best, best), **fields)

    def _fields(self, r: tuple, links: dict[str, tuple[Link, ...]], texts: RunTexts | None = None) -> dict[str, Any]:
        """Every field of the row's Page but its text; with the run's `texts`, IN_STORE for those a StoredPage
        leaves there, and its blocks' texts too."""
        keep = self.keep
        url = keep(r[1], r[1])
        stored = texts is not None
        return {
            "url": url,
            "final_url": keep(r[2], r[2]),
            "status": r[3],
            "content_type": keep(r[4], r[4]) or "",
            "encoding": keep(r[5], r[5]) or "",
            "title": keep(r[6], r[6]) or "",
            "depth": r[7] or 0,
            "referrer": keep(r[8], r[8]) or "",
            "size": IN_STORE if stored else r[9] or 0,
            "content_hash": r[10] or "",
            "etag": IN_STORE if stored else r[11] or "",
            "last_modified": IN_STORE if stored else keep(r[12], r[12]) or "",
            "fetched_at": IN_STORE if stored else keep(r[13], r[13]) or "",
            "headings": self._parsed(14, r[14], lambda h: tuple(keep(x, x) for x in h)),
            "meta": self._meta(r[15], stored),
            "dates": IN_STORE if stored else date_mentions(r[16], keep),
            "links": links.get(url, ()),
            "main_chars": r[18] or 0,
            "error": keep(r[19], r[19]) or "",
            "forms": self._parsed(20, r[20], lambda fs: tuple(Form(a, m, tuple(f), t) for a, m, f, t in fs)),
            "zones": tuple(self._zone(z, url, at, texts) for at, z in enumerate(json.loads(r[21] or "[]"))),
        }

    def _meta(self, raw: str | None, stored: bool) -> dict[str, str] | StoredMeta:
        keep = self.keep
        meta = {keep(k, k): keep(v, v) for k, v in json.loads(raw or "{}").items()}
        return StoredMeta(meta, self._meta_index) if stored else meta

    def _meta_index(self, keys: tuple[str, ...]) -> dict[str, int]:
        """One key → position index for every page with these meta keys in this order."""
        index = self.meta_keys.get(keys)
        if index is None:
            index = self.meta_keys[keys] = {key: at for at, key in enumerate(keys)}
        return index

    def _parsed(self, column: int, raw: str | None, make: Callable[[Any], T]) -> T:
        """`make(json.loads(raw))`, once per distinct value (headings, forms): most pages share theirs."""
        found = self.json.get((column, raw))
        if found is None:
            found = self.json[(column, raw)] = make(json.loads(raw or "[]"))
        return found

    def _zone(self, row: list, page: str, at: int, texts: RunTexts | None) -> Zone:
        """A stored block ([key, fingerprint, links, chars, text, region]) as the model's Zone; one Zone object
        for a block repeated on many pages (the template's blocks are on every page). With the run's `texts`,
        a block with words leaves them in the store (StoredZone)."""
        key = (row[0], row[1])
        zone = self.zones.get(key)
        if zone is None:
            name, region = self.keep(row[0], row[0]), _REGIONS[row[5]]
            if texts is not None and row[4]:
                zone = self.zones[key] = StoredZone.at(texts, page, at, row, name, region)
            else:
                zone = self.zones[key] = Zone(name, row[1], row[2], row[3], row[4], region)
        return zone


def grouped_links(rows: Iterable[tuple], keep: Keep, check_order: bool = False) -> dict[str, tuple[Link, ...]] | None:
    """Link rows (LINK_COLUMNS), one page's together by position, as page URL → its links.

    Template links repeat the same target, words and place on every page: one Link object each. With
    `check_order`, None when the rows are not grouped by page in position order.
    """
    links: dict[str, tuple[Link, ...]] = {}
    tags = {t.value: t for t in LinkTag}
    # By the row's hash, not the row: keeping a 9-tuple for each of the run's distinct links was the largest
    # thing a load held for a while (30 MB at 50,000 pages). Two different links of one run with the same
    # 64-bit hash are as unlikely as the crawl's seen-set confusing two URLs (spiders/seen.py).
    made: dict[int, Link] = {}
    current: str | None = None
    on_page: list[Link] = []
    position = -1
    for row in rows:
        if row[0] != current:
            if current is not None:
                links[current] = tuple(on_page)
            current, on_page, position = row[0], [], -1
            if check_order and current in links:
                return None
        if check_order:
            if row[1] <= position:
                return None
            position = row[1]
        key = row[2:]
        h = hash(key)
        link = made.get(h)
        if link is None:
            url, tag, text, title, region, date, fragment, block, zone = key
            link = made[h] = Link(
                keep(url, url),
                tags[tag],
                keep(text, text) or "",
                keep(title, title) or "",
                _REGIONS[region],
                date and keep(date, date),
                fragment or "",
                keep(block, block) or "",
                -1 if zone is None else zone,
            )
        on_page.append(link)
    if current is not None:
        links[current] = tuple(on_page)
    return links


def link_check(r: tuple, keep: Keep) -> LinkCheck:
    """A row of LINK_CHECK_COLUMNS as the model's LinkCheck."""
    url, status, error, reason, final_url, content_type, redirects, checked_at, title, text, retry_after, location = r
    # `x and keep(x, x) or ""`: most of these are empty (a plain 200 has neither reason nor redirect), and a
    # 100,000-page run has 200,000 checks.
    return LinkCheck(
        keep(url, url),
        status,
        _ERRORS[error] if error else None,
        (reason and keep(reason, reason)) or "",
        (final_url and keep(final_url, final_url)) or "",
        (content_type and keep(content_type, content_type)) or "",
        redirects or 0,
        (checked_at and keep(checked_at, checked_at)) or "",
        (title and keep(title, title)) or "",
        text or "",
        retry_after,
        (location and keep(location, location)) or "",
    )


def crawl_stats(pages: int, page_limit: int, page_limit_reached: int, errors: int, notes: str | None) -> CrawlStats:
    """A run's crawl figures: its `runs` columns and the crawl notes `finish_crawl` wrote as JSON."""
    kept = json.loads(notes or "{}")
    return CrawlStats(
        pages=pages,
        page_limit=page_limit,
        page_limit_reached=bool(page_limit_reached),
        errors=errors,
        hosts=tuple(HostNote(**h) for h in kept.get("hosts", ())),
        reused=kept.get("reused", 0),
        second_pass=kept.get("second_pass", 0),
        not_modified=kept.get("not_modified", 0),
        traps=tuple(TrapNote(**t) for t in kept.get("traps", ())),
        certificate=CertificateNote(**kept["certificate"]) if kept.get("certificate") else None,
        not_found=tuple(NotFoundAnswer(**n) for n in kept.get("not_found", ())),
        internal_errors=kept.get("internal_errors", 0),
    )
