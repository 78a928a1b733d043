"""Reading a stored run back: the whole site for the rules, one page for an unchanged fetch, a stopped run's
pages for `--resume`, the validators for an incremental crawl."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cached_property
from operator import attrgetter
from typing import Any

from core.model import Link, LinkCheck, Page, Site

from .probes import Probes
from .rows import (
    LINK_CHECK_COLUMNS,
    LINK_COLUMNS,
    PAGE_COLUMNS_NO_TEXT,
    PageReader,
    crawl_stats,
    grouped_links,
    link_check,
)
from .runs import Runs, RunState
from .texts import RunTexts


class Loading(Runs, Probes):
    """Stored runs read back as the model's objects (made in `rows`)."""

    def load_site(self, run_id: int) -> Site:
        """The site model of a stored run, as the rules read it.

        Sized for runs of 100,000 pages: a page's text stays in the store until a rule reads it (most
        rules never do: StoredPage), a template link repeated on every page is one Link object, and a
        string that repeats (a URL, a meta value, link words) is one string object.
        """
        with _no_collections():
            return self._load_site(run_id)

    def _load_site(self, run_id: int) -> Site:
        info = self.run(run_id)
        limits = self.db.execute(
            "SELECT page_limit, page_limit_reached, errors, crawl_notes FROM runs WHERE id = ?", (run_id,)
        ).fetchone()
        strings: dict = {}
        links = self._run_links(run_id, strings)
        texts = RunTexts(self.path, run_id, self.read_only)
        read = PageReader(strings)
        pages: dict[str, Page] = {}
        for r in self.db.execute(
            f"SELECT {PAGE_COLUMNS_NO_TEXT} FROM pages WHERE run_id = ? ORDER BY depth, url", (run_id,)
        ):
            page = read.stored_page(r, links, texts)
            pages[page.url] = page
        texts.order = list(pages)
        del links, read
        keep = strings.setdefault
        checks: dict[str, LinkCheck] = {}
        for r in self.db.execute(
            f"SELECT {LINK_CHECK_COLUMNS} FROM link_checks WHERE run_id = ? ORDER BY url", (run_id,)
        ):
            check = link_check(r, keep)
            checks[check.url] = check  # keyed by the kept URL, not the row's copy of it (28 MB at 100,000 pages)
        del strings
        return StoredSite(
            info.site,
            info.start_url,
            info.as_of,
            pages,
            checks,
            crawl_stats(len(pages), *limits),
            self.availability(info.start_url, info.started_at),
            texts=texts,
        )

    def stored_page(self, run_id: int, url: str) -> Page | None:
        """One page of a stored run, with its links: what an unchanged page (304) still is."""
        row = self.db.execute("SELECT * FROM pages WHERE run_id = ? AND url = ?", (run_id, url)).fetchone()
        if row is None:
            return None
        return PageReader().page(row, self._links("WHERE run_id = ? AND page_url = ?", (run_id, url)))

    def reopen_run(self, run_id: int) -> tuple[list[Page], set[str]]:
        """Marks a stopped run crawling again; returns what it already has: its pages (shallowest first, with
        links) and the targets it asked."""
        links = self._links("WHERE run_id = ?", (run_id,))
        read = PageReader()
        pages = [
            read.page(r, links)
            for r in self.db.execute("SELECT * FROM pages WHERE run_id = ? ORDER BY depth, rowid", (run_id,))
        ]
        asked = {row[0] for row in self.db.execute("SELECT url FROM link_checks WHERE run_id = ?", (run_id,))}
        with self.transaction() as db:
            db.execute("UPDATE runs SET state = ? WHERE id = ?", (RunState.CRAWLING, run_id))
        return pages, asked

    LIST_ITEMS = 3
    """Dated links a page needs to be a list page, which a crawl always fetches again."""

    def validators(self, start_url: str) -> tuple[int | None, dict[str, tuple[str, str]]]:
        """The site's last finished run, and the pages of it a new crawl may revalidate: url → (ETag,
        Last-Modified). Not the start page and not list pages: those are what changes, so they are always
        fetched again."""
        runs = self.runs_of_site(start_url, done_only=True)
        if not runs:
            return None, {}
        previous = runs[-1].id
        lists = {
            row[0]
            for row in self.db.execute(
                "SELECT page_url FROM links WHERE run_id = ? AND date IS NOT NULL GROUP BY page_url "
                "HAVING count(*) >= ?",
                (previous, self.LIST_ITEMS),
            )
        }
        return previous, {
            url: (etag or "", modified or "")
            for url, etag, modified in self.db.execute(
                "SELECT url, etag, last_modified FROM pages WHERE run_id = ? AND status = 200 AND depth > 0 "
                "AND (error IS NULL OR error = '') AND (etag != '' OR last_modified != '')",
                (previous,),
            )
            if url not in lists
        }

    def _links(self, where: str, params: tuple, strings: dict | None = None) -> dict[str, tuple[Link, ...]]:
        """Page URL → its links in page order."""
        rows = self.db.execute(f"SELECT {LINK_COLUMNS} FROM links {where} ORDER BY page_url, position", params)
        return grouped_links(rows, ({} if strings is None else strings).setdefault) or {}

    def _run_links(self, run_id: int, strings: dict) -> dict[str, tuple[Link, ...]]:
        """Every page's links of a run, read in the order they were written.

        add_crawled writes one page's links together, by position: reading the table in that order is
        several times cheaper than following the index row by row, which matters at millions of links.
        Only while the run holds a good share of the store (a scan reads the other runs' rows too), and
        rows not in that order (never seen) are read through the index after all.
        """
        run_pages = self.db.execute("SELECT count(*) FROM pages WHERE run_id = ?", (run_id,)).fetchone()[0]
        all_pages = self.db.execute("SELECT count(*) FROM pages").fetchone()[0]
        if run_pages * 4 >= all_pages:
            rows = self.db.execute(f"SELECT {LINK_COLUMNS} FROM links WHERE +run_id = ?", (run_id,))
            links = grouped_links(rows, strings.setdefault, check_order=True)
            if links is not None:
                return links
        return self._links("WHERE run_id = ?", (run_id,), strings)


