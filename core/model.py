"""The crawled site as the rules see it: what the spider saw, nothing judged yet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from urllib.parse import urlsplit

from .urls import host_of


class LinkTag(StrEnum):
    """Where on the page a link target came from."""

    A = "a"
    AREA = "area"
    IMG = "img"
    SCRIPT = "script"
    STYLESHEET = "link"
    FRAME = "frame"
    IFRAME = "iframe"
    EMBED = "embed"
    REFRESH = "refresh"
    """`<meta http-equiv=refresh>`."""
    SCRIPT_REDIRECT = "js-redirect"
    """`location.href = '…'` and its kin in an inline script."""


NAVIGABLE_TAGS = frozenset(
    {LinkTag.A, LinkTag.AREA, LinkTag.FRAME, LinkTag.IFRAME, LinkTag.REFRESH, LinkTag.SCRIPT_REDIRECT}
)
"""Link kinds a person (or a browser) navigates to; the spider follows these within scope."""

ATTACHMENT_SUFFIXES = (
    ".pdf",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".ppt",
    ".pptx",
    ".wps",
    ".et",
    ".dps",
    ".ofd",
    ".zip",
    ".rar",
    ".7z",
    ".txt",
    ".csv",
)
"""File kinds portals publish as attachments: checked, never parsed."""

ENTRY_REDIRECTS = frozenset({LinkTag.REFRESH, LinkTag.SCRIPT_REDIRECT})
"""How an entry page sends the visitor on to the home page."""
ENTRY_HOPS = 3
"""Entry pages followed one after another to reach the home page."""
_SHARED_FOUND_ON = 64
"""Site.found_on lists at least this long are shared between targets found on the same pages."""

TEXT_LIMIT = 20_000
"""Characters of visible text the spider keeps per page: enough for a guide's elements, bounded for huge
pages. A page this long may have lost its footer."""
BREADCRUMB = "page:breadcrumb"
"""Meta key for the page's breadcrumb trail (当前位置：首页 > 政务公开 > 专项资金), segments joined by " > "."""
LINKS_LIMIT = 3000
"""Link targets kept per page. A real page has a few hundred; more is a trap or a generated index."""
LINKS_DROPPED = "page:links-dropped"
"""Meta key: how many link targets past LINKS_LIMIT the page had (absent when none)."""
TOO_DEEP = "page:too-deep"
"""Meta key, "1" when the page nests elements deeper than the parser reads (libxml2: 256 levels): what lies
deeper, and everything after it, is lost. The limit stays: the spider's own reading recurses per level."""
ANCHORS = "page:anchors"
"""Meta key: the page's fragment targets (element ids and `<a name>`), space-separated; `#x` links are
checked against it. Ids never contain spaces."""
ANCHORS_LIMIT = 1000
RENDERED = "page:rendered"
"""Meta key, "1" when the page was rendered in a browser before it was read."""
SCRIPTS = "page:scripts"
"""Meta key: how many `<script>` elements the page has (with its text size, tells a page built by script)."""
JIUCUO_SITECODE = "jiucuo:sitecode"
"""Meta key for the national 找错 widget's `sitecode` attribute (no `<meta>` has a colon in its name)."""

ZONE_TEXT = 60
"""Characters of a block's own words (outside its links) kept with it: enough for 暂无信息 and its kin."""

ENTRY_PAGE_TEXT = 200
"""Characters of visible text below which a page that redirects is an entry page, not the home page."""


class Region(StrEnum):
    """The part of the page layout a link sits in, read from tags, ids and classes."""

    NAV = "nav"
    HEADER = "header"
    FOOTER = "footer"
    MAIN = "main"


class Verdict(StrEnum):
    """The outcome of checking one link target."""

    OK = "ok"
    BROKEN = "broken"
    UNVERIFIED = "unverified"
    """Could not be decided (timeout, 403/429, a host that refuses robots); never counted as broken."""
    SKIPPED = "skipped"
    """Not asked on purpose (an external link in an offline run); neither broken nor undecided."""


class DateSource(StrEnum):
    """Where a date was read from; rules prefer the more explicit sources."""

    META = "meta"
    """`<meta name="PubDate">` and kin."""
    LABEL = "label"
    """Text after 发布日期 / 发布时间 / 日期."""
    TEXT = "text"
    URL = "url"


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date found on a page. `value` is ISO `YYYY-MM-DD`, or `--MM-DD` when the page gave no year."""

    value: str
    text: str
    source: DateSource

    @property
    def has_year(self) -> bool:
        return not self.value.startswith("--")


def best_date(dates: tuple[DateMention, ...]) -> str | None:
    """The publication date among a page's dates: meta first, then labelled text, then the URL."""
    for source in (DateSource.META, DateSource.LABEL, DateSource.URL):
        for d in dates:
            if d.source is source and d.has_year:
                return d.value
    return None


