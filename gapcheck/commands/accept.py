"""`gapcheck accept`: a finding accepted, or dismissed as a false positive, for its site's later runs too."""

from __future__ import annotations

import argparse
import getpass

from core.errors import ConfigError
from core.redaction import redact

from ..report.labels import ACCEPT_HEAD, CLI, COMMANDS, DECISIONS
from ..store import AcceptKind, RunInfo, Store, site_key


def person(name: str | None) -> str:
    """Who decided: --by, else the account running gapcheck."""
    return (name or "").strip() or getpass.getuser()


def known_run(store: Store, run_id: int) -> RunInfo:
    if not store.has_run(run_id):
        raise ConfigError(CLI["no_run"].format(db=store.path, id=run_id))
    return store.run(run_id)


def run(args: argparse.Namespace, store: Store) -> int:
    if args.list:
        return _list(store, known_run(store, args.run_id) if args.run_id else None)
    if args.run_id is None:
        raise ConfigError(COMMANDS["accept_needs_run"])
    info = known_run(store, args.run_id)
    if args.fingerprint is None:
        print(COMMANDS["accept_findings_head"].format(id=info.id))
        for f in store.failing(info.id):
            print(f"  {f.fingerprint}  {f.rule}  {redact(f.subject)}")
        return 0
    site, by = site_key(info.start_url), person(args.by)
    if args.withdraw:
        if not store.withdraw(site, args.fingerprint, by):
            raise ConfigError(COMMANDS["withdraw_none"].format(site=redact(site), fp=args.fingerprint, db=store.path))
        print(COMMANDS["withdraw_done"].format(fp=args.fingerprint, by=by))
    else:
        if not (args.reason or "").strip():
            raise ConfigError(COMMANDS["accept_needs_reason"])
        found = store.finding_of(info.id, args.fingerprint)
        if found is None:
            raise ConfigError(COMMANDS["accept_unknown"].format(id=info.id, fp=args.fingerprint, db=store.path))
        rule, subject, url = found
        kind = AcceptKind.FALSE_POSITIVE if args.false_positive else AcceptKind.ACCEPTED
        store.accept(
            site,
            args.fingerprint,
            kind,
            rule=rule,
            subject=subject,
            url=url,
            reason=args.reason.strip(),
            by=by,
            run_id=info.id,
        )
        print(
            COMMANDS["accept_done"].format(
                kind=DECISIONS[kind.value], rule=rule, subject=redact(subject), fp=args.fingerprint, by=by
            )
        )
    print(COMMANDS["rerun_hint"].format(id=info.id, db=store.path))
    return 0


def _list(store: Store, info: RunInfo | None) -> int:
    found = store.acceptances(site_key(info.start_url) if info else None)
    if not found:
        print(COMMANDS["accept_list_none"])
        return 0
    print("\t".join(ACCEPT_HEAD))
    for a in found:
        cells = (str(a.id), a.site, DECISIONS[a.kind.value], a.rule, a.subject, a.fingerprint, a.reason, a.by, a.at)
        print("\t".join(" ".join(redact(c).split()) for c in cells))
    return 0
