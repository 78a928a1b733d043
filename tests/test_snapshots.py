"""The sample portal's report.json and report.md, kept whole in tests/snapshots/.

Every other test asserts a part of a report; these see any change in what gapcheck finds on the bundled
sample portal or in how it says it, word for word. What differs from run to run (the server's port, the
run's start and end times) is replaced by a placeholder first.

A change that is meant: `GAPCHECK_UPDATE_SNAPSHOTS=1 pytest tests/test_snapshots.py` writes the new reports
there; read `git diff tests/snapshots` before committing them.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from cli import gapcheck

from spiders.rendering import CHROMIUM_ENV

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("GAPCHECK_UPDATE_SNAPSHOTS") == "1"
# 2026-12-07T07:05:40+00:00 in report.json, 2026-12-07 07:05:40+00:00 in report.md; a bare date stays.
_TIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:[+-]\d\d:\d\d|Z)?")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    # The same report on every machine: with Chromium, crawl.render: auto renders the entry page and the report
    # differs (tests/test_rendering.py covers that); without a usable Chromium, auto is a plain crawl.
    result = gapcheck("demo", "--out", str(out), env={CHROMIUM_ENV: str(out / "no-chromium")})
    assert result.returncode == 0, result.stderr
    return out


def normalise(text: str, port: int) -> str:
    # Only the sample server's port: the portal's dead link to 127.0.0.1:1 is part of the report.
    text = re.sub(rf"127\.0\.0\.1:{port}(?!\d)", "127.0.0.1:<port>", text)
    return _TIME.sub("<time>", text)


def _strings(value: Any, port: int) -> Any:
    if isinstance(value, str):
        return normalise(value, port)
    if isinstance(value, list):
        return [_strings(v, port) for v in value]
    if isinstance(value, dict):
        return {k: _strings(v, port) for k, v in value.items()}
    return value


def _port(out: Path) -> int:
    start_url = json.loads((out / "report.json").read_text(encoding="utf-8"))["site"]["start_url"]
    match = re.fullmatch(r"http://127\.0\.0\.1:(\d+)/", start_url)
    assert match, start_url
    return int(match[1])


def _json(out: Path) -> str:
    # Re-written with the Chinese as it is (the file escapes it), one key a line: a diff a person can read.
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return json.dumps(_strings(report, _port(out)), ensure_ascii=False, indent=1) + "\n"


def _markdown(out: Path) -> str:
    return normalise((out / "report.md").read_text(encoding="utf-8"), _port(out))


@pytest.mark.e2e
@pytest.mark.parametrize(("name", "read"), [("report.json", _json), ("report.md", _markdown)])
def test_the_sample_portal_s_report_is_unchanged(demo, name, read):
    actual = read(demo)
    path = SNAPSHOTS / f"sample-{name}"
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"no snapshot {path}: write it with GAPCHECK_UPDATE_SNAPSHOTS=1"
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            fromfile=f"tests/snapshots/{path.name}",
            tofile=f"{name} of this run",
        )
        pytest.fail(
            f"{name} of the sample portal differs from its snapshot; if the change is meant, "
            f"rerun with GAPCHECK_UPDATE_SNAPSHOTS=1 and review the diff:\n{''.join(diff)}",
            pytrace=False,
        )


def test_normalise_keeps_the_dead_link_s_port_and_dates():
    line = "http://127.0.0.1:41087/a → http://127.0.0.1:1/closed, 2026-11-20, 2026-12-07 07:05:40+00:00"
    assert normalise(line, 41087) == "http://127.0.0.1:<port>/a → http://127.0.0.1:1/closed, 2026-11-20, <time>"
