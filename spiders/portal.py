"""The portal spider: crawls one site within scope and asks every link target once. Judges nothing: it
records what each target answered (checks/answers.py judges it when the rules run)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
import secrets
import socket
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import (
    CannotResolveHostError,
    DontCloseSpider,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
    StopDownload,
)
from scrapy.http import Request, Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import error as tx_error
from twisted.internet import threads
from twisted.python.failure import Failure

from core import patterns
from core.model import (
    ANSWER_TEXT,
    ATTACHMENT_SUFFIXES,
    ENTRY_HOPS,
    ENTRY_PAGE_TEXT,
    ENTRY_REDIRECTS,
    NAVIGABLE_TAGS,
    RENDERED,
    CertificateNote,
    FetchError,
    Link,
    LinkCheck,
    NotFoundAnswer,
    Page,
)
from core.signs import CHALLENGE_STATUSES, CHALLENGE_TEXT, challenge_word
from core.urls import path_of, scope_key, under_domain, url_parts

from . import scratch
from .certificate import inspect as inspect_certificate
from .encoding import decode_html
from .extract import extract
from .politeness import CIRCUIT_OPEN, OWN_PAGE, PASS, PRIVATE_REDIRECT, THROTTLED
from .redirects import MALFORMED_TARGET
from .rendering import AUTO_RENDER, AUTO_SAMPLE, RenderMode
from .roles import Role
from .seen import SeenSet
from .settings import (
    DNS_PROBE_HOSTS,
    DNS_PROBE_TIMEOUT,
    MAX_DEPTH,
    MAX_PAGES,
    QUERY_VARIANTS,
    SLOW_PASS_TIMEOUT_FACTOR,
)
from .stopping import close_now
from .store_writes import Sink, StoreWrites
from .traps import TrapGuard

HTML_TYPES = ("text/html", "application/xhtml")
GET_AFTER_HEAD = frozenset({400, 403, 404, 405, 406, 500, 501, 502, 503})
"""HEAD answers that servers give wrongly often enough that a GET must confirm them."""
_CHARSET = re.compile(r"charset\s*=\s*['\"]?([\w.:-]+)", re.I)


RETRY = "gapcheck_retry"
"""Request meta: the second pass's try of a target that was undecided in the crawl (GK905 counts them)."""
COUNTED = "gapcheck_counted"
"""Request meta: the page already answered once in this run and is counted among the pages fetched."""


_RETRIED = frozenset(
    {
        FetchError.TIMEOUT,
        FetchError.RESET,
        FetchError.CIRCUIT_OPEN,
        FetchError.OTHER,
    }
)
"""Undecided answers worth a second, slower try at the end of the run (403 and 429 too, by status; rate
limits and firewall check pages by their facts)."""


