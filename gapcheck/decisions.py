"""People's decisions applied to a run's findings before it is scored.

The rule, as the README says it:
- a finding **accepted** (`gapcheck accept`) still counts for the score and the verdict: it is known, not
  gone; the report lists it apart under 已确认/误报 with the reason, who and when;
- a **false positive** (`--false-positive`) counts for neither: it leaves the findings, the score, the
  verdict and the history (new / fixed), and is listed under 已确认/误报 only. The store keeps it as the
  rules judged it, so withdrawing the decision brings it back;
- a **manual result** (`gapcheck manual`) is the finding of its manual item: 合格 passes it, 不合格 fails it
  (the 8xx items are 单项否决, so the site fails), with who and when in its evidence.

Decisions are the site's (`site_key`), matched by the finding's fingerprint (rule, subject, URL path), the
identity history matches findings by, so they carry to later runs.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from checks import Finding, Status
from core.redaction import redact

from .report.labels import DECISIONS
from .report.model import Accepted, ManualCheck, Report
from .store import AcceptKind, ManualResult, Store, fingerprint, site_key


@dataclass(frozen=True)
class Applied:
    findings: list[Finding]
    """What counts: manual results in place of their open items, false positives left out."""
    stored: list[Finding]
    """What the run stores: the counted findings and the false positives, as the rules judged them."""
    accepted: list[dict] = field(default_factory=list)
    manual: list[dict] = field(default_factory=list)

    def attach(self, report: Report) -> Report:
        """The report with its 已确认/误报 and 人工核查结果 sections (left out when empty)."""
        update: dict[str, object] = {}
        if self.accepted:
            update["accepted"] = [
                Accepted.model_validate(redact({**a, "title": report.title_of(a["rule"])})) for a in self.accepted
            ]
        if self.manual:
            update["manual_checks"] = [
                ManualCheck.model_validate(redact({**m, "title": report.title_of(m["rule"])})) for m in self.manual
            ]
        return report.model_copy(update=update) if update else report


def apply(store: Store, start_url: str, findings: list[Finding]) -> Applied:
    site = site_key(start_url)
    results = store.manual_results(site)
    decided = {a.fingerprint: a for a in store.acceptances(site)}
    counted: list[Finding] = []
    stored: list[Finding] = []
    accepted: list[dict] = []
    manual: list[dict] = []
    for f in findings:
        entry = results.get(f.rule) if f.status is Status.MANUAL else None
        if entry is not None:
            passed = entry.result is ManualResult.PASS
            evidence = DECISIONS["evidence"].format(
                result=DECISIONS[entry.result.value], by=entry.by, at=entry.at, note=entry.note
            )
            f = dataclasses.replace(f, status=Status.PASS if passed else Status.FAIL, evidence=evidence)
            manual.append(
                {
                    "rule": f.rule,
                    "result": entry.result.value,
                    "note": entry.note,
                    "by": entry.by,
                    "at": entry.at,
                    "run": entry.run_id,
                }
            )
        stored.append(f)
        decision = decided.get(fingerprint(f.rule, f.subject, f.url))
        if decision is not None:
            accepted.append(
                {
                    "rule": f.rule,
                    "subject": f.subject,
                    "url": f.url,
                    "fingerprint": decision.fingerprint,
                    "kind": decision.kind.value,
                    "reason": decision.reason,
                    "by": decision.by,
                    "at": decision.at,
                }
            )
            if decision.kind is AcceptKind.FALSE_POSITIVE:
                continue
        counted.append(f)
    return Applied(counted, stored, accepted, manual)
