"""A run derived from an earlier one (`gapcheck recheck`): its pages, links and link checks copied, then the
pages asked for fetched again over the copy."""

from __future__ import annotations

import datetime as dt
import json

from .database import now
from .decisions import Decisions
from .runs import RunState


class Derive(Decisions):
    """Copying a finished run into a new one for a recheck."""

    def derive_run(self, source: int, as_of: dt.date, urls: list[str]) -> int:
        """A new run of `source`'s site holding a copy of everything `source` crawled, recorded as derived
        from it with the pages to fetch again; it is CRAWLING until the recheck's crawl ends."""
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO runs (site, start_url, profile, as_of, started_at, state, pages, links_checked, "
                "page_limit, page_limit_reached, errors, crawl_notes) "
                "SELECT site, start_url, profile, ?, ?, ?, pages, links_checked, page_limit, page_limit_reached, "
                "errors, crawl_notes FROM runs WHERE id = ?",
                (as_of.isoformat(), now(), RunState.CRAWLING, source),
            )
            run_id = cur.lastrowid
            assert run_id is not None  # an INSERT into a rowid table
            for table in ("pages", "links", "link_checks"):
                columns = [r[1] for r in db.execute(f"PRAGMA table_info({table})") if r[1] != "run_id"]
                names = ", ".join(columns)
                db.execute(
                    f"INSERT INTO {table} (run_id, {names}) SELECT ?, {names} FROM {table} WHERE run_id = ?",
                    (run_id, source),
                )
            db.execute("INSERT INTO rechecks VALUES (?, ?, ?)", (run_id, source, json.dumps(urls, ensure_ascii=False)))
        return run_id

    def finish_recheck(self, run_id: int, source: int, targets: dict[str, str]) -> None:
        """After the recheck's crawl: a page fetched from its final URL goes back under its stored URL, and
        each page fetched again keeps its place in the site (depth and the page that linked to it) from the
        run it was copied from, since it was fetched as a start page; the run is CRAWLED, ready to be judged."""
        urls = list(targets)
        with self.transaction() as db:
            columns = [r[1] for r in db.execute("PRAGMA table_info(pages)") if r[1] not in ("run_id", "url")]
            names = ", ".join(columns)
            for stored, fetched in targets.items():
                if (
                    stored == fetched
                    or not db.execute("SELECT 1 FROM pages WHERE run_id = ? AND url = ?", (run_id, fetched)).fetchone()
                ):
                    continue
                db.execute("DELETE FROM pages WHERE run_id = ? AND url = ?", (run_id, stored))
                db.execute(
                    f"INSERT INTO pages (run_id, url, {names}) SELECT run_id, ?, {names} FROM pages "
                    "WHERE run_id = ? AND url = ?",
                    (stored, run_id, fetched),
                )
                db.execute("UPDATE links SET page_url = ? WHERE run_id = ? AND page_url = ?", (stored, run_id, fetched))
                db.execute("DELETE FROM pages WHERE run_id = ? AND url = ?", (run_id, fetched))
            db.executemany(
                "UPDATE pages SET (depth, referrer) = (SELECT depth, referrer FROM pages WHERE run_id = ? AND url = ?) "
                "WHERE run_id = ? AND url = ? AND EXISTS (SELECT 1 FROM pages WHERE run_id = ? AND url = ?)",
                [(source, url, run_id, url, source, url) for url in urls],
            )
            checked = db.execute("SELECT count(*) FROM link_checks WHERE run_id = ?", (run_id,)).fetchone()[0]
            pages = db.execute("SELECT count(*) FROM pages WHERE run_id = ?", (run_id,)).fetchone()[0]
            db.execute(
                "UPDATE runs SET state = ?, pages = ?, links_checked = ? WHERE id = ?",
                (RunState.CRAWLED, pages, checked, run_id),
            )

    def last_run_with(self, url: str) -> int | None:
        """The newest judged run that fetched the page `url`."""
        row = self.db.execute(
            "SELECT r.id FROM runs r JOIN pages p ON p.run_id = r.id WHERE p.url = ? AND r.state = ? "
            "ORDER BY r.id DESC LIMIT 1",
            (url, RunState.DONE),
        ).fetchone()
        return row[0] if row else None

    def recheck_targets(self, run_id: int, urls: list[str]) -> dict[str, str]:
        """stored URL → the URL to fetch it from, for each of `urls` in run `run_id`.

        A page the run reached through a redirect (an entry page's script, in a browser, or HTTP) is stored
        under the URL that was linked, with the page it landed on as its final URL: that is asked directly,
        since a recheck follows no page link; asked for by either URL, it is the same page."""
        targets: dict[str, str] = {}
        for url in urls:
            row = self.db.execute(
                "SELECT url, final_url, final_url IN (SELECT url FROM pages WHERE run_id = ?) FROM pages "
                "WHERE run_id = ? AND (url = ? OR final_url = ?) ORDER BY url = ? DESC, depth LIMIT 1",
                (run_id, run_id, url, url, url),
            ).fetchone()
            if row is None:
                targets.setdefault(url, url)
            else:
                stored, final, final_is_a_page = row
                targets.setdefault(stored, stored if not final or final_is_a_page else final)
        return targets