class PortalSpider(scrapy.Spider):
    name = "portal"

    def __init__(
        self,
        start_url: str,
        *,
        allowed_domains: Iterable[str] = (),
        include: Iterable[str] = (),
        exclude: Iterable[str] = (),
        max_pages: int = MAX_PAGES,
        max_depth: int = MAX_DEPTH,
        sink: Sink | None = None,
        known: Mapping[str, LinkCheck] | None = None,
        dns_probe: Iterable[str] = DNS_PROBE_HOSTS,
        revalidate: Mapping[str, tuple[str, str]] | None = None,
        unchanged: Callable[[str], Page | None] | None = None,
        resume: tuple[list[Page], set[str]] | None = None,
        max_query_variants: int = QUERY_VARIANTS,
        external: bool = True,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.sink = sink
        """Where the spider writes what it saw (through `writes`, once the crawler's settings name the run)."""
        self.writes: StoreWrites | None = None
        self.store_failure: BaseException | None = None
        """Why writing to the store failed, which stopped the crawl (read by gapcheck/crawl.py)."""
        self.known = known or {}
        """Answers of external targets from earlier runs, still fresh: not asked again."""
        self.reused = 0
        self.revalidate = revalidate or {}
        """Pages of the last run that may be asked conditionally: url → (ETag, Last-Modified)."""
        self.unchanged = unchanged
        """url → the last run's page, for a page the server says has not changed (304)."""
        self.not_modified = 0
        self.resume = resume
        self.traps = TrapGuard(max_query_variants)
        self.certificate: CertificateNote | None = None
        """The https start page's certificate as a browser judges it."""
        """A stopped run's pages and asked targets: the crawl goes on from their links."""
        self.external = external
        """Ask links to other sites; when not (an offline run), they are recorded as not checked."""
        # An offline run asks no outside name, not even the probe names.
        self.dns_probe = tuple(dns_probe) if external else ()
        self.raw_start: tuple[frozenset[str], int] | None = None
        """Under crawl.render: auto, the raw start page's in-site page links and number of dated items."""
        self.render_all = False
        """Under crawl.render: auto, whether the start page or a sampled page turned out to be built by script."""
        self.samples: dict[str, tuple[frozenset[str], int]] = {}
        """Under crawl.render: auto, pages read raw that are asked again rendered to compare (AUTO_SAMPLE)."""
        self.resolver_works = True
        self.not_found: NotFoundAnswer | None = None
        self.retry_later: dict[str, tuple[str, int, str, bool]] = {}
        """Undecided targets → (role, depth, referrer, whether it answered), asked again slowly once the crawl
        is done."""
        self.second_pass = False
        self.second_pass_asked = 0
        """Undecided targets actually asked again (not those a breaker still stopped)."""
        self.start_url = start_url
        self.scope = {scope_key(start_url)}
        self.scope_domains = tuple(d.lower().lstrip(".") for d in allowed_domains)
        self.include = tuple(include)
        self.exclude = tuple(exclude)
        self.max_pages = max_pages
        self.max_depth = max_depth
        self.seen = SeenSet((start_url,), on_full=self._scratch_full)
        self.pages_scheduled = 1
        self.page_limit_reached = False
        self.pages_done = 0
        """Pages that answered (any status): a page that got no answer was not fetched."""
        self.errors = 0
        self.asked = 0
        """Requests made; with `answered`, how many are still waiting (the progress line's queue)."""
        self.answered = 0

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.headers_received, signal=signals.headers_received)
        crawler.signals.connect(spider.idle, signal=signals.spider_idle)
        run_id = crawler.settings.getint("GAPCHECK_RUN_ID")
        if spider.sink is not None and run_id:
            spider.writes = StoreWrites(spider.sink, run_id, spider.store_failed)
        return spider

    def _record(self, outputs: Iterable[Request | Page | LinkCheck]) -> Iterable[Request | Page | LinkCheck]:
        """A callback's pages and link checks go to the store from here; only its requests go on to Scrapy.
        Without a store (no run), everything goes to Scrapy as items."""
        if self.writes is None:
            yield from outputs
            return
        items: list[Page | LinkCheck] = []
        try:
            for out in outputs:
                if isinstance(out, Request):
                    yield out
                else:
                    items.append(out)
        finally:
            # Also after an exception in the callback: what it saw until then is kept, as Scrapy kept the items.
            self.writes.add(items)

    def store_failed(self, exc: BaseException) -> None:
        """The store cannot take the crawl's pages (a full disk): crawling on would be for nothing."""
        engine = self.crawler.engine
        if self.store_failure is not None or engine is None or engine.spider is None:
            return  # stopping already, or over
        self.store_failure = exc
        close_now(self.crawler, "store-failed")  # what waits for its host's delay could not be stored either

    async def start(self) -> AsyncIterator[Request | Page | LinkCheck]:
        # An aliased start page is served by staging: its certificate says nothing of production's.
        aliased = (urlsplit(self.start_url).hostname or "").lower() in self.settings.getdict("GAPCHECK_ALIASES")
        await self.prepare(certificate=not aliased)
        if self.auto_render and not self.resume:
            self.raw_start = await self._raw_start()
        if self.resume:
            for item in self._record(self._resumed(*self.resume)):
                yield item
            return
        yield self._request(self.start_url, Role.PAGE, depth=0, referrer="")

    async def prepare(self, *, certificate: bool) -> None:
        """What the crawl needs to know before the first page: how the host answers a missing page, whether
        names resolve here, and (when asked) the start page's certificate."""
        resolving = threads.deferToThread(_any_resolves, self.dns_probe) if self.dns_probe else None
        inspecting = threads.deferToThread(inspect_certificate, self.start_url) if certificate else None
        self.not_found = await self._probe_not_found()
        if resolving is not None:
            self.resolver_works = await maybe_deferred_to_future(resolving)
        if inspecting is not None:
            self.certificate = await maybe_deferred_to_future(inspecting)

    @property
    def auto_render(self) -> bool:
        """crawl.render: auto, with a browser: this spider decides which pages are rendered."""
        return self.settings.get("GAPCHECK_RENDER") == RenderMode.AUTO

    async def _raw_start(self) -> tuple[frozenset[str], int] | None:
        """The start page as plain HTML (not rendered): its in-site page links and dated items, to compare
        with the rendered start page."""
        url = self.start_url
        for _ in range(ENTRY_HOPS + 1):
            request = Request(url, meta={"gapcheck": Role.PROBE}, dont_filter=True)
            try:
                response = await self.crawler.engine.download_async(request)
            except Exception:
                return None
            if response.status >= 400 or not _header(response, b"Content-Type").lower().startswith(HTML_TYPES):
                return None
            seen = extract(decode_html(response.body, None)[0], response.url)
            # An entry page (location.href = 'index.html') is not built by script: the browser shows where it
            # sends the visitor, so that page's raw HTML is what the rendered one is compared with.
            hop = next((link.url for link in seen.links if link.tag in ENTRY_REDIRECTS), None)
            if hop is None or len(seen.text) > ENTRY_PAGE_TEXT or not self.in_scope(hop):
                break
            url = hop
        return self._shown(seen.links)

    def _shown(self, links: tuple[Link, ...]) -> tuple[frozenset[str], int]:
        """What a page shows a visitor: its in-site page links and how many of them are dated items. Only
        page links count as items: a template's script writing today's date (今天是：…) beside its
        javascript: buttons dates those buttons, and rendered a whole portal for it."""
        pages = [link for link in links if link.tag in NAVIGABLE_TAGS and self.in_scope(link.url)]
        return frozenset(link.url for link in pages), sum(1 for link in pages if link.date)

    def _built_by_script(self, links: tuple[Link, ...], raw: tuple[frozenset[str], int] | None) -> bool:
        """The rendered page shows in-site links or dated items its raw HTML (`raw`) lacks."""
        raw_links, raw_dates = raw if raw is not None else (frozenset(), 0)
        rendered_links, rendered_dates = self._shown(links)
        return rendered_dates > raw_dates or bool(rendered_links - raw_links)

    def _sample(self, url: str, depth: int, referrer: str, links: tuple[Link, ...]) -> Iterable[Request]:
        """Under crawl.render: auto, one of the first AUTO_SAMPLE pages below the start page, read raw, is
        asked again rendered: a site whose home page is plain HTML can still build its columns by script."""
        if not self.auto_render or self.render_all or depth != 1 or len(self.samples) >= AUTO_SAMPLE:
            return
        self.samples[url] = self._shown(links)
        meta = {"gapcheck": Role.PAGE, "gapcheck_depth": depth, "gapcheck_referrer": referrer, AUTO_RENDER: True}
        yield Request(
            url, callback=self.sampled, errback=self.sample_failed, dont_filter=True, meta=meta, priority=-depth
        )

    def sampled(self, response: Response):
        """A sampled page, rendered: when it shows more than its raw HTML, it is recorded as rendered (its
        script-built links followed) and every later page is rendered."""
        return self._record(self._answer_sample(response))

    def _answer_sample(self, response: Response):
        seen = extract(decode_html(response.body, None)[0], response.url)
        if self.render_all or not self._built_by_script(seen.links, self.samples.get(_requested(_asked(response)))):
            return
        self.render_all = True
        self.logger.info("%s is built by script: rendering the rest of the site", response.url)
        self.pages_done -= 1  # the same page again, not one more
        yield from self._answer_page(response)

    def sample_failed(self, failure: Failure) -> None:
        """A sampled page the browser could not render is judged from its raw HTML, as it already was."""
        return None

    def _resumed(self, pages: list[Page], asked: set[str]) -> Iterable[Request | LinkCheck]:
        """Every link of the stored pages not yet asked: where the stopped crawl was going.

        A page whose check was stored but not the page itself (the two came in different batches) is not
        taken as asked: it is fetched again, or the run would lack it for good."""
        stored = {url for page in pages for url in (page.url, page.final_url)}
        lost = {
            link.url
            for page in pages
            for link in page.links
            if link.url in asked and link.url not in stored and self._is_page(link)
        }
        self.seen.update(asked - lost)
        self.seen.update(stored)
        self.pages_scheduled = len(pages)
        self.pages_done = sum(1 for page in pages if page.status is not None)
        if not any(page.url == self.start_url for page in pages):
            self.pages_scheduled += 1
            yield self._request(self.start_url, Role.PAGE, depth=0, referrer="")
        for page in pages:
            if page.ok and page.is_html and self.in_scope(page.final_url):
                yield from self.follow(page.final_url, page.depth, page.links)

    async def _probe_not_found(self) -> NotFoundAnswer | None:
        path = f"/gapcheck-{secrets.token_hex(6)}-not-found.html"
        request = Request(urljoin(self.start_url, path), meta={"gapcheck": Role.PROBE}, dont_filter=True)
        try:
            response = await self.crawler.engine.download_async(request)
        except Exception:
            return None
        text, title = "", ""
        if _header(response, b"Content-Type").lower().startswith(HTML_TYPES):
            seen = extract(decode_html(response.body, None)[0], response.url)
            text, title = seen.text, seen.title
        return NotFoundAnswer(
            request.url,
            response.status,
            response.url,
            bool(response.meta.get("redirect_urls")),
            title,
            text[:ANSWER_TEXT],
        )

    # -- scope ------------------------------------------------------------------------------

    def in_scope(self, url: str) -> bool:
        key = scope_key(url)
        if not key:
            return False
        if key in self.scope:
            return True
        host = key.split(":")[0]
        return under_domain(host, self.scope_domains)

    def wanted(self, url: str) -> bool:
        # The portal writes the URL: a pattern that cannot decide in time keeps it out either way.
        if any(patterns.search(p, url, undecided=True) for p in self.exclude):
            return False
        return not self.include or any(patterns.search(p, url, undecided=False) for p in self.include)

    # -- requests ---------------------------------------------------------------------------

    def _request(
        self, url: str, role: str, *, depth: int, referrer: str, method: str = "GET", second_pass: bool = False
    ) -> Request:
        self.asked += 1
        meta = {"gapcheck": role, "gapcheck_depth": depth, "gapcheck_referrer": referrer}
        if role == Role.PAGE:
            meta[OWN_PAGE] = True
        headers = {"Referer": referrer} if referrer else {}
        # Only a start page that answered as HTML is rendered to compare: one that did not answer fails as
        # itself (refused, DNS), not as the browser's error.
        if role == Role.PAGE and (self.render_all or (url == self.start_url and self.raw_start is not None)):
            meta[AUTO_RENDER] = True  # only RenderMode.AUTO's middleware reads it
        validators = self.revalidate.get(url) if role == Role.PAGE else None
        if validators:
            etag, modified = validators
            if etag:
                headers["If-None-Match"] = etag
            if modified:
                headers["If-Modified-Since"] = modified
        # A page first found in the second pass (below a retried page) is asked at that pass's slow pace.
        if second_pass or self.second_pass:
            meta[PASS] = 2
            meta["max_retry_times"] = 0  # this pass is the retry
            meta["download_timeout"] = self.settings.getfloat("DOWNLOAD_TIMEOUT") * SLOW_PASS_TIMEOUT_FACTOR
        return Request(
            url,
            method=method,
            callback=self.parse if role == Role.PAGE else self.checked,
            errback=self.failed,
            dont_filter=True,
            priority=-depth,  # breadth first: shallow pages matter most
            # No `handle_httpstatus_all`: HTTPERROR_ALLOW_ALL already passes every status to the callbacks,
            # and with it in meta Scrapy's RedirectMiddleware hands back the 301 itself, so a redirect to a
            # 404 or a redirect loop was recorded as a working 3xx.
            meta=meta,
            headers=headers or None,
        )

    def unseen(self, links: Iterable[Link]) -> list[Link]:
        """The links to targets not asked yet, now taken as asked (the distributed worker shares the set)."""
        fresh = []
        for link in links:
            url = link.url
            if url in self.seen or not url.startswith(("http://", "https://")):
                continue
            if not self.wanted(url):
                continue
            self.seen.add(url)
            fresh.append(link)
        return fresh

    def _is_page(self, link: Link, inside: bool | None = None) -> bool:
        """Whether the link's target is fetched as a page (its links followed) rather than only checked;
        `inside`: in_scope(link.url), when the caller has it already (follow, once per link)."""
        if link.tag not in NAVIGABLE_TAGS:
            return False
        if inside is None:
            inside = self.in_scope(link.url)
        return inside and not path_of(link.url).lower().endswith(ATTACHMENT_SUFFIXES)

    def page_slot(self) -> bool:
        """Whether one more page may be fetched under max_pages, taking it if so."""
        if self.pages_scheduled >= self.max_pages:
            return False
        self.pages_scheduled += 1
        return True

    def follow(self, page_url: str, depth: int, links: tuple[Link, ...]) -> Iterable[Request | LinkCheck]:
        # The new targets that can be asked: (url, in scope, fetched as a page, a redirect of this page's).
        fresh: list[tuple[str, bool, bool, bool]] = []
        for link in self.unseen(links):
            url = link.url
            parts = url_parts(url)
            if parts is None:
                # Scrapy cannot even build the request, and no browser gets anywhere: a broken link, and the
                # page's other links are followed as usual.
                yield LinkCheck(url, error=FetchError.BAD_URL)
            elif "@" in parts.netloc:
                # Credentials in a link: asking would hand them to the server (and Scrapy cannot anyway).
                yield LinkCheck(url, error=FetchError.CREDENTIALS)
            else:
                inside = self.in_scope(url)
                fresh.append((url, inside, self._is_page(link, inside), link.tag in ENTRY_REDIRECTS))
        # The trap guard asked once for all the page's new page links (a round trip to Redis for a worker).
        pages = [(url, page_url if redirect else None) for url, _, is_page, redirect in fresh if is_page]
        trapped = iter(self.traps.trapped_all(pages) if pages else ())
        for url, inside, is_page, _ in fresh:
            if is_page and next(trapped) is not None:
                continue
            if is_page and depth + 1 <= self.max_depth:
                if not self.page_slot():
                    self.page_limit_reached = True
                    self.seen.discard(url)
                    continue
                yield self._request(url, Role.PAGE, depth=depth + 1, referrer=page_url)
            elif not inside and not self.external:
                yield LinkCheck(url, error=FetchError.OFFLINE)
            elif url in self.known and not inside:
                self.reused += 1
                yield self.known[url]
            else:
                yield self._request(url, Role.CHECK, depth=depth + 1, referrer=page_url, method="HEAD")

    def _scratch_full(self, folder: str, reason: object) -> None:
        scratch.full(self.crawler, folder, reason)

    def closed(self, reason: str) -> None:
        if self.writes is not None:
            self.writes.flush()
        self.seen.close()

    def idle(self) -> None:
        """The crawl is done: ask the undecided targets once more, one at a time per host, then close."""
        if self.second_pass or not self.retry_later:
            return
        self.second_pass = True
        for url, (role, depth, referrer, answered) in self.retry_later.items():
            self.crawler.engine.crawl(self._second_try(url, role, depth, referrer, answered))
        self.retry_later.clear()
        raise DontCloseSpider

    def _second_try(self, url: str, role: str, depth: int, referrer: str, answered: bool) -> Request:
        """The second pass's request for an undecided target; `answered`: its first try got an HTTP answer."""
        request = self._request(url, role, depth=depth, referrer=referrer, second_pass=True)
        request.meta[RETRY] = True
        request.meta[COUNTED] = answered
        return request

    def _settle(self, request: Request, url: str, check: LinkCheck) -> LinkCheck:
        """Keeps an undecided first answer for the second pass; counts the second pass's tries that were made."""
        if _undecided(request, check):
            self.retry_later[url] = (
                request.meta["gapcheck"],
                request.meta["gapcheck_depth"],
                request.meta.get("gapcheck_referrer", ""),
                check.status is not None,
            )
        elif request.meta.get(RETRY) and check.error is not FetchError.CIRCUIT_OPEN:
            self.second_pass_asked += 1
        return check

    def headers_received(self, headers, body_length, request, spider) -> None:
        """Stop downloading what is only being checked, and attachments behind page-like URLs."""
        role = request.meta.get("gapcheck")
        if role == Role.CHECK:
            raise StopDownload(fail=False)
        if role == Role.PAGE:
            content_type = (headers.get(b"Content-Type") or b"").decode("latin-1").lower()
            if content_type and not content_type.startswith(HTML_TYPES) and "xml" not in content_type:
                raise StopDownload(fail=False)

    # -- callbacks --------------------------------------------------------------------------

    def parse(self, response: Response):
        return self._record(self._answer_page(response))

    def _answer_page(self, response: Response):
        request = _asked(response)
        url = _requested(request)
        depth = request.meta["gapcheck_depth"]
        if not request.meta.get(COUNTED):
            self.pages_done += 1
        self.answered += 1
        self.seen.add(response.url)
        if url == self.start_url and not self.in_scope(response.url):
            self.scope.add(scope_key(response.url))  # example.gov.cn → www.example.gov.cn
        if response.status == 304:
            old = self.unchanged(url) if self.unchanged is not None and url in self.revalidate else None
            if old is not None:
                self.not_modified += 1
                yield LinkCheck(url, status=old.status, final_url=old.final_url, content_type=old.content_type)
                yield dataclasses.replace(
                    old, depth=depth, referrer=request.meta.get("gapcheck_referrer", ""), fetched_at=_now()
                )
                yield from self.follow(old.final_url, depth, old.links)
                return
        content_type = _header(response, b"Content-Type").lower()
        check = self._check(url, response, content_type)
        page = Page(
            url=url,
            final_url=response.url,
            status=response.status,
            content_type=content_type,
            depth=depth,
            referrer=request.meta.get("gapcheck_referrer", ""),
            size=len(response.body),
            etag=_header(response, b"ETag"),
            last_modified=_header(response, b"Last-Modified"),
            fetched_at=_now(),
        )
        is_html = content_type.startswith(HTML_TYPES) or (not content_type and response.body[:1] == b"<")
        if check.error in (FetchError.BAD_REDIRECT, FetchError.MALFORMED_REDIRECT):
            yield self._settle(request, url, check)
            yield dataclasses.replace(page, error=str(check.error))
            return
        if response.status >= 400 or not is_html or not self.in_scope(response.url):
            if response.status in CHALLENGE_STATUSES and is_html:  # a firewall's check page says so in its text
                seen = extract(decode_html(response.body, None)[0], response.url)
                check = _shown(check, seen.title, seen.text)
                if _check_page(check):
                    page = dataclasses.replace(page, error=FetchError.CHALLENGE.value)
            yield self._settle(request, url, check)
            yield page
            return
        m = _CHARSET.search(content_type)
        text, encoding = decode_html(response.body, m.group(1) if m else None)
        seen = extract(text, response.url)
        if response.status == 200:
            check = _shown(check, seen.title, seen.text)
            if _check_page(check):  # not the page: nothing on it to read or follow
                yield self._settle(request, url, check)
                yield dataclasses.replace(page, title=seen.title, error=FetchError.CHALLENGE.value)
                return
        # The page row keeps its text, and the rules read a crawled page's answer from there (Context.judged):
        # not a second copy of every page's start in the store and in memory.
        yield self._settle(request, url, dataclasses.replace(check, text=""))
        if request.meta.get("gapcheck_rendered"):
            seen.meta[RENDERED] = "1"
            if url == self.start_url and self.auto_render and self._built_by_script(seen.links, self.raw_start):
                self.render_all = True  # before its links are followed: every page is rendered from here
        elif response.status == 200:
            yield from self._sample(url, depth, request.meta.get("gapcheck_referrer", ""), seen.links)
        yield dataclasses.replace(
            page,
            content_type=content_type or "text/html",
            encoding=encoding,
            title=seen.title,
            content_hash=hashlib.blake2b(response.body, digest_size=16).hexdigest(),
            headings=seen.headings,
            meta=seen.meta,
            dates=seen.dates,
            links=seen.links,
            forms=seen.forms,
            text=seen.text,
            main_chars=seen.main_chars,
            zones=seen.zones,
        )
        yield from self.follow(response.url, depth, seen.links)

    def checked(self, response: Response):
        return self._record(self._answer_check(response))

    def _answer_check(self, response: Response):
        self.answered += 1
        request = _asked(response)
        url = _requested(request)
        if request.method == "HEAD" and response.status in GET_AFTER_HEAD:
            confirm = self._request(
                url,
                Role.CHECK,
                depth=request.meta["gapcheck_depth"],
                referrer=request.meta.get("gapcheck_referrer", ""),
                second_pass=request.meta.get(PASS, 1) > 1,
            )
            confirm.meta[RETRY] = request.meta.get(RETRY, False)
            yield confirm
            return
        yield self._settle(request, url, self._check(url, response, _header(response, b"Content-Type").lower()))

    def failed(self, failure: Failure):
        return self._record(self._answer_failure(failure))

    def _answer_failure(self, failure: Failure):
        request: Request = failure.request  # type: ignore[attr-defined]  # Scrapy sets it on every errback's failure
        url = _requested(request)
        kind, location = _classify(failure)
        if kind is FetchError.OTHER:
            self.logger.info("%s could not be fetched: %r", url, failure.value)
        if kind is FetchError.DNS and not self.resolver_works:
            kind = FetchError.NO_RESOLVER
        self.errors += 1
        self.answered += 1
        yield self._settle(request, url, LinkCheck(url, error=kind, location=location))
        if request.meta.get("gapcheck") == Role.PAGE:
            yield Page(
                url=url,
                final_url=request.url,
                status=None,
                depth=request.meta["gapcheck_depth"],
                referrer=request.meta.get("gapcheck_referrer", ""),
                fetched_at=_now(),
                error=kind.value,
            )

    @staticmethod
    def _check(url: str, response: Response, content_type: str) -> LinkCheck:
        error = None
        if response.status in _REDIRECTS:
            # Scrapy follows every redirect to an http(s) address; one that reached here leads nowhere a
            # browser shows a page (file:, ftp:, data:…), names no target at all, or one no client can ask.
            malformed = response.meta.get(MALFORMED_TARGET)
            error = FetchError.MALFORMED_REDIRECT if malformed else FetchError.BAD_REDIRECT
        return LinkCheck(
            url,
            status=response.status,
            error=error,
            final_url=response.url,
            content_type=content_type.split(";")[0].strip(),
            redirects=len(response.meta.get("redirect_urls", ())),
            retry_after=response.meta.get(THROTTLED),
            location=_header(response, b"Location") if error is FetchError.BAD_REDIRECT else "",
        )


