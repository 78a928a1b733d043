"""The store's tables: the schema a new store is made with, and the steps that bring an older one up to it.

Every table's DDL and every migration is in this one file, so a new column is one place to change.
"""

from __future__ import annotations

import sqlite3

SCHEMA_VERSION = 10

_PROBES_TABLE = """CREATE TABLE probes (
    id INTEGER PRIMARY KEY,
    site TEXT NOT NULL,
    url TEXT NOT NULL,
    probed_at TEXT NOT NULL,
    outcome TEXT NOT NULL,
    status INTEGER,
    elapsed REAL,
    error TEXT
)"""
"""Home-page probes (`gapcheck probe`): `site` is `site_key(url)`, as runs are matched; outcome ok or failed."""
_PROBES_INDEX = "CREATE INDEX probes_by_site ON probes(site, probed_at)"

_DECISIONS = [
    # What people decided about a site's findings, kept apart from any run: runs are pruned, decisions stay.
    # `site` is `site_key(start_url)`, as runs are matched; a withdrawn row stays, with when and by whom.
    """CREATE TABLE acceptances (
    id INTEGER PRIMARY KEY,
    site TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    kind TEXT NOT NULL,
    rule TEXT NOT NULL,
    subject TEXT NOT NULL,
    url TEXT,
    reason TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    run_id INTEGER,
    withdrawn_by TEXT,
    withdrawn_at TEXT
)""",
    "CREATE INDEX acceptances_by_site ON acceptances(site, fingerprint)",
    """CREATE TABLE manual_results (
    id INTEGER PRIMARY KEY,
    site TEXT NOT NULL,
    rule TEXT NOT NULL,
    result TEXT NOT NULL,
    note TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    run_id INTEGER
)""",
    "CREATE INDEX manual_results_by_site ON manual_results(site, rule)",
    # A run made by `gapcheck recheck`: the earlier run it copied and the pages it fetched again.
    "CREATE TABLE rechecks (run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE, "
    "derived_from INTEGER NOT NULL, urls TEXT NOT NULL)",
]
"""Schema 9 (gapcheck accept, manual, recheck)."""

_MIGRATIONS = {
    2: ["ALTER TABLE pages ADD COLUMN forms TEXT"],
    3: ["ALTER TABLE links ADD COLUMN block TEXT"],
    4: [
        "ALTER TABLE findings ADD COLUMN fingerprint TEXT",
        # Older runs get their fingerprints too, so the first run after an upgrade has a history.
        "UPDATE findings SET fingerprint = gapcheck_fingerprint(rule, subject, url)",
        "CREATE INDEX findings_by_fingerprint ON findings(fingerprint)",
    ],
    5: [
        "ALTER TABLE link_checks ADD COLUMN redirects INTEGER",
        "ALTER TABLE link_checks ADD COLUMN checked_at TEXT",
        "ALTER TABLE runs ADD COLUMN crawl_notes TEXT",
        "CREATE TABLE external_checks (url TEXT PRIMARY KEY, status INTEGER, final_url TEXT, content_type TEXT, "
        "redirects INTEGER, checked_at TEXT NOT NULL)",
    ],
    6: [_PROBES_TABLE, _PROBES_INDEX],
    7: ["ALTER TABLE pages ADD COLUMN zones TEXT", "ALTER TABLE links ADD COLUMN zone INTEGER"],
    # The spider records facts, not words: older rows keep their reason and no facts (checks/answers.py).
    8: [
        f"ALTER TABLE link_checks ADD COLUMN {column}"
        for column in ("title TEXT", "text TEXT", "retry_after REAL", "location TEXT")
    ],
    9: _DECISIONS,
    # What the run was started with (profile, crawl options; gapcheck/run_options.py), for --resume. Older
    # runs have none: a resume of one takes the command line's, as before.
    10: ["ALTER TABLE runs ADD COLUMN started_with TEXT"],
}
"""Statements that bring a store of the version before the key up to that version."""

_SCHEMA = (
    """
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    site TEXT NOT NULL,
    start_url TEXT NOT NULL,
    profile TEXT NOT NULL,
    as_of TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    state TEXT NOT NULL,
    pages INTEGER NOT NULL DEFAULT 0,
    links_checked INTEGER NOT NULL DEFAULT 0,
    page_limit INTEGER NOT NULL DEFAULT 0,
    page_limit_reached INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    verdict TEXT,
    score REAL,
    report TEXT,
    crawl_notes TEXT,
    started_with TEXT
);
CREATE TABLE pages (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    final_url TEXT NOT NULL,
    status INTEGER,
    content_type TEXT,
    encoding TEXT,
    title TEXT,
    depth INTEGER,
    referrer TEXT,
    size INTEGER,
    content_hash TEXT,
    etag TEXT,
    last_modified TEXT,
    fetched_at TEXT,
    headings TEXT,
    meta TEXT,
    dates TEXT,
    text TEXT,
    main_chars INTEGER,
    error TEXT,
    forms TEXT,
    zones TEXT,
    PRIMARY KEY (run_id, url)
);
CREATE TABLE links (
    run_id INTEGER NOT NULL,
    page_url TEXT NOT NULL,
    position INTEGER NOT NULL,
    url TEXT NOT NULL,
    tag TEXT NOT NULL,
    text TEXT,
    title TEXT,
    region TEXT,
    date TEXT,
    fragment TEXT,
    block TEXT,
    zone INTEGER,
    PRIMARY KEY (run_id, page_url, position),
    FOREIGN KEY (run_id, page_url) REFERENCES pages(run_id, url) ON DELETE CASCADE
);
CREATE INDEX links_by_target ON links(run_id, url);
CREATE TABLE link_checks (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    status INTEGER,
    error TEXT,
    reason TEXT,
    final_url TEXT,
    content_type TEXT,
    redirects INTEGER,
    checked_at TEXT,
    title TEXT,
    text TEXT,
    retry_after REAL,
    location TEXT,
    PRIMARY KEY (run_id, url)
);
CREATE TABLE external_checks (
    url TEXT PRIMARY KEY,
    status INTEGER,
    final_url TEXT,
    content_type TEXT,
    redirects INTEGER,
    checked_at TEXT NOT NULL
);
CREATE TABLE findings (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    rule TEXT NOT NULL,
    status TEXT NOT NULL,
    severity TEXT NOT NULL,
    subject TEXT NOT NULL,
    message TEXT,
    url TEXT,
    evidence TEXT,
    deduction REAL NOT NULL DEFAULT 0,
    fingerprint TEXT,
    PRIMARY KEY (run_id, seq)
);
CREATE INDEX findings_by_fingerprint ON findings(fingerprint);
"""
    + f"{_PROBES_TABLE};\n{_PROBES_INDEX};\n"
    + "".join(f"{statement};\n" for statement in _DECISIONS)
)


def upgrade(db: sqlite3.Connection, version: int) -> None:
    """Brings a store of schema `version` (0: a new, empty file) up to SCHEMA_VERSION, in the caller's
    transaction."""
    if version == 0:
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                db.execute(statement)
    else:
        for step in range(version + 1, SCHEMA_VERSION + 1):
            for statement in _MIGRATIONS[step]:
                db.execute(statement)
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
