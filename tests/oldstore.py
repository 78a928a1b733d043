"""Stores as older gapchecks left them: a current store with later schema versions undone, for upgrade tests."""

from __future__ import annotations

import sqlite3
from pathlib import Path

_UNDO = {
    2: ["ALTER TABLE pages DROP COLUMN forms"],
    3: ["ALTER TABLE links DROP COLUMN block"],
    4: ["DROP INDEX findings_by_fingerprint", "ALTER TABLE findings DROP COLUMN fingerprint"],
    5: [
        "ALTER TABLE link_checks DROP COLUMN redirects",
        "ALTER TABLE link_checks DROP COLUMN checked_at",
        "ALTER TABLE runs DROP COLUMN crawl_notes",
        "DROP TABLE external_checks",
    ],
    6: ["DROP TABLE probes"],
    7: ["ALTER TABLE pages DROP COLUMN zones", "ALTER TABLE links DROP COLUMN zone"],
    8: [f"ALTER TABLE link_checks DROP COLUMN {c}" for c in ("title", "text", "retry_after", "location")],
    9: ["DROP TABLE acceptances", "DROP TABLE manual_results", "DROP TABLE rechecks"],
    10: ["ALTER TABLE runs DROP COLUMN started_with"],
}
"""Statements that take a store of the key's version back to the version before it (gapcheck.store.schema._MIGRATIONS reversed)."""


def downgrade(path: Path, version: int) -> None:
    db = sqlite3.connect(path)
    current = db.execute("PRAGMA user_version").fetchone()[0]
    for step in range(current, version, -1):
        for statement in _UNDO[step]:
            db.execute(statement)
    db.execute(f"PRAGMA user_version={version}")
    db.commit()
    db.close()