@dataclass(frozen=True, slots=True)
class Link:
    """One link target on a page, with the words a person sees for it."""

    url: str
    """Absolute, fragment removed."""
    tag: LinkTag
    text: str = ""
    """Anchor text; for images the alt, else the title, else the file name."""
    title: str = ""
    region: Region = Region.MAIN
    date: str | None = None
    """The date in the link's list item (`li`, `tr`, `dd`…), ISO or `--MM-DD`."""
    fragment: str = ""
    block: str = ""
    """For a dated list item: the title of the block its list sits in (要闻, 通知公告)."""
    zone: int = -1
    """For `<a>` and `<area>`: the index of the page block it sits in (`Page.zones`); -1 when none."""

    @property
    def host(self) -> str:
        return host_of(self.url)


@dataclass(frozen=True, slots=True)
class Zone:
    """One block of a page as the spider saw it: a list, a menu, a box of latest items, the footer.

    Blocks that look the same on many pages are the site's template (checks/template.py); the rest is
    the page's own content.
    """

    key: str
    """Where the block sits: the path of named elements down to it, `div#left/div.sub_nav/ul`."""
    fingerprint: int
    """Of the key, the link targets and the words outside links: equal where pages show the same block."""
    links: int = 0
    chars: int = 0
    """Characters of words outside the block's links (spaces not counted)."""
    text: str = ""
    """The first ZONE_TEXT characters of those words."""
    region: Region = Region.MAIN
    """The layout part it sits in: a block in the nav, header or footer is never the page's own content."""


@dataclass(frozen=True, slots=True)
class Form:
    """A form on the page: where it submits and the names of its text fields (search boxes, message forms)."""

    action: str
    method: str = "get"
    fields: tuple[str, ...] = ()
    """Names (or ids) of the text inputs and textareas."""
    text: str = ""
    """Visible words of the form: labels, placeholders, button values."""


@dataclass(frozen=True, slots=True)
class Page:
    """One fetched in-scope URL."""

    url: str
    final_url: str
    status: int | None
    content_type: str = ""
    encoding: str = ""
    title: str = ""
    depth: int = 0
    referrer: str = ""
    size: int = 0
    content_hash: str = ""
    etag: str = ""
    last_modified: str = ""
    fetched_at: str = ""
    headings: tuple[str, ...] = ()
    meta: dict[str, str] = field(default_factory=dict)
    dates: tuple[DateMention, ...] = ()
    links: tuple[Link, ...] = ()
    forms: tuple[Form, ...] = ()
    text: str = ""
    main_chars: int = 0
    """Visible characters outside navigation, header and footer."""
    error: str = ""
    zones: tuple[Zone, ...] = ()
    """The page's blocks, in page order; `Link.zone` indexes them."""

    @property
    def is_html(self) -> bool:
        return "html" in self.content_type and not self.error

    @property
    def text_length(self) -> int:
        """`len(self.text)`; a page loaded from the store knows it without reading its text."""
        return len(self.text)

    def text_start(self, chars: int) -> str:
        """`self.text[:chars]`; a page loaded from the store reads just that much of its text."""
        return self.text[:chars]

    @property
    def is_entry_stub(self) -> bool:
        """Only sends the visitor on (script or refresh redirect) and shows next to nothing itself."""
        return self.text_length <= ENTRY_PAGE_TEXT and any(link.tag in ENTRY_REDIRECTS for link in self.links)

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300 and not self.error

    def best_date(self) -> str | None:
        """The page's publication date: meta first, then labelled text, then the URL."""
        return best_date(self.dates)


