"""The SQLite store: every run, the pages and links it saw, the link checks and the findings.

Runs are never overwritten, so later runs can be compared with earlier ones. WAL mode lets readers
(reports, a supervisor's server) read while a crawl writes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from checks import Finding, Severity
from checks.answers import plain_verdict
from core.errors import StoreError
from core.model import (
    Availability,
    CertificateNote,
    CrawlStats,
    DateMention,
    DateSource,
    FetchError,
    Form,
    HostNote,
    Link,
    LinkCheck,
    LinkTag,
    NotFoundAnswer,
    Page,
    Region,
    Site,
    TrapNote,
    Verdict,
    Zone,
)

SCHEMA_VERSION = 8

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
    crawl_notes TEXT
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
)


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


@dataclass(frozen=True)
class RunInfo:
    id: int
    site: str
    start_url: str
    profile: str
    as_of: dt.date
    started_at: str
    finished_at: str | None
    state: str
    pages: int
    links_checked: int


@dataclass(frozen=True)
class RunRow:
    """A run as `gapcheck history` lists it."""

    id: int
    start_url: str
    as_of: str
    finished_at: str | None
    state: str
    verdict: str | None
    score: float | None


@dataclass(frozen=True)
class StoredFinding:
    """A failing finding as stored, for comparing runs."""

    rule: str
    subject: str
    url: str | None
    evidence: str | None
    message: str | None
    severity: str
    fingerprint: str


class Store:
    """One SQLite database file; safe to open from several processes."""

    def __init__(self, path: Path, *, read_only: bool = False):
        """`read_only` for the commands that only read (history, diff, report): a store on read-only media or
        in a file this user may not write still opens, and nothing is written to it."""
        self.path = Path(path)
        self.read_only = read_only
        try:
            if read_only:
                self.db = _connect_read_only(self.path)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
                self.db.execute("PRAGMA foreign_keys=ON")
            self.db.create_function("gapcheck_fingerprint", 3, fingerprint, deterministic=True)
            self.db.create_function("gapcheck_site_key", 1, site_key, deterministic=True)
            self._migrate(read_only)
        except (sqlite3.Error, OSError) as exc:
            if is_damaged(exc):
                raise StoreError(damaged_message(self.path, exc)) from exc
            raise StoreError(
                f"{self.path}: cannot open the gapcheck database ({exc}); pass --db with a writable path"
            ) from exc

    def verify(self) -> None:
        """Before a run is added: a store with damaged pages would take the run, then fail at its first read
        or write of them, once per attempt. quick_check reads every page once (seconds for a large store,
        against a crawl's minutes)."""
        try:
            problems = [row[0] for row in self.db.execute("PRAGMA quick_check(3)")]
        except sqlite3.DatabaseError as exc:
            raise StoreError(damaged_message(self.path, exc)) from exc
        if problems != ["ok"]:
            raise StoreError(damaged_message(self.path, " ".join(" ".join(problems).split())))

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One all-or-nothing write; a store that cannot be written (a full disk) is a StoreError naming it."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            if is_damaged(exc):
                raise StoreError(damaged_message(self.path, exc)) from exc
            raise StoreError(
                f"{self.path}: cannot write to the gapcheck database ({exc}); free disk space "
                "there or pass --db with a store elsewhere (a stopped crawl goes on with --resume)"
            ) from exc

    def _migrate(self, read_only: bool) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: database schema {version} is newer than this gapcheck "
                f"({SCHEMA_VERSION}); upgrade gapcheck or use another --db file"
            )
        if read_only:
            raise StoreError(
                f"{self.path}：数据库是旧版本（{version}），只读打开时无法升级；请把它复制到可写的位置，"
                "用 --db 指定副本再运行"
            )
        with self.transaction() as db:
            if version == 0:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
            else:
                for step in range(version + 1, SCHEMA_VERSION + 1):
                    for statement in _MIGRATIONS[step]:
                        db.execute(statement)
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    # -- writing ---------------------------------------------------------------------------

    def start_run(self, site: str, start_url: str, profile: str, as_of: dt.date, page_limit: int) -> int:
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO runs (site, start_url, profile, as_of, started_at, state, page_limit) "
                "VALUES (?, ?, ?, ?, ?, 'crawling', ?)",
                (site, start_url, profile, as_of.isoformat(), _now(), page_limit),
            )
            return cur.lastrowid

    def add_crawled(self, run_id: int, pages: Iterable[Page] = (), checks: Iterable[LinkCheck] = ()) -> None:
        """Pages (with their links) and link checks, in one transaction: a crawl killed at any moment keeps a
        page's check and the page together, or neither (a check without its page would have `--resume` take
        the page for done)."""
        page_rows, link_rows = [], []
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

    def finish_crawl(self, run_id: int, stats: CrawlStats) -> None:
        notes = {
            "hosts": [dataclasses.asdict(h) for h in stats.hosts],
            "reused": stats.reused,
            "second_pass": stats.second_pass,
            "not_modified": stats.not_modified,
            "traps": [dataclasses.asdict(t) for t in stats.traps],
            "certificate": dataclasses.asdict(stats.certificate) if stats.certificate else None,
            "not_found": [dataclasses.asdict(n) for n in stats.not_found],
        }
        with self.transaction() as db:
            checked = db.execute("SELECT count(*) FROM link_checks WHERE run_id = ?", (run_id,)).fetchone()[0]
            db.execute(
                "UPDATE runs SET state = 'crawled', pages = ?, links_checked = ?, page_limit_reached = ?, "
                "errors = ?, crawl_notes = ? WHERE id = ?",
                (
                    stats.pages,
                    checked,
                    int(stats.page_limit_reached),
                    stats.errors,
                    json.dumps(notes, ensure_ascii=False),
                    run_id,
                ),
            )

    # -- answers of external links, kept across runs -----------------------------------------

    def fresh_external(self, days: float) -> dict[str, LinkCheck]:
        """External targets that answered within `days`: a nightly run need not ask them again."""
        if days <= 0:
            return {}
        since = (dt.datetime.now(dt.UTC) - dt.timedelta(days=days)).isoformat(timespec="seconds")
        return {
            url: LinkCheck(url, status, None, "", final_url or "", content_type or "", redirects or 0, at)
            for url, status, final_url, content_type, redirects, at in self.db.execute(
                "SELECT url, status, final_url, content_type, redirects, checked_at FROM external_checks "
                "WHERE checked_at >= ?",
                (since,),
            )
        }

    def remember_external(self, run_id: int, is_external: Callable[[str], bool]) -> int:
        """Keeps this run's answers of external targets: the ok ones to reuse, the others forgotten.

        Only working links are reused: a broken or undecided one is asked again every run, so a fixed
        link never stays broken in a report for days.
        """
        keep, forget = [], []
        now = _now()
        for url, status, error, final_url, content_type, redirects in self.db.execute(
            "SELECT url, status, error, final_url, content_type, redirects FROM link_checks "
            "WHERE run_id = ? AND checked_at IS NULL",
            (run_id,),
        ).fetchall():
            if not is_external(url):
                continue
            check = LinkCheck(url, status, FetchError(error) if error else None)
            if plain_verdict(check) is Verdict.OK:
                keep.append((url, status, final_url, content_type, redirects, now))
            else:
                forget.append((url,))
        with self.transaction() as db:
            db.executemany("INSERT OR REPLACE INTO external_checks VALUES (?,?,?,?,?,?)", keep)
            db.executemany("DELETE FROM external_checks WHERE url = ?", forget)
        return len(keep)

    def finish_run(self, run_id: int, findings: list[Finding], severity_of: dict[str, Severity], report: dict) -> None:
        rows = [
            (
                run_id,
                i,
                f.rule,
                f.status.value,
                (f.severity or severity_of[f.rule]).value,
                f.subject,
                f.message,
                f.url,
                f.evidence,
                f.deduction,
                fingerprint(f.rule, f.subject, f.url),
            )
            for i, f in enumerate(findings)
        ]
        summary = report["summary"]
        with self.transaction() as db:
            db.execute("DELETE FROM findings WHERE run_id = ?", (run_id,))
            db.executemany("INSERT INTO findings VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
            db.execute(
                "UPDATE runs SET state = 'done', finished_at = ?, verdict = ?, score = ?, report = ? WHERE id = ?",
                (
                    report["run"]["finished_at"],
                    summary["verdict"],
                    summary["score"],
                    json.dumps(report, ensure_ascii=False),
                    run_id,
                ),
            )

    def fail_run(self, run_id: int, reason: str) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE runs SET state = 'failed', finished_at = ?, report = ? WHERE id = ?",
                (_now(), json.dumps({"error": reason}, ensure_ascii=False), run_id),
            )

    # -- reading ---------------------------------------------------------------------------

    def run(self, run_id: int) -> RunInfo:
        row = self.db.execute(
            "SELECT id, site, start_url, profile, as_of, started_at, finished_at, state, pages, links_checked "
            "FROM runs WHERE id = ?",
            (run_id,),
        ).fetchone()
        if row is None:
            raise StoreError(f"{self.path}: no run {run_id}")
        return RunInfo(row[0], row[1], row[2], row[3], dt.date.fromisoformat(row[4]), *row[5:])

    def has_run(self, run_id: int) -> bool:
        return self.db.execute("SELECT 1 FROM runs WHERE id = ?", (run_id,)).fetchone() is not None

    def runs_of_site(self, start_url: str, *, before: int | None = None, done_only: bool = False) -> list[RunRow]:
        """The runs of the site `start_url` names (same start URL but for scheme and port), oldest first."""
        sql = (
            "SELECT id, start_url, as_of, finished_at, state, verdict, score FROM runs "
            "WHERE gapcheck_site_key(start_url) = ?"
        )
        params: list = [site_key(start_url)]
        if before is not None:
            sql += " AND id < ?"
            params.append(before)
        if done_only:
            sql += " AND state = 'done'"
        return [RunRow(*row) for row in self.db.execute(sql + " ORDER BY id", params)]

    def fail_count(self, run_id: int) -> int:
        """How many findings of a run failed (what `failing` would return, without loading them)."""
        return self.db.execute(
            "SELECT count(*) FROM findings WHERE run_id = ? AND status = 'fail'", (run_id,)
        ).fetchone()[0]

    def failing(self, run_id: int) -> list[StoredFinding]:
        """The failing findings of a run, in report order, each with its fingerprint."""
        return [
            StoredFinding(*row)
            for row in self.db.execute(
                "SELECT rule, subject, url, evidence, message, severity, "
                "COALESCE(fingerprint, gapcheck_fingerprint(rule, subject, url)) "
                "FROM findings WHERE run_id = ? AND status = 'fail' ORDER BY seq",
                (run_id,),
            )
        ]

    def load_site(self, run_id: int) -> Site:
        """The site model of a stored run, as the rules read it.

        Sized for runs of 100,000 pages: a page's text stays in the store until a rule reads it (most
        rules never do), a template link repeated on every page is one Link object, and a string that
        repeats (a URL, a meta value, link words) is one string object.
        """
        info = self.run(run_id)
        limits = self.db.execute(
            "SELECT page_limit, page_limit_reached, errors, crawl_notes FROM runs WHERE id = ?", (run_id,)
        ).fetchone()
        strings: dict = {}
        links = self._run_links(run_id, strings)
        texts = _Texts(self.path, run_id, self.read_only)
        read = _Reader(strings)
        pages = {}
        for r in self.db.execute(
            f"SELECT {_PAGE_COLUMNS_NO_TEXT} FROM pages WHERE run_id = ? ORDER BY depth, url", (run_id,)
        ):
            page = read.page(r, links, _StoredPage)
            object.__setattr__(page, "text", _LazyText(texts, r[17]))
            pages[page.url] = page
        texts.order = list(pages)
        del links, read
        keep = strings.setdefault
        checks = {
            r[0]: LinkCheck(
                keep(r[0], r[0]),
                r[1],
                FetchError(r[2]) if r[2] else None,
                keep(r[3], r[3]) or "",
                keep(r[4], r[4]) or "",
                keep(r[5], r[5]) or "",
                r[6] or 0,
                keep(r[7], r[7]) or "",
                r[8] or "",
                r[9] or "",
                r[10],
                r[11] or "",
            )
            for r in self.db.execute(
                "SELECT url, status, error, reason, final_url, content_type, redirects, checked_at, title, text, "
                "retry_after, location FROM link_checks "
                "WHERE run_id = ? ORDER BY rowid",
                (run_id,),
            )
        }
        del strings
        notes = json.loads(limits[3] or "{}")
        stats = CrawlStats(
            pages=len(pages),
            page_limit=limits[0],
            page_limit_reached=bool(limits[1]),
            errors=limits[2],
            hosts=tuple(HostNote(**h) for h in notes.get("hosts", ())),
            reused=notes.get("reused", 0),
            second_pass=notes.get("second_pass", 0),
            not_modified=notes.get("not_modified", 0),
            traps=tuple(TrapNote(**t) for t in notes.get("traps", ())),
            certificate=CertificateNote(**notes["certificate"]) if notes.get("certificate") else None,
            not_found=tuple(NotFoundAnswer(**n) for n in notes.get("not_found", ())),
        )
        return Site(
            info.site,
            info.start_url,
            info.as_of,
            pages,
            checks,
            stats,
            self.availability(info.start_url, info.started_at),
        )

    _LINK_COLUMNS = "page_url, position, url, tag, text, title, region, date, fragment, block, zone"

    def _links(self, where: str, params: tuple, strings: dict | None = None) -> dict[str, tuple[Link, ...]]:
        """Page URL → its links in page order."""
        rows = self.db.execute(f"SELECT {self._LINK_COLUMNS} FROM links {where} ORDER BY page_url, position", params)
        return _grouped_links(rows, {} if strings is None else strings)

    def _run_links(self, run_id: int, strings: dict) -> dict[str, tuple[Link, ...]]:
        """Every page's links of a run, read in the order they were written.

        add_crawled writes one page's links together, by position: reading the table in that order is
        several times cheaper than following the index row by row, which matters at millions of links.
        Only while the run holds a good share of the store (a scan reads the other runs' rows too), and
        rows not in that order (never seen) are read through the index after all.
        """
        run_pages = self.db.execute("SELECT count(*) FROM pages WHERE run_id = ?", (run_id,)).fetchone()[0]
        all_pages = self.db.execute("SELECT count(*) FROM pages").fetchone()[0]
        if run_pages * 4 >= all_pages:
            rows = self.db.execute(f"SELECT {self._LINK_COLUMNS} FROM links WHERE +run_id = ?", (run_id,))
            links = _grouped_links(rows, strings, check_order=True)
            if links is not None:
                return links
        return self._links("WHERE run_id = ?", (run_id,), strings)

    # -- retention -----------------------------------------------------------------------------

    def prune(self, start_url: str, keep: int) -> int:
        """Deletes the site's runs older than its `keep` newest finished ones (their pages, links, checks
        and findings go with them); runs still crawling are left alone. The number of runs deleted."""
        runs = self.runs_of_site(start_url)
        finished = [r for r in runs if r.state in ("done", "failed")]
        if len(finished) <= keep:
            return 0
        cutoff = finished[-keep].id
        old = [(r.id,) for r in runs if r.id < cutoff and r.state not in ("crawling", "interrupted")]
        with self.transaction() as db:
            db.executemany("DELETE FROM runs WHERE id = ?", old)
        return len(old)

    # -- resuming a crawl that was stopped ------------------------------------------------------

    def resumable_run(self, start_url: str) -> int | None:
        """The site's newest run, when it stopped while crawling (killed, or interrupted)."""
        runs = self.runs_of_site(start_url)
        return runs[-1].id if runs and runs[-1].state in ("crawling", "interrupted") else None

    def interrupt_run(self, run_id: int) -> None:
        with self.transaction() as db:
            db.execute("UPDATE runs SET state = 'interrupted' WHERE id = ?", (run_id,))

    def reopen_run(self, run_id: int) -> tuple[list[Page], set[str]]:
        """Marks a stopped run crawling again; returns what it already has: its pages (shallowest first, with
        links) and the targets it asked."""
        links = self._links("WHERE run_id = ?", (run_id,))
        pages = [
            _page(r, links)
            for r in self.db.execute("SELECT * FROM pages WHERE run_id = ? ORDER BY depth, rowid", (run_id,))
        ]
        asked = {row[0] for row in self.db.execute("SELECT url FROM link_checks WHERE run_id = ?", (run_id,))}
        with self.transaction() as db:
            db.execute("UPDATE runs SET state = 'crawling' WHERE id = ?", (run_id,))
        return pages, asked

    # -- incremental crawls ------------------------------------------------------------------

    LIST_ITEMS = 3
    """Dated links a page needs to be a list page, which a crawl always fetches again."""

    def validators(self, start_url: str) -> tuple[int | None, dict[str, tuple[str, str]]]:
        """The site's last finished run, and the pages of it a new crawl may revalidate: url → (ETag,
        Last-Modified). Not the start page and not list pages: those are what changes, so they are always
        fetched again."""
        runs = self.runs_of_site(start_url, done_only=True)
        if not runs:
            return None, {}
        previous = runs[-1].id
        lists = {
            row[0]
            for row in self.db.execute(
                "SELECT page_url FROM links WHERE run_id = ? AND date IS NOT NULL GROUP BY page_url "
                "HAVING count(*) >= ?",
                (previous, self.LIST_ITEMS),
            )
        }
        return previous, {
            url: (etag or "", modified or "")
            for url, etag, modified in self.db.execute(
                "SELECT url, etag, last_modified FROM pages WHERE run_id = ? AND status = 200 AND depth > 0 "
                "AND (error IS NULL OR error = '') AND (etag != '' OR last_modified != '')",
                (previous,),
            )
            if url not in lists
        }

    def stored_page(self, run_id: int, url: str) -> Page | None:
        """One page of a stored run, with its links: what an unchanged page (304) still is."""
        row = self.db.execute("SELECT * FROM pages WHERE run_id = ? AND url = ?", (run_id, url)).fetchone()
        if row is None:
            return None
        return _page(row, self._links("WHERE run_id = ? AND page_url = ?", (run_id, url)))

    # -- home-page probes (`gapcheck probe`) -------------------------------------------------

    PROBE_DAYS = 7
    """The period before a run whose probes the run's availability is judged on."""

    def record_probe(
        self,
        url: str,
        ok: bool,
        status: int | None,
        elapsed: float | None,
        error: str = "",
        at: dt.datetime | None = None,
    ) -> None:
        """One probe of the home page `url`, at `at` (default now; a naive time is taken as UTC)."""
        when = at or dt.datetime.now(dt.UTC)
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        with self.transaction() as db:
            db.execute(
                "INSERT INTO probes (site, url, probed_at, outcome, status, elapsed, error) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    site_key(url),
                    url,
                    when.astimezone(dt.UTC).isoformat(timespec="seconds"),
                    "ok" if ok else "failed",
                    status,
                    elapsed,
                    error or None,
                ),
            )

    def availability(self, start_url: str, until: str) -> Availability | None:
        """The probes of the site `start_url` names in the `PROBE_DAYS` days up to `until` (UTC ISO)."""
        end = dt.datetime.fromisoformat(until)
        if end.tzinfo is None:
            end = end.replace(tzinfo=dt.UTC)
        end = end.astimezone(dt.UTC)
        since = (end - dt.timedelta(days=self.PROBE_DAYS)).isoformat(timespec="seconds")
        count, failures, first, last = self.db.execute(
            "SELECT count(*), coalesce(sum(outcome != 'ok'), 0), min(probed_at), max(probed_at) FROM probes "
            "WHERE site = ? AND probed_at >= ? AND probed_at <= ?",
            (site_key(start_url), since, end.isoformat(timespec="seconds")),
        ).fetchone()
        if not count:
            return None
        days = (dt.datetime.fromisoformat(last) - dt.datetime.fromisoformat(first)).total_seconds() / 86400
        return Availability(count, failures, first, last, days)

    def page_count(self, run_id: int) -> int:
        return self.db.execute("SELECT COUNT(*) FROM pages WHERE run_id = ?", (run_id,)).fetchone()[0]


