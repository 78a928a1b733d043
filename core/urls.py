"""What gapcheck takes a URL to mean: the address a user typed, the site a run checked, the scope of a crawl,
an origin, the page behind a session id, and the URL part of a finding's fingerprint.

Built on w3lib.url where it has the answer, on urllib.parse where it has none. The site key and the
fingerprint parts are stored (runs and findings are matched across runs by them): their output must not
change from one release to the next, so they stay the plain urlsplit reading they always were rather than
w3lib's canonical form, which percent-encodes and sorts. None of them raises on a malformed URL; only
`web_address`, which judges what a user typed, refuses one (NotAWebAddress).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import add_http_if_no_scheme

from core.redaction import redact

__all__ = [
    "EXAMPLE_URL",
    "NotAWebAddress",
    "carries_session",
    "finding_subject",
    "host_of",
    "origin",
    "path_and_query",
    "path_of",
    "scope_key",
    "site_key",
    "url_parts",
    "web_address",
    "without_scheme_and_port",
    "without_session",
]

EXAMPLE_URL = "http://www.example.gov.cn/"
"""The home page the fix of a refused address shows as an example."""
NOT_A_WEB_ADDRESS = {
    "problem": "{text!r} 不是网址",
    "unparsable": "{text!r} 不是网址（{reason}）",
    "fix": "写网站首页的地址，如 {example}",
    "credentials": "{text!r}：网址中不能写用户名和密码（它们会被存进数据库和日志）",
    "credentials_fix": "换一个不用登录就能打开的网页",
}
"""Why web_address refuses what a user typed, and the fix: the user reads these, so they are Chinese."""

_SESSION_PARAM = re.compile(r"^(?:jsessionid|phpsessid|aspsessionid\w*|sessionid|sid|sessid)$", re.I)
_SESSION_PATH = re.compile(r";(?:jsessionid|phpsessid)=[^/?#]*", re.I)


class NotAWebAddress(ValueError):
    """A portal's address that gapcheck cannot check; `problem` and `fix` are worded for the user."""

    def __init__(self, problem: str, fix: str):
        super().__init__(f"{problem}；{fix}")
        self.problem, self.fix = problem, fix


def url_parts(url: str) -> SplitResult | None:
    """`urlsplit(url)`, or None for a URL a page may carry but no client can ask: a port out of range or not
    a number (:99999, :8o, :80:80), a broken IPv6 host ([::1), no host at all. Reading `.port` or
    `.hostname` of what it returns never raises."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises for a port out of range or not a number
    except ValueError:
        return None
    return parts if parts.hostname else None


def host_of(url: str) -> str:
    """The URL's host, lower case; '' for a malformed URL (url_parts)."""
    parts = url_parts(url)
    return (parts.hostname or "") if parts is not None else ""


def path_of(url: str) -> str:
    """The URL's path; '' for one urlsplit refuses (a broken IPv6 host such as http://[::1/a)."""
    try:
        return urlsplit(url).path
    except ValueError:
        return ""


def web_address(text: str) -> str:
    """A portal's home page as given in a sites list or on the command line, normalized: `http://` when it
    has no scheme, `/` when it has no path. One check for both, so both refuse the same addresses the same
    way. A scheme is one at the start (w3lib): `x.gov.cn/?from=http://y` is x.gov.cn's page."""
    text = text.strip()
    words = NOT_A_WEB_ADDRESS
    fix = words["fix"].format(example=EXAMPLE_URL)
    try:
        url = add_http_if_no_scheme(text)
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 — raises on a port that is not a number or above 65535
    except ValueError as exc:
        raise NotAWebAddress(words["unparsable"].format(text=redact(text), reason=exc), fix) from None
    if parts.scheme not in ("http", "https") or not host or any(c.isspace() for c in url):
        raise NotAWebAddress(words["problem"].format(text=redact(text)), fix)
    if parts.username is not None or parts.password is not None:
        raise NotAWebAddress(words["credentials"].format(text=redact(text)), words["credentials_fix"])
    return url if parts.path else url + "/"


def without_scheme_and_port(url: str) -> str:
    """`url` as host + path (+ ?query): the same page whether served over http, https or another port."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return url
    return host + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def site_key(start_url: str) -> str:
    """Which site a run checked: its start URL without scheme and port (runs with one key are one site)."""
    return without_scheme_and_port(start_url.strip()) if "://" in start_url else start_url.strip()


def finding_subject(subject: str) -> str:
    """A finding's subject as its fingerprint reads it: a URL (a broken link) loses its scheme and port only,
    since its host tells an in-site link from an external one."""
    subject = subject or ""
    if subject.startswith(("http://", "https://", "HTTP://", "HTTPS://")):
        return without_scheme_and_port(subject)
    return subject


def path_and_query(url: str | None) -> str:
    """The page a finding is on, as its fingerprint reads it: path and query, scheme, host and port left out,
    so a portal that moves to https or another host name keeps its history."""
    if not url:
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def origin(url: str) -> str:
    """scheme://host[:port] as the URL writes them: the prefix the same site's URLs share on one server."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


def scope_key(url: str) -> str:
    """Host, plus the port when the URL names one: two servers on 127.0.0.1 are two sites. A malformed URL
    is no site's: its key is empty."""
    parts = url_parts(url)
    if parts is None:
        return ""
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host


def under_domain(host: str, domains: Iterable[str]) -> bool:
    """Whether `host` is one of `domains` or a host under one (www.a.gov.cn under a.gov.cn); `domains` lower
    case without a leading dot."""
    return any(host == d or host.endswith("." + d) for d in domains)


def carries_session(url: str) -> bool:
    """Whether the URL holds a session id (;jsessionid=… in the path, ?PHPSESSID=… and kin in the query)."""
    if _SESSION_PATH.search(url):
        return True
    try:
        query = urlsplit(url).query
    except ValueError:
        return False
    return any(_SESSION_PARAM.match(k) for k, _ in parse_qsl(query, keep_blank_values=True))


def without_session(url: str) -> str:
    """`url` with session ids (;jsessionid=…, ?PHPSESSID=…) removed: the page they all lead to."""
    try:
        parts = urlsplit(_SESSION_PATH.sub("", url))
    except ValueError:
        return url
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _SESSION_PARAM.match(k)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def parse_alias(text: str) -> tuple[str, str] | None:
    """`www.example.gov.cn=http://127.0.0.1:8080` as (host, base URL); None when it is not of that form."""
    host, sep, base = text.partition("=")
    return alias_pair(host, base) if sep else None


def alias_pair(host: str, base: str) -> tuple[str, str] | None:
    """A staging copy or mirror standing in for `host` (`--alias`, `crawl.aliases`): (host, base URL) in the
    form the crawl reads; None when either is not of that form."""
    host, base = host.strip().lower(), base.strip()
    parts = urlsplit(base)
    if not host or "/" in host or ":" in host or parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return host, base.rstrip("/")
