"""A pytest plugin: every report.json the test session leaves in its temp folders is valid against the
published JSON Schema (gapcheck/report/report.schema.json).

Checked after each test (a new or changed report.json fails that test at teardown) and once more at the
end of the session. A test that writes damaged reports on purpose, to see them refused, is marked
`damaged_reports`: what it leaves is not checked.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

SCHEMA = Path(__file__).resolve().parent.parent / "gapcheck" / "report" / "report.schema.json"
MARK = "damaged_reports"

_seen: dict[Path, int] = {}
"""report.json files already looked at, with their mtime_ns then."""
_bases: set[Path] = set()
"""The session's temp folders, as the tests saw them."""


@cache
def _validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _changed(base: Path) -> list[Path]:
    found = []
    for folder, _, files in os.walk(base):
        if "report.json" in files:
            path = Path(folder) / "report.json"
            try:
                mtime = path.stat().st_mtime_ns
            except OSError:  # removed meanwhile
                continue
            if _seen.get(path) != mtime:
                _seen[path] = mtime
                found.append(path)
    return found


def problems(paths: list[Path]) -> list[str]:
    """One line per report.json that is not JSON or breaks the schema."""
    if not paths:
        return []  # after most tests: checking the schema itself costs more than the test
    validator = _validator()
    out = []
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            out.append(f"{path}: not JSON ({exc})")
            continue
        for error in validator.iter_errors(data):
            where = "/".join(str(p) for p in error.absolute_path) or "(top)"
            out.append(f"{path}: {where}: {error.message}")
    return out


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARK}: the test writes damaged report.json files on purpose")


@pytest.fixture(autouse=True)
def _reports_follow_the_schema(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    own = request.getfixturevalue("tmp_path") if "tmp_path" in request.fixturenames else None
    yield
    base = tmp_path_factory.getbasetemp()
    _bases.add(base)
    # Walking the whole session's temp folder after each of ~1,700 tests cost about a minute: a test's own
    # folder is walked after it; what module and session fixtures write, at the end (or now, for a test
    # that writes damaged reports on purpose, so that the end does not take them for real ones).
    if own is not None:
        changed = _changed(own)
    elif request.node.get_closest_marker(MARK) is not None:
        changed = _changed(base)
    else:
        return
    if request.node.get_closest_marker(MARK) is None and (found := problems(changed)):
        pytest.fail("report.json does not follow the schema:\n" + "\n".join(found), pytrace=False)


def pytest_sessionfinish(session: pytest.Session) -> None:
    # What module and session fixtures wrote after the last test that saw it.
    if found := problems([path for base in _bases if base.is_dir() for path in _changed(base)]):
        session.config.get_terminal_writer().line("report.json does not follow the schema:\n" + "\n".join(found))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