def _page(r: tuple, links: dict[str, tuple[Link, ...]]) -> Page:
    """A `pages` row (SELECT *) as the model's Page."""
    return Page(
        url=r[1],
        final_url=r[2],
        status=r[3],
        content_type=r[4] or "",
        encoding=r[5] or "",
        title=r[6] or "",
        depth=r[7] or 0,
        referrer=r[8] or "",
        size=r[9] or 0,
        content_hash=r[10] or "",
        etag=r[11] or "",
        last_modified=r[12] or "",
        fetched_at=r[13] or "",
        headings=tuple(json.loads(r[14] or "[]")),
        meta=json.loads(r[15] or "{}"),
        dates=tuple(DateMention(v, t, DateSource(s)) for v, t, s in json.loads(r[16] or "[]")),
        links=links.get(r[1], ()),
        text=r[17] or "",
        main_chars=r[18] or 0,
        error=r[19] or "",
        forms=tuple(Form(a, m, tuple(f), t) for a, m, f, t in json.loads(r[20] or "[]")),
        zones=tuple(_zone(z) for z in json.loads(r[21] or "[]")),
    )


def _zone(row: list, keep: Callable[[str, str], str] | None = None) -> Zone:
    """A stored block ([key, fingerprint, links, chars, text, region]) as the model's Zone."""
    key = row[0] if keep is None else keep(row[0], row[0])
    return Zone(key, row[1], row[2], row[3], row[4], Region(row[5]))


