"""The SQLite store: every run, the pages and links it saw, the link checks and the findings.

Runs are never overwritten, so later runs can be compared with earlier ones. WAL mode lets readers
(reports, a supervisor's server) read while a crawl writes. One module a job: `schema` (tables and
migrations), `runs` (a run's life), `pages` (what a crawl writes), `rows` (rows as the model's objects),
`texts` (page texts read when asked for), `loading` (reading runs back), `external` (the external-link
cache), `probes`, `findings`, `damage`, `keys` (site and finding identity), `decisions` (what people decided about
a site's findings), `listing` (what a store holds), `derive` (a run copied for `gapcheck recheck`).
"""

from __future__ import annotations

from .damage import damaged_message, is_damaged
from .decisions import Acceptance, AcceptKind, ManualEntry, ManualResult
from .derive import Derive
from .external import ExternalCache
from .findings import StoredFinding
from .keys import fingerprint, site_key
from .listing import Listing, RunLine, SiteLine
from .loading import Loading
from .pages import PageWrites
from .runs import RunInfo, RunRow, RunState
from .schema import SCHEMA_VERSION


class Store(Loading, PageWrites, ExternalCache, Listing, Derive):
    """One SQLite database file, every job of the store on one connection; safe to open from several
    processes."""


__all__ = [
    "SCHEMA_VERSION",
    "AcceptKind",
    "Acceptance",
    "ManualEntry",
    "ManualResult",
    "RunInfo",
    "RunLine",
    "RunRow",
    "RunState",
    "SiteLine",
    "Store",
    "StoredFinding",
    "damaged_message",
    "fingerprint",
    "is_damaged",
    "site_key",
]