class StoredSite(Site):
    """A Site loaded from the store (`Store.load_site`): which pages link to a target is asked of the store
    when a rule asks (about failing links, mostly), not listed for every target up front: the template's
    targets alone, each on every page, cost 28 MB and 3 CPU s at 100,000 pages."""

    def __init__(self, *args: Any, texts: RunTexts, **fields: Any):
        super().__init__(*args, **fields)
        self._texts = texts

    @cached_property
    def found_on(self) -> Mapping[str, list[str]]:
        return _FoundOn(self, self._texts)


_URL = attrgetter("url")


@contextmanager
def _no_collections() -> Iterator[None]:
    """The cyclic collector off while a run is loaded: the millions of objects a load makes hold no cycles,
    and each full collection walks all made so far (a 100,000-page load: 12 CPU s with it off, 16-17 with it
    on). What the collector would have found is collected after."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class _FoundOn(Mapping[str, list[str]]):
    """Site.found_on of a loaded run, each target's pages read from the store once asked for."""

    def __init__(self, site: StoredSite, texts: RunTexts):
        self._site, self._texts = site, texts
        self._asked: dict[str, list[str]] = {}

    def __getitem__(self, url: str) -> list[str]:
        found = self._asked.get(url)
        if found is None:
            pages = self._site.pages
            found = self._asked[url] = [page for page in self._texts.linking(url) if pages[page].is_html]
        if not found:
            raise KeyError(url)
        return found

    def __contains__(self, url: object) -> bool:
        """Asked of every link check (the broken-link rules count the linked ones): answered from the few
        checked targets no HTML page links (the start URL, a page reached by redirect only)."""
        if url in self._site.checks:
            return url not in self._unlinked
        return super().__contains__(url)

    @cached_property
    def _unlinked(self) -> set[str]:
        unlinked = set(self._site.checks)
        for page in self._site.html_pages:
            unlinked.difference_update(map(_URL, page.links))
        return unlinked

    @cached_property
    def _whole(self) -> Mapping[str, Any]:
        """The model's whole index, built once for whoever walks it (no rule does)."""
        return Site.found_on.func(self._site)  # type: ignore[attr-defined]

    def __iter__(self) -> Iterator[str]:
        return iter(self._whole)

    def __len__(self) -> int:
        return len(self._whole)