class FetchError(StrEnum):
    """Why a request got no usable HTTP answer."""

    DNS = "dns"
    REFUSED = "refused"
    TIMEOUT = "timeout"
    TLS = "tls"
    RESET = "reset"
    REDIRECT_LOOP = "redirect-loop"
    ROBOTS = "robots"
    """robots.txt forbids the request; nothing was asked of the server."""
    SOFT_404 = "soft-404"
    """HTTP 200, but the page says it does not exist (页面不存在, 404 Not Found), or answers like a path
    that cannot exist on that host."""
    PRIVATE_REDIRECT = "private-redirect"
    """A redirect into a private or loopback address from a more public one: not followed (crawl.private_redirects)."""
    TOO_LARGE = "too-large"
    """Bigger than the download limit (20 MB), compressed or once decompressed: not read (a gzip bomb stops here)."""
    CHALLENGE = "challenge"
    """A firewall's check page (滑动验证, "Just a moment…") instead of the content: a person may well get through.
    A page's error when the crawl did not read it as the page; a link check's only in runs stored before the
    spider recorded facts (checks/answers.py judges them now), as SOFT_404 and THROTTLED."""
    THROTTLED = "throttled"
    """429, or 503 with Retry-After, still after waiting as long as the server asked: a rate limit."""
    CREDENTIALS = "credentials"
    """The link's URL carries a user name and password: never requested (asking would hand them over)."""
    CIRCUIT_OPEN = "circuit-open"
    """Not asked: the host had failed too many times in a row, so gapcheck stopped sending it requests."""
    OFFLINE = "offline"
    """An external link in an offline run (--offline, crawl.external: false): never requested."""
    BAD_URL = "bad-url"
    """The link's URL cannot be parsed (a port out of range or not a number, a broken IPv6 host, no host):
    never requested, and no visitor gets there either."""
    BAD_REDIRECT = "bad-redirect"
    """A redirect that leads to no web page: to file:, ftp:, data: and the like, or a 3xx without Location."""
    MALFORMED_REDIRECT = "malformed-redirect"
    """A redirect to a URL that cannot be parsed (a port out of range, a broken IPv6 host)."""
    NO_RESOLVER = "no-resolver"
    """The name did not resolve, but neither do names that must exist: this machine has no working DNS."""
    OTHER = "other"


ANSWER_TEXT = 500
"""Characters of visible text kept with a page's answer (LinkCheck.text, NotFoundAnswer.text): where a soft 404
or a firewall's check page says what it is. A rule threshold past it reads no further."""


@dataclass(frozen=True, slots=True)
class LinkCheck:
    """What one link target answered, asked once per run: facts only; checks/answers.py judges them."""

    url: str
    status: int | None = None
    error: FetchError | None = None
    reason: str = ""
    """Only in runs stored before the spider recorded facts (store schema 7 and older): the words it wrote
    then, kept so those runs read as they did. Never filled now."""
    final_url: str = ""
    content_type: str = ""
    redirects: int = 0
    """Redirect hops followed to reach `final_url`."""
    checked_at: str = ""
    """Set when the answer was not asked in this run but taken from an earlier run's (external links)."""
    title: str = ""
    """An HTML answer's title (pages the crawl fetched, answering 200, 403 or 503)."""
    text: str = ""
    """The first ANSWER_TEXT characters of that answer's visible text."""
    retry_after: float | None = None
    """Seconds the server asked to wait (Retry-After) and was waited, when it still limited the request."""
    location: str = ""
    """Where a redirect that was not followed pointed: its Location (a file: or ftp: address), or the host of
    a private-network redirect; '' when it named none."""


@dataclass(frozen=True, slots=True)
class NotFoundAnswer:
    """How a host answered a path that cannot exist (asked once per crawl): what its soft 404s look like."""

    url: str
    """The address asked."""
    status: int
    final_url: str
    redirected: bool
    title: str = ""
    text: str = ""
    """The first ANSWER_TEXT characters of its visible text."""


@dataclass(frozen=True, slots=True)
class HostNote:
    """How one host asked to be treated during the crawl, and what gapcheck did about it."""

    host: str
    crawl_delay: float | None = None
    """robots.txt Crawl-delay for gapcheck, seconds."""
    throttled: int = 0
    """Answers of 429 or 503 with Retry-After."""
    waited: float = 0.0
    """Seconds of Retry-After waited in all."""
    interval: float = 0.0
    """The least seconds between requests the host was slowed down to."""
    circuit_open: str = ""
    """Why gapcheck stopped asking the host, when it did."""


@dataclass(frozen=True, slots=True)
class TrapNote:
    """In-site links not followed as crawler traps, of one kind."""

    kind: str
    count: int
    example: str


@dataclass(frozen=True, slots=True)
class CertificateNote:
    """An https portal's own certificate, as a browser judges it."""

    host: str
    valid: bool
    problem: str = ""
    """What a browser would say, in Chinese, when not valid."""
    expires: str = ""
    """ISO date the certificate ends, when it could be read."""


