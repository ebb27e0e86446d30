"""Markings under the organization's policy: limits and unmarked defaults come from parameters."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission

from baomi import policy
from baomi.core.levels import Level
from baomi.core.marking import Period
from baomi.core.rules import parse_marking, period_in_force
from baomi.people.models import Person
from baomi.policy import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def security_admin():
    person = Person.objects.create(username="baomiban")
    person.user_permissions.add(Permission.objects.get(codename="change_ruleparameter"))
    return Person.objects.get(pk=person.pk)


def test_a_valid_marking_parses_under_the_defaults():
    marking = parse_marking("机密★2027年6月30日", issued=dt.date(2026, 11, 1))
    assert marking.level == Level.SECRET and marking.format() == "机密★2027年6月30日"


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


def test_lowered_limits_and_unmarked_defaults_follow_the_organizations_parameters(security_admin):
    assert period_in_force(parse_marking("机密")) == Period.of_years(20)
    services.set_parameter(
        actor=security_admin,
        rule_id="CLS.PERIOD.MAX",
        name="max_years",
        value={"top_secret": 30, "secret": 10, "confidential": 10},
        reason="x",
    )
    services.set_parameter(
        actor=security_admin,
        rule_id="CLS.PERIOD.UNMARKED",
        name="unmarked_years",
        value={"top_secret": 30, "secret": 10, "confidential": 10},
        reason="x",
    )
    with pytest.raises(policy.RuleViolation, match=r"CLS\.PERIOD\.MAX"):
        parse_marking("机密★15年")
    assert period_in_force(parse_marking("机密")) == Period.of_years(10)
    assert period_in_force(parse_marking("机密★5年")) == Period.of_years(5)
