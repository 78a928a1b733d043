"""checks/options.py: freshness periods counted back from the as-of date."""

from __future__ import annotations

import datetime as dt

import pytest

from checks.options import Options, Period

D = dt.date


@pytest.mark.parametrize(
    ("text", "period"),
    [("14d", Period(14, "d")), ("6m", Period(6, "m")), ("1y", Period(1, "y")), (" 2m ", Period(2, "m"))],
)
def test_parse(text, period):
    assert Period.parse(text) == period
    assert str(period) == text.strip()


@pytest.mark.parametrize("text", ["2w", "6", "m6", "6 m", "-1d", "", "1.5y"])
def test_parse_rejects(text):
    with pytest.raises(ValueError, match="is not a period"):
        Period.parse(text)


@pytest.mark.parametrize(
    ("period", "as_of", "cutoff"),
    [
        ("14d", D(2026, 11, 20), D(2026, 11, 6)),
        ("14d", D(2026, 3, 5), D(2026, 2, 19)),
        ("14d", D(2026, 1, 10), D(2025, 12, 27)),
        ("2m", D(2026, 3, 1), D(2026, 1, 1)),  # INDICATORS: as-of 1 March, 2 months is 1 January to 1 March
        ("6m", D(2026, 11, 20), D(2026, 5, 20)),
        ("6m", D(2026, 3, 15), D(2025, 9, 15)),
        ("6m", D(2026, 8, 31), D(2026, 2, 28)),  # no 31 February: the month's last day
        ("6m", D(2028, 8, 31), D(2028, 2, 29)),
        ("6m", D(2026, 12, 31), D(2026, 6, 30)),
        ("1y", D(2026, 11, 20), D(2025, 11, 20)),
        ("1y", D(2028, 2, 29), D(2027, 2, 28)),
        ("1y", D(2029, 2, 28), D(2028, 2, 28)),
        ("0d", D(2026, 11, 20), D(2026, 11, 20)),
    ],
)
def test_cutoff(period, as_of, cutoff):
    assert Period.parse(period).cutoff(as_of) == cutoff


@pytest.mark.parametrize(("period", "as_of", "days"), [("14d", D(2026, 11, 20), 14), ("1y", D(2028, 3, 1), 366)])
def test_days(period, as_of, days):
    assert Period.parse(period).days(as_of) == days


def test_rule_option_falls_back_to_the_registry_default():
    from checks import DEFAULTS, Context

    ctx = Context(None, Options(rules={"GK302": {"deduction": 0.2}}), DEFAULTS)
    assert ctx.option("GK302", "deduction") == 0.2
    assert ctx.option("GK301", "deduction") == 1.0
    assert Options().homepage_limit == Period(14, "d")
