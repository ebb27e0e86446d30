"""Markings under the organization's policy: limits and unmarked defaults come from parameters."""

from __future__ import annotations

import datetime as dt

import pytest

from baomi import policy
from baomi.core.levels import Level
from baomi.core.marking import Period
from baomi.core.rules import parse_marking, period_in_force
from tests.support.factories import lower_secret_limits

pytestmark = pytest.mark.django_db


def test_a_valid_marking_parses_under_the_defaults():
    marking = parse_marking("机密★2027年6月30日", issued=dt.date(2026, 11, 1))
    assert marking.level == Level.SECRET and marking.format() == "机密★2027年6月30日"


@pytest.mark.refuses("CLS.MARKING", "CLS.PERIOD.MAX")
def test_a_bad_marking_names_the_rule_and_the_limit_in_force():
    with pytest.raises(policy.RuleViolation) as raised:
        parse_marking("绝密★31年")
    [violation] = raised.value.violations
    assert (
        violation.rule_id == "CLS.PERIOD.MAX" and violation.params["max_years"]["top_secret"] == 30
    )
    with pytest.raises(policy.RuleViolation) as raised:
        parse_marking("秘密★0年")
    assert raised.value.decision.rule_ids == ("CLS.MARKING",)


@pytest.mark.applied("CLS.PERIOD.UNMARKED")
def test_lowered_limits_and_unmarked_defaults_follow_the_organizations_parameters(security_admin):
    assert period_in_force(parse_marking("机密")) == Period.of_years(20)
    lower_secret_limits(security_admin, reason="x")
    lower_secret_limits(security_admin, "CLS.PERIOD.UNMARKED", "unmarked_years")
    with pytest.raises(policy.RuleViolation, match=r"CLS\.PERIOD\.MAX"):
        parse_marking("机密★15年")
    assert period_in_force(parse_marking("机密")) == Period.of_years(10)
    assert period_in_force(parse_marking("机密★5年")) == Period.of_years(5)