def _grouped_links(
    rows: Iterable[tuple], strings: dict, check_order: bool = False
) -> dict[str, tuple[Link, ...]] | None:
    """Link rows (Store._LINK_COLUMNS), one page's together by position, as page URL → its links.

    Template links repeat the same target, words and place on every page: one Link object each, and one
    string object for each URL or words that several links share. With `check_order`, None when the rows
    are not grouped by page in position order.
    """
    links: dict[str, tuple[Link, ...]] = {}
    keep = strings.setdefault
    tags = {t.value: t for t in LinkTag}
    regions = {r.value: r for r in Region}
    made: dict[tuple, Link] = {}
    current, on_page, position = None, [], -1
    for row in rows:
        if row[0] != current:
            if current is not None:
                links[current] = tuple(on_page)
            current, on_page, position = row[0], [], -1
            if check_order and current in links:
                return None
        if check_order:
            if row[1] <= position:
                return None
            position = row[1]
        key = row[2:]
        link = made.get(key)
        if link is None:
            url, tag, text, title, region, date, fragment, block, zone = key
            link = made[key] = Link(
                keep(url, url),
                tags[tag],
                keep(text, text) or "",
                keep(title, title) or "",
                regions[region],
                date and keep(date, date),
                fragment or "",
                keep(block, block) or "",
                -1 if zone is None else zone,
            )
        on_page.append(link)
    if current is not None:
        links[current] = tuple(on_page)
    return links