_REDIRECTS = frozenset({301, 302, 303, 307, 308})


def _shown(check: LinkCheck, title: str, text: str) -> LinkCheck:
    """The check with what its HTML answer shows: the rules tell soft 404s and firewall pages by it."""
    return dataclasses.replace(check, title=title, text=text[:ANSWER_TEXT])


def _check_page(check: LinkCheck) -> bool:
    """A firewall's check page in place of the content. Crawl control, not a verdict (the rules judge the
    same facts by the profile's threshold): the spider neither reads nor follows such a page, and asks it
    again in the second pass; runner.start_refused reads the page's error."""
    return check.status in CHALLENGE_STATUSES and bool(
        challenge_word(check.title, check.text, CHALLENGE_TEXT, ANSWER_TEXT)
    )


def _any_resolves(hosts: Iterable[str]) -> bool:
    """Whether this machine can resolve names at all: any of `hosts` within DNS_PROBE_TIMEOUT.

    Lookups block, so each runs in a thread of its own; a machine whose resolver does not answer
    costs the timeout once, not once per name.
    """
    hosts = list(hosts)
    pool = ThreadPoolExecutor(len(hosts), thread_name_prefix="gapcheck-dns")
    futures = [pool.submit(socket.getaddrinfo, host, 80, type=socket.SOCK_STREAM) for host in hosts]
    try:
        for future in as_completed(futures, timeout=DNS_PROBE_TIMEOUT):
            if future.exception() is None:
                return True
    except TimeoutError:
        pass
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return False


