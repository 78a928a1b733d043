"""What a crawl writes: its pages, with their links, and its link checks."""

from __future__ import annotations

import json
from collections.abc import Iterable

from core.model import LinkCheck, Page

from .database import Database


class PageWrites(Database):
    """Writing a crawl's pages, links and link checks as they come."""

    def add_crawled(self, run_id: int, pages: Iterable[Page] = (), checks: Iterable[LinkCheck] = ()) -> None:
        """Pages (with their links) and link checks, in one transaction: a crawl killed at any moment keeps a
        page's check and the page together, or neither (a check without its page would have `--resume` take
        the page for done)."""
        page_rows: list[tuple] = []
        link_rows: list[tuple] = []
        for p in pages:
            page_rows.append(
                (
                    run_id,
                    p.url,
                    p.final_url,
                    p.status,
                    p.content_type,
                    p.encoding,
                    p.title,
                    p.depth,
                    p.referrer,
                    p.size,
                    p.content_hash,
                    p.etag,
                    p.last_modified,
                    p.fetched_at,
                    json.dumps(p.headings, ensure_ascii=False),
                    json.dumps(p.meta, ensure_ascii=False),
                    json.dumps([[d.value, d.text, d.source.value] for d in p.dates], ensure_ascii=False),
                    p.text,
                    p.main_chars,
                    p.error,
                    json.dumps([[f.action, f.method, f.fields, f.text] for f in p.forms], ensure_ascii=False),
                    json.dumps(
                        [[z.key, z.fingerprint, z.links, z.chars, z.text, z.region.value] for z in p.zones],
                        ensure_ascii=False,
                    ),
                )
            )
            link_rows.extend(
                (
                    run_id,
                    p.url,
                    i,
                    ln.url,
                    ln.tag.value,
                    ln.text,
                    ln.title,
                    ln.region.value,
                    ln.date,
                    ln.fragment,
                    ln.block,
                    ln.zone,
                )
                for i, ln in enumerate(p.links)
            )
        check_rows = [
            (
                run_id,
                c.url,
                c.status,
                c.error.value if c.error else None,
                c.reason,
                c.final_url,
                c.content_type,
                c.redirects,
                c.checked_at or None,
                c.title or None,
                c.text or None,
                c.retry_after,
                c.location or None,
            )
            for c in checks
        ]
        with self.transaction() as db:
            db.executemany("DELETE FROM links WHERE run_id = ? AND page_url = ?", [(r[0], r[1]) for r in page_rows])
            db.executemany("INSERT OR REPLACE INTO pages VALUES (" + ",".join("?" * 22) + ")", page_rows)
            db.executemany("INSERT INTO links VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", link_rows)
            db.executemany("INSERT OR REPLACE INTO link_checks VALUES (" + ",".join("?" * 13) + ")", check_rows)

    def page_count(self, run_id: int) -> int:
        return self.db.execute("SELECT COUNT(*) FROM pages WHERE run_id = ?", (run_id,)).fetchone()[0]