_PAGE_COLUMNS_NO_TEXT = (
    "run_id, url, final_url, status, content_type, encoding, title, depth, referrer, size, content_hash, etag, "
    "last_modified, fetched_at, headings, meta, dates, "
    # The text's length, without reading the text into Python; None when length() would stop at a NUL.
    "CASE WHEN instr(text, char(0)) THEN NULL ELSE length(text) END, "
    "main_chars, error, forms, zones"
)
"""The `pages` columns in SELECT * order, the text's length in the text's place."""


class _Reader:
    """Turns `pages` rows into Pages sharing one object for each repeated string, tuple and form."""

    def __init__(self, strings: dict):
        self.keep = strings.setdefault
        self.json: dict[tuple[int, str], object] = {}
        self.sources = {s.value: s for s in DateSource}
        self.zones: dict[tuple[str, int], Zone] = {}

    def _parsed(self, column: int, raw: str | None, make: Callable[[object], object]) -> object:
        """`make(json.loads(raw))`, once per distinct value (headings, forms): most pages share theirs."""
        found = self.json.get((column, raw))
        if found is None:
            found = self.json[(column, raw)] = make(json.loads(raw or "[]"))
        return found

    def page(self, r: tuple, links: dict[str, tuple[Link, ...]], cls: type[Page] = Page) -> Page:
        keep = self.keep
        meta = {keep(k, k): keep(v, v) for k, v in json.loads(r[15] or "{}").items()}
        dates = tuple(DateMention(keep(v, v), keep(t, t), self.sources[s]) for v, t, s in json.loads(r[16] or "[]"))
        headings = self._parsed(14, r[14], lambda h: tuple(keep(x, x) for x in h))
        forms = self._parsed(20, r[20], lambda fs: tuple(Form(a, m, tuple(f), t) for a, m, f, t in fs))
        zones = tuple(self._zone(z) for z in json.loads(r[21] or "[]"))
        url = keep(r[1], r[1])
        return cls(
            url=url,
            final_url=keep(r[2], r[2]),
            status=r[3],
            content_type=keep(r[4], r[4]) or "",
            encoding=keep(r[5], r[5]) or "",
            title=keep(r[6], r[6]) or "",
            depth=r[7] or 0,
            referrer=keep(r[8], r[8]) or "",
            size=r[9] or 0,
            content_hash=r[10] or "",
            etag=r[11] or "",
            last_modified=keep(r[12], r[12]) or "",
            fetched_at=keep(r[13], r[13]) or "",
            headings=headings,
            meta=meta,
            dates=dates,
            links=links.get(url, ()),
            text="",
            main_chars=r[18] or 0,
            error=keep(r[19], r[19]) or "",
            forms=forms,
            zones=zones,
        )

    def _zone(self, row: list) -> Zone:
        """One Zone object for a block repeated on many pages (the template's blocks are on every page)."""
        key = (row[0], row[1])
        zone = self.zones.get(key)
        if zone is None:
            zone = self.zones[key] = _zone(row, self.keep)
        return zone


