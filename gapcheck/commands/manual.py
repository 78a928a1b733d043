"""`gapcheck manual`: a person's result for an item only a person can check, kept for the site's later runs."""

from __future__ import annotations

import argparse

from checks import Status
from core.errors import ConfigError

from ..report.labels import COMMANDS, DECISIONS
from ..store import ManualResult, Store, site_key
from .accept import known_run, person

RESULTS = {DECISIONS[r.value]: r for r in ManualResult}
"""合格 / 不合格 as typed on the command line."""


def run(args: argparse.Namespace, store: Store) -> int:
    info = known_run(store, args.run_id)
    site = site_key(info.start_url)
    rule = args.rule.upper()
    manual = store.rules_with_status(info.id, Status.MANUAL) | set(store.manual_results(site))
    if rule not in manual:
        raise ConfigError(
            COMMANDS["manual_not_manual"].format(id=info.id, rule=args.rule, rules="、".join(sorted(manual)) or "—")
        )
    by = person(args.by)
    result = RESULTS[args.result]
    store.record_manual(site, rule, result, note=(args.note or "").strip(), by=by, run_id=info.id)
    print(COMMANDS["manual_done"].format(rule=rule, result=args.result, by=by))
    print(COMMANDS["rerun_hint"].format(id=info.id, db=store.path))
    return 0