def _undecided(request: Request, check: LinkCheck) -> bool:
    """A first answer worth asking again, slower, once the crawl is done."""
    return request.meta.get(PASS, 1) == 1 and (
        check.error in _RETRIED
        or check.status in (403, 429)
        or (check.error is None and check.retry_after is not None)
        or _check_page(check)
    )


def _asked(response: Response) -> Request:
    """The request a callback's response answers: Scrapy always sets it before a callback runs."""
    assert response.request is not None
    return response.request


def _requested(request: Request) -> str:
    """The URL the page linked to, before any redirect."""
    return request.meta.get("redirect_urls", [request.url])[0]


def _header(response: Response, name: bytes) -> str:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else ""


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _classify(failure: Failure) -> tuple[FetchError, str]:
    """The kind of network failure (checks/reasons.py words it) and, for a redirect into a private network,
    the host it led to: an exception's own text never reaches a report, only the --verbose log
    (PortalSpider.failed)."""
    value = failure.value
    text = str(value)
    if failure.check(CannotResolveHostError, tx_error.DNSLookupError):
        kind = FetchError.DNS
    elif failure.check(DownloadConnectionRefusedError, tx_error.ConnectionRefusedError):
        kind = FetchError.REFUSED
    elif failure.check(DownloadTimeoutError, tx_error.TimeoutError, tx_error.TCPTimedOutError):
        kind = FetchError.TIMEOUT
    elif "MAXSIZE" in text or "max size" in text.lower():
        kind = FetchError.TOO_LARGE
    elif failure.check(IgnoreRequest):
        # gapcheck's own middlewares name what they stopped after their prefix.
        if text.startswith(CIRCUIT_OPEN):
            return FetchError.CIRCUIT_OPEN, ""
        if text.startswith(PRIVATE_REDIRECT):
            return FetchError.PRIVATE_REDIRECT, text[len(PRIVATE_REDIRECT) :]
        if "robots" in text.lower():
            kind = FetchError.ROBOTS
        elif "redirect" in text.lower():
            kind = FetchError.REDIRECT_LOOP
        else:
            kind = FetchError.OTHER
    else:
        kind = _network_kind(failure, repr(value))
    return kind, ""


def _network_kind(failure: Failure, text: str) -> FetchError:
    if "SSL" in text or "TLS" in text or "certificate" in text:
        return FetchError.TLS
    # Scrapy wraps a connection closed before any answer in DownloadFailedError; only its repr names the cause.
    if (
        failure.check(ResponseDataLossError, tx_error.ConnectionLost, tx_error.ConnectionDone)
        or "ResponseNeverReceived" in text
        or "ConnectionLost" in text
        or "ConnectionDone" in text
        or "ResponseFailed" in text
    ):
        return FetchError.RESET
    return FetchError.OTHER