class _Texts:
    """The page texts of one stored run, read when a rule asks for one.

    Rules that read every page's text go through the pages in the order they were loaded: a text asked
    for just after the last one read brings the next CHUNK texts with it, in one query. Reads through a
    connection of its own, so a loaded site stays whole after its Store is closed.
    """

    CHUNK = 128
    KEPT = 2 * CHUNK

    def __init__(self, path: Path, run_id: int, read_only: bool):
        self.path, self.run_id, self.read_only = path, run_id, read_only
        self.order: list[str] = []
        """The run's page URLs in the order they were loaded (Site.pages)."""
        self._index: dict[str, int] | None = None
        self._last = -1
        self._kept: dict[str, str] = {}
        self._db: sqlite3.Connection | None = None

    def read(self, url: str) -> str:
        text = self._kept.get(url)
        if text is not None:
            return text
        if self._db is None:
            if self.read_only:
                self._db = _connect_read_only(self.path, check_same_thread=False)
            else:  # a writer's: a read-only connection closing last would leave the WAL file behind
                self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            self._index = {u: i for i, u in enumerate(self.order)}
        at = self._index.get(url)
        if at is not None and 0 <= at - self._last <= self.CHUNK:  # reading on through the pages
            urls = self.order[at : at + self.CHUNK]
            self._kept = {
                u: t or ""
                for u, t in self._db.execute(
                    f"SELECT url, text FROM pages WHERE run_id = ? AND url IN ({','.join('?' * len(urls))})",
                    (self.run_id, *urls),
                )
            }
        else:
            if len(self._kept) >= self.KEPT:
                self._kept.clear()
            row = self._db.execute("SELECT text FROM pages WHERE run_id = ? AND url = ?", (self.run_id, url)).fetchone()
            self._kept[url] = (row[0] if row else None) or ""
        if at is not None:
            self._last = at
        return self._kept.get(url, "")


