"""The catalog's status of each rule stands on a test: an enforced rule has a test marked
`refuses(RULE)` that sees the policy refuse under it, an applied rule a test marked
`applied(RULE)` that sees its parameters read where it acts (the `_rules_shown` fixture of
tests/conftest.py fails either test otherwise), and says what it does."""

from __future__ import annotations

import ast
import json
from collections import defaultdict
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from baomi.policy import engine
from baomi.policy.catalog import catalog

TESTS = Path(__file__).resolve().parents[1]


def _marked() -> dict[str, dict[str, set[str]]]:
    """{"refuses"|"applied": {rule id: {test names}}} over every test module."""
    found: dict[str, dict[str, set[str]]] = {
        "refuses": defaultdict(set),
        "applied": defaultdict(set),
    }
    for path in TESTS.rglob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for deco in node.decorator_list:
                if not (
                    isinstance(deco, ast.Call)
                    and isinstance(deco.func, ast.Attribute)
                    and deco.func.attr in found
                    and isinstance(deco.func.value, ast.Attribute)
                    and deco.func.value.attr == "mark"
                ):
                    continue
                for arg in deco.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        found[deco.func.attr][arg.value].add(f"{path.name}::{node.name}")
    return found


MARKED = _marked()


def test_every_enforced_rule_has_a_test_that_sees_it_refuse():
    missing = sorted(engine.enforced() - MARKED["refuses"].keys())
    assert not missing, f"enforced without a refuses-marked test: {missing}"


def test_every_applied_rule_has_a_test_of_its_effect_and_says_what_it_does():
    missing = sorted(engine.applied() - MARKED["applied"].keys())
    assert not missing, f"applied without an applied-marked test: {missing}"
    silent = sorted(r for r in engine.applied() if not catalog()[r].effects)
    assert not silent, f"applied without an effect text: {silent}"


def test_a_marker_names_a_rule_of_the_catalog_in_the_status_it_claims():
    for kind, rules in MARKED.items():
        unknown = sorted(set(rules) - catalog().keys())
        assert not unknown, f"{kind} markers name rules not in the catalog: {unknown}"
    assert not (set(MARKED["refuses"]) - engine.enforced()), "refuses-marked but not enforced"


@pytest.mark.django_db
def test_the_watch_sees_a_refusal_and_a_reading_and_nothing_else():
    seen: set[tuple[str, str]] = set()
    engine.watching = seen
    try:
        engine.params("DOC.CIRC.DEADLINE")
        decision = engine.check("policy.change", actor=None)
    finally:
        engine.watching = None
    assert ("read", "DOC.CIRC.DEADLINE") in seen
    refused = {rule_id for kind, rule_id in seen if kind == "refused"}
    assert refused == {v.rule_id for v in decision.violations} and refused


@pytest.mark.django_db
def test_rules_prints_the_counts_of_enforced_applied_and_not_yet():
    out = StringIO()
    call_command("rules", "--lang", "en", stdout=out)
    counts = engine.tally()
    total = len(catalog())
    assert (
        f"{total} rules: {counts['enforced']} enforced, {counts['applied']} applied, "
        f"{counts['not_yet']} not yet"
    ) in out.getvalue()
    assert counts["enforced"] and counts["applied"] and sum(counts.values()) == total
    rows = json.loads(_json())
    assert {r["id"] for r in rows if r["status"] == "applied"} == engine.applied()
    assert {r["id"] for r in rows if r["status"] == "enforced"} == engine.enforced()


def _json() -> str:
    out = StringIO()
    call_command("rules", "--json", stdout=out)
    return out.getvalue()
