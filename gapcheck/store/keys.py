"""A finding's identity across runs, and which site a run checked: the keys runs and findings are matched by.
What a URL contributes to them is core/urls.py's."""

from __future__ import annotations

import hashlib

from core.urls import finding_subject, path_and_query, site_key

__all__ = ["fingerprint", "site_key"]


def fingerprint(rule: str, subject: str, url: str | None) -> str:
    """A finding's identity across runs: sha1 of rule, subject and the URL's path and query, 16 hex digits.

    The URL's scheme, host and port are left out, so a portal that moves to https or another port
    keeps its history. A subject that is itself a URL (a broken link) loses its scheme and port only:
    its host tells an in-site link from an external one.
    """
    where = path_and_query(url)
    return hashlib.sha1("\x1f".join((rule, finding_subject(subject), where)).encode("utf-8")).hexdigest()[:16]