class _LazyText:
    """Where a stored page's text is, and its length (None when only reading it tells)."""

    __slots__ = ("length", "texts")

    def __init__(self, texts: _Texts, length: int | None):
        self.texts, self.length = texts, length


_TEXT_SLOT = Page.__dict__["text"]


class _StoredPage(Page):
    """A Page of a loaded run; its text is read from the store when asked for (`_Texts`)."""

    __slots__ = ()

    @property
    def text(self) -> str:
        value = _TEXT_SLOT.__get__(self, Page)
        return value if value.__class__ is str else value.texts.read(self.url)

    @text.setter
    def text(self, value: str) -> None:  # Page.__init__ sets every field with object.__setattr__
        _TEXT_SLOT.__set__(self, value)

    @property
    def text_length(self) -> int:
        value = _TEXT_SLOT.__get__(self, Page)
        if value.__class__ is str:
            return len(value)
        return value.length if value.length is not None else len(self.text)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Page):
            return NotImplemented
        return all(getattr(self, f.name) == getattr(other, f.name) for f in dataclasses.fields(Page))

    __hash__ = Page.__hash__


def _connect_read_only(path: Path, check_same_thread: bool = True) -> sqlite3.Connection:
    """`path` opened for reading only. A WAL store needs its -shm file: on read-only media, where that file
    cannot be made, the store is opened as immutable (nothing can change it there anyway)."""
    if not path.is_file():
        raise StoreError(f"{path}：数据库不存在；用 --db 指定 gapcheck check 使用的数据库")
    uri = path.resolve().as_uri()
    try:
        db = sqlite3.connect(
            f"{uri}?mode=ro", uri=True, timeout=30, isolation_level=None, check_same_thread=check_same_thread
        )
        db.execute("PRAGMA user_version").fetchone()
        return db
    except sqlite3.OperationalError:
        return sqlite3.connect(
            f"{uri}?mode=ro&immutable=1", uri=True, isolation_level=None, check_same_thread=check_same_thread
        )


_DAMAGED = ("SQLITE_CORRUPT", "SQLITE_NOTADB")


def is_damaged(exc: BaseException) -> bool:
    """The store's file is not a whole SQLite database: damaged pages, or not SQLite at all."""
    return isinstance(exc, sqlite3.DatabaseError) and getattr(exc, "sqlite_errorname", "") in _DAMAGED


def damaged_message(path: Path, problem: object) -> str:
    recovered = path.with_name(f"{path.stem}-recovered{path.suffix}")
    return (
        f'{path}：gapcheck 数据库已损坏（{problem}）；可用 sqlite3 {path} ".recover" | sqlite3 {recovered} '
        f"救回能读的运行，再用 --db {recovered} 继续（或用 --db 指定一个新数据库）"
    )


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
