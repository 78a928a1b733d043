"""checks/registry.py: one table of codes, selectable by prefix, documented from the docstrings."""

from __future__ import annotations

import re

import pytest

from checks import BY_CODE, RULES, UnknownRule, select
from checks.registry import REMOVED

FAMILY_MODULE = {
    "1": "content",
    "2": "freshness",
    "3": "links",
    "4": "disclosure",
    "5": "identity",
    "6": "interaction",
    "7": "services",
    "8": "manual",
    "9": "crawl_health",
}


def codes(rules) -> list[str]:
    return [r.code for r in rules]


def test_codes_are_unique_and_well_formed():
    assert len(set(codes(RULES))) == len(RULES) == len(BY_CODE)
    assert all(re.fullmatch(r"GK\d{3}", code) for code in codes(RULES))
    assert not set(codes(RULES)) & set(REMOVED)


def test_names_are_unique_kebab_case():
    names = [r.name for r in RULES]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", n) for n in names)


@pytest.mark.parametrize("rule", RULES, ids=codes(RULES))
def test_family_digit_matches_the_module(rule):
    assert rule.check.__module__.rsplit(".", 1)[-1] == FAMILY_MODULE[rule.code[2]]


@pytest.mark.parametrize("rule", RULES, ids=codes(RULES))
def test_docstring_has_the_report_sections(rule):
    headings = re.findall(r"^## (.+)$", rule.doc, re.M)
    assert headings == ["检查内容", "依据", "如何整改"]
    assert rule.summary and rule.title and rule.title in rule.summary
    assert rule.section("检查内容") and rule.basis and rule.how_to_fix


def family(*prefixes: str) -> list[str]:
    """The codes of whole families, in table order: what selecting by prefix must give."""
    return [r.code for r in RULES if r.code.startswith(prefixes)]


@pytest.mark.parametrize(
    ("chosen", "ignored", "expected"),
    [
        (None, None, codes(RULES)),
        (["GK2"], None, family("GK2")),
        (["GK1"], None, family("GK1")),
        (["GK3", "GK9"], None, family("GK3", "GK9")),
        (["GK302", "GK101"], None, ["GK101", "GK302"]),  # always in table order
        (["GK1", "GK101"], None, family("GK1")),  # no duplicates
        (["GK3"], ["GK303"], ["GK301", "GK302", "GK304", "GK305"]),
        (None, ["GK9", "GK1"], [c for c in codes(RULES) if not c.startswith(("GK9", "GK1"))]),
    ],
)
def test_select(chosen, ignored, expected):
    assert codes(select(chosen, ignored)) == expected


@pytest.mark.parametrize(
    ("chosen", "ignored"), [(["GK999"], None), (["GK0"], None), (["gk1"], None), (None, ["GK199"])]
)
def test_unknown_code_raises(chosen, ignored):
    with pytest.raises(UnknownRule, match="没有编号以"):
        select(chosen, ignored)


def test_unknown_rule_is_a_key_error():
    assert issubclass(UnknownRule, KeyError)