@dataclass(frozen=True, slots=True)
class CrawlStats:
    """How the crawl went, for the crawl-health rules."""

    pages: int = 0
    page_limit: int = 0
    page_limit_reached: bool = False
    errors: int = 0
    internal_errors: int = 0
    """Pages whose processing raised inside gapcheck: a bug to report, never the portal's fault."""
    hosts: tuple[HostNote, ...] = ()
    reused: int = 0
    """External link answers taken from earlier runs instead of asked again."""
    second_pass: int = 0
    """Undecided targets asked again, slowly, at the end of the crawl."""
    not_modified: int = 0
    """Pages the server said were unchanged (304) since the last run: that run's record was kept."""
    interrupted: bool = False
    """The crawl was stopped (SIGTERM, Ctrl-C) before it finished."""
    certificate: CertificateNote | None = None
    traps: tuple[TrapNote, ...] = ()
    not_found: tuple[NotFoundAnswer, ...] = ()
    """How the crawled hosts answer a path that cannot exist: a page answering the same is a soft 404."""


@dataclass(frozen=True, slots=True)
class Availability:
    """What the home-page probes (`gapcheck probe`) saw in the 7 days before the run."""

    probes: int
    failures: int
    """Probes that got no answer, an HTTP error, or took longer than the timeout (15 s)."""
    first: str
    """UTC ISO time of the first and the last probe in the period."""
    last: str
    days: float
    """Days from the first probe to the last."""


@dataclass
class Site:
    """Everything one run saw of one portal. Rules read it and never change it."""

    name: str
    start_url: str
    as_of: dt.date
    pages: dict[str, Page]
    checks: dict[str, LinkCheck]
    crawl: CrawlStats = field(default_factory=CrawlStats)
    availability: Availability | None = None
    """The probes of the 7 days before the run; None when there were none."""

    @cached_property
    def home(self) -> Page | None:
        return self.pages.get(self.start_url)

    @cached_property
    def landing(self) -> Page | None:
        """The page a visitor lands on: the start page, or where its script or refresh sends them.

        Real entry pages are often only `location.href = 'index.html'`; judging those as the home
        page would report every home-page duty missing.
        """
        page = self.home
        for target in self.entry_pages[1:]:
            if not target.is_html:
                break
            page = target
        return page

    @cached_property
    def entry_pages(self) -> list[Page]:
        """The start page and the pages its script or refresh redirects lead to, whatever they answered
        (a start page sending on to an error page is judged by that page)."""
        pages: list[Page] = []
        page = self.home
        while page is not None and len(pages) <= ENTRY_HOPS and not any(p is page for p in pages):
            pages.append(page)
            if not page.is_entry_stub:
                break
            hop = next((link.url for link in page.links if link.tag in ENTRY_REDIRECTS), None)
            page = self.page(hop) if hop else None
        return pages

    @property
    def landing_url(self) -> str:
        """Where a site-wide finding points: the landing page, else the start URL."""
        return self.landing.url if self.landing is not None else self.start_url

    @cached_property
    def html_pages(self) -> list[Page]:
        return [p for p in self.pages.values() if p.is_html]

    @cached_property
    def pages_landing_first(self) -> list[Page]:
        """The HTML pages in the order an inspector reads them: the landing page, then the rest."""
        landing = self.landing
        if landing is None or not landing.is_html:
            return self.html_pages
        return [landing] + [p for p in self.html_pages if p is not landing]

    @cached_property
    def homepage_links(self) -> frozenset[str]:
        """Every link target on the start page and the page it lands on: what the indicators call 首页."""
        return frozenset(link.url for page in (self.home, self.landing) if page is not None for link in page.links)

    @cached_property
    def found_on(self) -> Mapping[str, list[str]]:
        """Link target → the pages that link to it (each once), in crawl order.

        Targets linked from the same many pages (the template's links, on every page) share one list.
        """
        index: dict[str, list[str]] = {}
        for page in self.html_pages:
            url = page.url
            for link in page.links:
                pages = index.get(link.url)
                if pages is None:
                    index[link.url] = [url]
                elif pages[-1] != url:
                    pages.append(url)
        shared: dict[tuple[str, ...], list[str]] = {}
        for target, pages in index.items():
            if len(pages) >= _SHARED_FOUND_ON:
                index[target] = shared.setdefault(tuple(pages), pages)
        return index

    def page(self, url: str) -> Page | None:
        """The page fetched for `url`, also when `url` was only reached through a redirect."""
        page = self.pages.get(url)
        if page is None:
            page = self._by_final_url.get(url)
        return page

    @cached_property
    def _by_final_url(self) -> dict[str, Page]:
        return {p.final_url: p for p in self.pages.values()}

    def is_attachment(self, url: str) -> bool:
        """A file (pdf, doc, xls…) rather than a page: by its name, or by what its server said it is."""
        if urlsplit(url).path.lower().endswith(ATTACHMENT_SUFFIXES):
            return True
        check = self.checks.get(url)
        return bool(check and check.content_type and "html" not in check.content_type)
