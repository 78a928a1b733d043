"""The rule options a profile sets: requirements, column kinds, thresholds. Validated by the loader."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

from .finding import Severity

_PERIOD = re.compile(r"^(\d+)([dmy])$")


@dataclass(frozen=True, slots=True)
class Period:
    """A freshness limit such as 14 days or 6 months, counted back from the as-of date."""

    count: int
    unit: str
    """'d', 'm' or 'y'."""

    @classmethod
    def parse(cls, text: str) -> Period:
        m = _PERIOD.match(str(text).strip())
        if not m:
            raise ValueError(f"{text!r} is not a period like 14d, 6m or 1y")
        return cls(int(m.group(1)), m.group(2))

    def cutoff(self, as_of: dt.date) -> dt.date:
        """The oldest date still within the period."""
        if self.unit == "d":
            return as_of - dt.timedelta(days=self.count)
        months = self.count * (12 if self.unit == "y" else 1)
        year, month = divmod(as_of.year * 12 + as_of.month - 1 - months, 12)
        day = min(as_of.day, calendar.monthrange(year, month + 1)[1])
        return dt.date(year, month + 1, day)

    def days(self, as_of: dt.date) -> int:
        return (as_of - self.cutoff(as_of)).days

    def __str__(self) -> str:
        return f"{self.count}{self.unit}"


@dataclass(frozen=True, slots=True)
class ColumnKind:
    """A family of columns with one freshness duty, recognised by keywords in the column's name."""

    key: str
    label: str
    limit: Period | None
    keywords: tuple[str, ...]
    deduction: float = 0.0


@dataclass(frozen=True, slots=True)
class Part:
    """Something a required page must contain: a guide, a downloadable form, a sentence."""

    name: str
    match: tuple[str, ...]
    download: bool = False
    """Must be a working link to an attachment (doc, pdf, xls…)."""
    in_text: bool = False
    """May be found in the page's text, not only in a link or heading."""


@dataclass(frozen=True, slots=True)
class Requirement:
    """A column, entry or banner the site must have, known by any of its aliases."""

    name: str
    match: tuple[str, ...]
    severity: Severity = Severity.MAJOR
    deduction: float = 2.0
    on_homepage: bool = False
    """A banner: must show on the home page."""
    pinned: bool = False
    """A banner that must also sit near the top of the home page."""
    linked_from_homepage: bool = False
    """A window: the home page must link to it directly."""
    links_to_city_portal: bool = False
    contains: tuple[Part, ...] = ()


@dataclass(frozen=True)
class Options:
    """Everything the rules read from a profile."""

    basis: str = "2019"
    """Which inspection rules apply: "2015" (普查评分表) or "2019" (检查指标)."""
    column_kinds: tuple[ColumnKind, ...] = ()
    requirements: tuple[Requirement, ...] = ()
    city_portal: tuple[str, ...] = ()
    homepage_limit: Period = Period(14, "d")
    column_names: dict[str, str] = field(default_factory=dict)
    """Column name → kind key, overriding the keyword map."""
    column_urls: dict[str, str] = field(default_factory=dict)
    """URL pattern (a regular expression searched in the column's URL) → kind key, after column_names."""
    rules: dict[str, dict[str, float]] = field(default_factory=dict)
    """Per-rule settings by code, overriding the registry's defaults, e.g. {"GK302": {"deduction": 0.2}}."""
