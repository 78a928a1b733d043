"""`gapcheck sites`, `gapcheck runs [SITE]` and `gapcheck export RUN --csv FILE`: what a store holds."""

from __future__ import annotations

import argparse
import csv

from core.errors import ConfigError
from core.redaction import redact

from ..report.labels import COMMANDS, EXPORT_HEAD, RUNS_HEAD, SITES_HEAD, STATE, TEXT
from ..report.table import cell_value
from ..report.view import fmt_time
from ..store import SiteLine, Store
from .accept import known_run


def site_named(store: Store, text: str) -> SiteLine | None:
    """The one site a start URL, a host or a site's name means; None when none; an error when several."""
    found = store.sites_named(text)
    if len(found) > 1:
        raise ConfigError(
            COMMANDS["many_sites"].format(site=text, sites="、".join(redact(s.last.start_url) for s in found))
        )
    return found[0] if found else None


def _when(value: str | None) -> str:
    """A stored time (UTC) in Beijing time, as the reports show it."""
    return fmt_time(value) if value else TEXT["none"]


def _cell(value: object) -> str:
    return (
        TEXT["none"]
        if value is None or value == ""
        else " ".join(redact(f"{value:g}" if isinstance(value, float) else str(value)).split())
    )


def sites(args: argparse.Namespace, store: Store) -> int:
    lines = store.site_lines()
    if not lines:
        print(COMMANDS["no_runs"].format(db=store.path))
        return 0
    print("\t".join(SITES_HEAD))
    for s in lines:
        done = s.last_done
        cells = [
            s.last.start_url,
            s.name,
            s.runs,
            f"#{s.last.id}",
            _when(s.last.finished_at or s.last.started_at),
            done.verdict if done else None,
            done.score if done else None,
            done.fail if done else None,
        ]
        print("\t".join(_cell(c) for c in cells))
    return 0


def runs(args: argparse.Namespace, store: Store) -> int:
    site = None
    if args.site:
        found = site_named(store, args.site)
        if found is None:
            raise ConfigError(COMMANDS["no_site"].format(db=store.path, site=args.site))
        site = found.site
    lines = store.run_lines(site)
    if not lines:
        print(COMMANDS["no_runs"].format(db=store.path))
        return 0
    print("\t".join(RUNS_HEAD))
    for r in lines:
        cells = [
            f"#{r.id}",
            r.start_url,
            r.name,
            r.as_of,
            _when(r.finished_at or r.started_at),
            STATE.get(r.state.value, r.state.value),
            r.verdict,
            r.score,
            r.fail,
            COMMANDS["derived"].format(id=r.derived_from) if r.derived_from else None,
        ]
        print("\t".join(_cell(c) for c in cells))
    return 0


def export(args: argparse.Namespace, store: Store) -> int:
    """Every crawled URL of a run as CSV: UTF-8 with a BOM (Excel reads the Chinese), no cell a formula."""
    info = known_run(store, args.run_id)
    rows = store.crawled_urls(info.id)
    try:
        with args.csv.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(EXPORT_HEAD)
            for row in rows:
                writer.writerow(["" if v is None else cell_value(redact(v) if isinstance(v, str) else v) for v in row])
    except OSError as exc:
        raise ConfigError(COMMANDS["export_cannot"].format(path=args.csv, reason=exc.strerror or exc)) from None
    print(COMMANDS["export_done"].format(n=len(rows), path=args.csv))
    return 0
