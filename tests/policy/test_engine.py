"""Deciding: all violations at once, the approvals that lift them, parameters and overrides."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from baomi import policy
from baomi.audit.models import AuditEvent
from baomi.core.access import Audience
from baomi.core.levels import Level, Tier
from baomi.people.models import Person
from baomi.policy import engine, services
from baomi.policy.models import RuleParameter
from tests.conftest import lower_secret_limits

pytestmark = pytest.mark.django_db

OUTSIDER = SimpleNamespace(pk=7, department_id=3, tier=Tier.GENERAL, admin_role="")
INSIDER = SimpleNamespace(pk=8, department_id=3, tier=Tier.CORE, admin_role="")
SCOPE = Audience(persons=frozenset({8}))


def test_all_violations_are_returned_not_just_the_first():
    decision = policy.check("content.view", person=OUTSIDER, level=Level.SECRET, audience=SCOPE)
    assert decision.rule_ids == ("ACC.CLEARANCE", "ACC.NEED_TO_KNOW")
    assert not decision.allowed


def test_a_violation_names_rule_parameters_values_and_clause():
    decision = policy.check("content.view", person=OUTSIDER, level=Level.SECRET, audience=SCOPE)
    clearance = decision.violations[0].as_dict()
    assert clearance["rule"] == "ACC.CLEARANCE"
    assert clearance["params"]["ceiling"]["general"] == "confidential"
    assert clearance["values"] == {"tier": "general", "level": "机密", "ceiling": "秘密"}
    assert clearance["clause"] and clearance["title"]


def test_the_decision_names_the_approvals_that_would_lift_violations():
    decision = policy.check(
        "content.view",
        person=SimpleNamespace(pk=7, department_id=3, tier=Tier.CORE, admin_role=""),
        level=Level.SECRET,
        audience=SCOPE,
    )
    assert decision.rule_ids == ("ACC.NEED_TO_KNOW",)
    assert decision.approvals == ("scope.widen",) and decision.liftable
    granted = policy.check(
        "content.view",
        person=SimpleNamespace(pk=7, department_id=3, tier=Tier.CORE, admin_role=""),
        level=Level.SECRET,
        audience=SCOPE,
        approvals={"scope.widen"},
    )
    assert granted.allowed


def test_clearance_cannot_be_lifted_by_any_approval():
    decision = policy.check(
        "content.view",
        person=OUTSIDER,
        level=Level.TOP_SECRET,
        audience=Audience(persons=frozenset({7})),
        approvals={"scope.widen"},
    )
    assert decision.rule_ids == ("ACC.CLEARANCE",) and not decision.liftable


def test_a_person_inside_scope_with_clearance_is_allowed():
    assert policy.check(
        "content.view", person=INSIDER, level=Level.TOP_SECRET, audience=SCOPE
    ).allowed


def test_require_raises_with_the_whole_decision():
    with pytest.raises(policy.RuleViolation) as raised:
        policy.require("document.mark", marking="绝密★31年")
    assert raised.value.decision.rule_ids == ("CLS.PERIOD.MAX",)
    assert "30" in raised.value.violations[0].message


def test_an_action_without_rules_is_refused_not_allowed():
    with pytest.raises(policy.UnknownAction, match=r"no\.such\.action"):
        policy.check("no.such.action")
    with pytest.raises(policy.UnknownAction):
        policy.require("no.such.action", actor=INSIDER)


def test_registering_an_unknown_rule_is_refused():
    with pytest.raises(LookupError, match=r"NOT\.A\.RULE"):
        policy.rule("NOT.A.RULE", actions=["x"])(lambda ctx, p: None)


def test_an_override_changes_the_decision_and_is_audited(security_admin):
    assert policy.check("document.mark", marking="机密★15年").allowed
    lower_secret_limits(security_admin, reason="本单位规定")
    decision = policy.check("document.mark", marking="机密★15年")
    assert decision.rule_ids == ("CLS.PERIOD.MAX",)
    assert decision.violations[0].params["max_years"]["secret"] == 10
    event = AuditEvent.objects.get(action="rule.parameter_changed")
    body = json.loads(event.body)
    assert body["object"] == {"type": "policy.rule", "id": "CLS.PERIOD.MAX"}
    assert body["data"]["old"]["secret"] == 20 and body["data"]["new"]["secret"] == 10
    assert body["actor"]["name"] == "王保密" and body["data"]["reason"] == "本单位规定"


def test_another_process_sees_an_override_after_the_snapshot_interval(security_admin, monkeypatch):
    engine.snapshot()
    RuleParameter.objects.create(
        rule_id="CLS.PERIOD.MAX",
        name="max_years",
        value={"top_secret": 30, "secret": 5, "confidential": 5},
        changed_at="2026-01-01T00:00Z",
    )
    from baomi.policy.models import PolicyState

    PolicyState.objects.update(generation=99)  # as another process's change would
    assert engine.params("CLS.PERIOD.MAX")["max_years"]["secret"] == 20  # still cached
    monkeypatch.setattr(engine, "_snapshot_checked", 0.0)
    assert engine.params("CLS.PERIOD.MAX")["max_years"]["secret"] == 5


def test_a_reset_returns_to_the_default_and_is_audited(security_admin):
    lower_secret_limits(security_admin, reason="x")
    services.reset_parameter(
        actor=security_admin, rule_id="CLS.PERIOD.MAX", name="max_years", reason="恢复默认"
    )
    assert engine.params("CLS.PERIOD.MAX")["max_years"]["secret"] == 20
    assert AuditEvent.objects.filter(action="rule.parameter_reset").count() == 1


@pytest.mark.parametrize(
    ("rule_id", "name", "value", "field"),
    [
        ("NO.SUCH", "x", 1, "NO.SUCH"),
        ("CLS.PERIOD.MAX", "nope", 1, "nope"),
        ("CLS.PERIOD.MAX", "max_years", 20, "max_years"),
        ("CLS.PERIOD.MAX", "max_years", {"secret": 10}, "max_years"),
        (
            "CLS.PERIOD.MAX",
            "max_years",
            {"top_secret": 30, "secret": "10", "confidential": 10},
            "max_years",
        ),
        (
            "CLS.PERIOD.MAX",
            "max_years",
            {"top_secret": 30, "secret": -1, "confidential": 10},
            "max_years",
        ),
        ("DUTY.ROSTER", "hours", 25, "DUTY.ROSTER.hours"),  # more than a day holds
        ("DUTY.ROSTER", "hours", 0, "DUTY.ROSTER.hours"),
    ],
)
def test_a_bad_override_is_refused_naming_the_parameter_and_nothing_is_saved(
    security_admin, rule_id, name, value, field
):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match=field.replace(".", r"\.")):
        services.set_parameter(
            actor=security_admin, rule_id=rule_id, name=name, value=value, reason="x"
        )
    assert not RuleParameter.objects.exists() and AuditEvent.objects.count() == before


@pytest.mark.refuses("ACC.ROLE")
def test_only_the_security_administrator_changes_parameters():
    clerk = Person.objects.create(username="clerk")
    with pytest.raises(policy.RuleViolation, match=r"ACC\.ROLE"):
        services.set_parameter(
            actor=clerk,
            rule_id="CLS.PERIOD.MAX",
            name="max_years",
            value={"top_secret": 30, "secret": 10, "confidential": 10},
            reason="x",
        )
    assert not RuleParameter.objects.exists() and not AuditEvent.objects.exists()
