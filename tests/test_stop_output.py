"""Without --out, each check writes to a folder of its own, per site and per run, and `latest` points to the
newest: checking a second site (or the same one again) no longer overwrites a report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli import gapcheck
from routeserver import Answer, Req, html, serve

pytestmark = pytest.mark.e2e


def _portal(title: str):
    def route(req: Req) -> Answer:
        if req.path == "/":
            return html(f'<h1>{title}</h1><a href="/a.html">通知</a>', title=title)
        if req.path == "/a.html":
            return html("<p>通知</p>", title=title)
        return Answer(404)

    return route


def _check(url: str, cwd: Path) -> tuple[Path, str]:
    result = gapcheck("check", url, "--db", str(cwd / "db.sqlite"), "--delay", "0", "--offline", "--no-render", cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("报告："))
    html_path = Path(line.removeprefix("报告：").split("（")[0])
    return (html_path if html_path.is_absolute() else cwd / html_path), result.stdout


def _start_url(report_html: Path) -> str:
    return json.loads((report_html.parent / "report.json").read_text(encoding="utf-8"))["site"]["start_url"]


def test_two_sites_and_two_runs_keep_every_report(tmp_path):
    with serve(_portal("甲局")) as a, serve(_portal("乙局")) as b:
        first_a, _ = _check(a.url, tmp_path)
        first_b, _ = _check(b.url, tmp_path)
        second_a, said = _check(a.url, tmp_path)
    reports = tmp_path / "gapcheck-report"
    for path, url in ((first_a, a.url), (first_b, b.url), (second_a, a.url)):
        assert path.is_file() and path.is_relative_to(reports), path
        assert _start_url(path) == url  # still there, not overwritten by a later check
    assert len({first_a.parent, first_b.parent, second_a.parent}) == 3
    assert first_a.parent.parent == second_a.parent.parent != first_b.parent.parent  # one folder per site
    assert (first_a.parent.parent / "latest").resolve() == second_a.parent.resolve()
    assert (first_b.parent.parent / "latest").resolve() == first_b.parent.resolve()
    # The final lines say where the newest report of the site always is.
    assert f"{first_a.parent.parent.relative_to(tmp_path) / 'latest' / 'report.html'}" in said, said
