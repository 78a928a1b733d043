"""Which site a run checked, and a finding's identity across runs: the keys runs and findings are matched by."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit


def _without_scheme_and_port(url: str) -> str:
    """`url` as host + path (+ ?query): the same page whether served over http, https or another port."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return url
    return host + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def site_key(start_url: str) -> str:
    """Which site a run checked: its start URL without scheme and port (runs with one key are one site)."""
    return _without_scheme_and_port(start_url.strip()) if "://" in start_url else start_url.strip()


def fingerprint(rule: str, subject: str, url: str | None) -> str:
    """A finding's identity across runs: sha1 of rule, subject and the URL's path and query, 16 hex digits.

    The URL's scheme, host and port are left out, so a portal that moves to https or another port
    keeps its history. A subject that is itself a URL (a broken link) loses its scheme and port only:
    its host tells an in-site link from an external one.
    """
    subject = subject or ""
    if subject.startswith(("http://", "https://", "HTTP://", "HTTPS://")):
        subject = _without_scheme_and_port(subject)
    where = ""
    if url:
        try:
            parts = urlsplit(url)
            where = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        except ValueError:
            where = url
    return hashlib.sha1("\x1f".join((rule, subject, where)).encode("utf-8")).hexdigest()[:16]
