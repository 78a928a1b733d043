"""Shared test setup.

pytest runs with `--import-mode=importlib`, which puts no test folder on sys.path; the rule tests import
their site builder (`tests/sitebuilder.py`) as a plain module, so this folder goes on the path once here.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

# Every report.json a test leaves behind is checked against the published schema.
pytest_plugins = ["report_schema_check", "loops"]
