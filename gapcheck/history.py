"""History of a site's runs: which failing findings are new, still open or fixed since the previous run.

A finding is the same across runs when its fingerprint is (`store.fingerprint`: rule, subject and the
URL's path and query). A site is the start URL without scheme and port (`store.site_key`); the previous
run is the latest earlier run of that site that finished (RunState.DONE).
"""

from __future__ import annotations

from dataclasses import dataclass

import checks
from checks.finding import Status
from core.redaction import redact

from .report.model import Changes, Fixed, Report, Since, TrendPoint
from .store import RunRow, RunState, Store, StoredFinding, fingerprint


def previous_run(store: Store, run_id: int, start_url: str) -> RunRow | None:
    runs = store.runs_of_site(start_url, before=run_id, done_only=True)
    return runs[-1] if runs else None


def annotate(report: Report, store: Store, run_id: int) -> Report:
    """The report with `fingerprint` and `change` on every finding, `summary.changes`, the `fixed` list and
    `trend`, compared with the site's previous finished run."""
    earlier = store.runs_of_site(report.site.start_url, before=run_id, done_only=True)
    previous = earlier[-1] if earlier else None
    prev_failing = store.failing(previous.id) if previous else []
    prev_fps = {f.fingerprint for f in prev_failing}
    prints = [fingerprint(f.rule, f.subject, f.url) for f in report.findings]
    now_failing = {fp for f, fp in zip(report.findings, prints, strict=True) if f.status is Status.FAIL}
    since = _streak_starts(store, earlier, now_failing & prev_fps)
    findings = []
    for f, fp in zip(report.findings, prints, strict=True):
        update: dict[str, object] = {"fingerprint": fp, "change": None}
        if f.status is Status.FAIL:
            if fp in prev_fps:
                run = since[fp]
                update |= {"change": "open", "since": Since(run=run.id, as_of=run.as_of)}
            else:
                update["change"] = "new"
        findings.append(f.model_copy(update=update))
    fixed = _fixed(prev_failing, now_failing, report)
    changes = Changes(
        previous_run=previous.id if previous else None,
        new=sum(f.change == "new" for f in findings),
        still_open=sum(f.change == "open" for f in findings),
        fixed=len(fixed),
    )
    return report.model_copy(
        update={
            "findings": findings,
            "summary": report.summary.model_copy(update={"changes": changes}),
            "fixed": fixed,
            "trend": _trend(store, earlier, report, run_id),
        }
    )


TREND_RUNS = 30


def _trend(store: Store, earlier: list[RunRow], report: Report, run_id: int) -> list[TrendPoint]:
    """Score, verdict and failing count of the site's last `TREND_RUNS` finished runs, this one last."""
    summary = report.summary
    now = TrendPoint(
        run=run_id, as_of=report.run.as_of, score=float(summary.score), verdict=summary.verdict, fail=summary.fail
    )
    past = [(r, r.score) for r in earlier if r.score is not None][-(TREND_RUNS - 1) :]
    return [
        TrendPoint.model_validate(
            {
                "run": r.id,
                "as_of": r.as_of,
                "score": float(score),
                "verdict": r.verdict,
                "fail": store.fail_count(r.id),
            }
        )
        for r, score in past
    ] + [now]


def _streak_starts(store: Store, earlier: list[RunRow], open_fps: set[str]) -> dict[str, RunRow]:
    """For each fingerprint failing now and in the previous run: the first run of its unbroken streak."""
    since: dict[str, RunRow] = {}
    going = set(open_fps)
    for run in reversed(earlier):
        if not going:
            break
        failing = {f.fingerprint for f in store.failing(run.id)}
        for fp in list(going):
            if fp in failing:
                since[fp] = run
            else:
                going.discard(fp)
    return since


def _title(code: str, report: Report) -> str:
    if title := report.title_of(code):
        return title
    known = next((r for r in checks.RULES if r.code == code), None)
    return known.title if known else ""


def _fixed(prev_failing: list[StoredFinding], now_failing: set[str], report: Report) -> list[Fixed]:
    seen: set[str] = set()
    fixed = []
    for f in prev_failing:
        if f.fingerprint in now_failing or f.fingerprint in seen:
            continue
        seen.add(f.fingerprint)
        fixed.append(
            Fixed.model_validate(
                redact(
                    {
                        "rule": f.rule,
                        "title": _title(f.rule, report),
                        "subject": f.subject,
                        "url": f.url or "",
                        "fingerprint": f.fingerprint,
                    }
                )
            )
        )
    return fixed


@dataclass(frozen=True)
class Diff:
    new: list[StoredFinding]
    fixed: list[StoredFinding]
    still_open: list[StoredFinding]


def _unique(findings: list[StoredFinding]) -> list[StoredFinding]:
    first: dict[str, StoredFinding] = {}
    for f in findings:
        first.setdefault(f.fingerprint, f)
    return list(first.values())


def diff(store: Store, run_a: int, run_b: int) -> Diff:
    """Failing findings of `run_b` against `run_a`."""
    a, b = _unique(store.failing(run_a)), _unique(store.failing(run_b))
    a_fps, b_fps = {f.fingerprint for f in a}, {f.fingerprint for f in b}
    return Diff(
        new=[f for f in b if f.fingerprint not in a_fps],
        fixed=[f for f in a if f.fingerprint not in b_fps],
        still_open=[f for f in b if f.fingerprint in a_fps],
    )


@dataclass(frozen=True)
class HistoryLine:
    run: RunRow
    fail: int | None
    new: int | None
    fixed: int | None


def history(store: Store, start_url: str) -> list[HistoryLine]:
    """Every run of the site, oldest first; new/fixed count against the previous finished run."""
    lines = []
    prev: set[str] | None = None
    for run in store.runs_of_site(start_url):
        if run.state is not RunState.DONE:
            lines.append(HistoryLine(run, None, None, None))
            continue
        failing = store.failing(run.id)
        fps = {f.fingerprint for f in failing}
        before = prev or set()
        lines.append(
            HistoryLine(run, len(failing), sum(f.fingerprint not in before for f in failing), len(before - fps))
        )
        prev = fps
    return lines
