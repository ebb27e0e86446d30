"""The approval flow: request → approve | reject | withdraw → consume, and expiry.

Each service: the happy path with its exact audit event; each refusal saves nothing and names
the rule (or the field) it breaks."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from baomi import policy
from baomi.approvals import kinds, services
from baomi.approvals.models import Approval
from baomi.core.services import create_org_unit
from baomi.people.models import Post
from tests.support import actions, events

from .conftest import NOW

pytestmark = pytest.mark.django_db

State = Approval.State


def carry_out(org, requester=None, **kwargs):
    return services.request_approval(
        actor=requester or org.staff,
        kind="copy.carry_out",
        summary="赴市局汇报",
        payload={"count": 3},
        **kwargs,
    )


def approved(org, kind="copy.carry_out"):
    approval = services.request_approval(actor=org.staff, kind=kind, summary="出差使用")
    return services.approve(actor=org.leader, approval=approval)


def reload(approval):
    return Approval.objects.get(pk=approval.pk)


# -- request --------------------------------------------------------------------------------


def test_a_request_goes_to_the_leader_of_the_requesters_department(org, frozen):
    approval = carry_out(org, subject=("ledger.copy", 42))
    approval = reload(approval)
    assert approval.state == State.PENDING
    assert (approval.approver_post, approval.approver_unit, approval.approver) == (
        Post.LEADER,
        org.office,
        None,
    )
    assert approval.subject_ref == {"type": "ledger.copy", "id": "42"}
    assert approval.payload == {"count": 3}
    assert approval.requested_at == NOW
    assert approval.expires_at == NOW + dt.timedelta(days=7)
    [event] = events("approval.requested")
    assert event["actor"] == {"id": str(org.staff.pk), "name": "张三"}
    assert event["object"] == {"type": "approvals.approval", "id": str(approval.pk)}
    assert event["data"] == {
        "kind": "copy.carry_out",
        "subject": {"type": "ledger.copy", "id": "42"},
        "payload": {"count": 3},
        "approver_post": "leader",
        "approver_unit": org.office.pk,
        "expires_at": "2026-03-09T02:00:00.000000Z",
    }


def test_a_subject_is_kept_by_reference_only(org):
    approval = carry_out(org, subject=org.finance)
    assert approval.subject_ref == {"type": "core.orgunit", "id": str(org.finance.pk)}
    assert events("approval.requested")[0]["data"]["subject"] == approval.subject_ref


def test_widening_a_scope_goes_to_the_leader_of_the_issuing_unit(org):
    approval = services.request_approval(
        actor=org.staff, kind="scope.widen", summary="需阅办", unit=org.root
    )
    assert (approval.approver_post, approval.approver_unit) == (Post.LEADER, org.root)
    assert approval.expires_at - approval.requested_at == dt.timedelta(days=30)


def test_the_issuing_unit_must_be_given_by_the_requesting_service(org):
    with pytest.raises(ValueError, match="issuing unit"):
        services.request_approval(actor=org.staff, kind="scope.widen", summary="需阅办")


def test_a_security_officer_anywhere_may_decide_a_security_officer_kind(org, scratch_kinds):
    kinds.register(
        "test.officer",
        title="test",
        approver=kinds.SECURITY_OFFICER,
        rule_id="DOC.CARRY_OUT",
    )
    approval = services.request_approval(actor=org.staff, kind="test.officer", summary="x")
    assert (approval.approver_post, approval.approver_unit) == (Post.SECURITY_OFFICER, None)
    assert approval.is_approver(org.officer) and not approval.is_approver(org.leader)


def test_a_request_no_one_can_approve_is_refused_naming_the_post_and_unit(org, scratch_kinds):
    kinds.register(
        "test.finance", title="t", approver=kinds.ISSUING_UNIT_LEADER, rule_id="DOC.CARRY_OUT"
    )
    empty = create_org_unit(actor=None, name="空科", parent=org.finance)
    with pytest.raises(ValidationError) as raised:
        services.request_approval(actor=org.staff, kind="test.finance", summary="x", unit=empty)
    assert raised.value.code == "no_approver"
    assert "leader" in raised.value.messages[0] and "空科" in raised.value.messages[0]
    assert not Approval.objects.exists() and not actions("approval.")


def test_an_inactive_leader_cannot_approve_so_the_request_is_refused(org):
    for leader in (org.leader, org.deputy):
        leader.is_active = False
        leader.save()
    with pytest.raises(ValidationError, match="办公室"):
        carry_out(org)
    assert not Approval.objects.exists() and not actions("approval.")


def test_the_only_leader_cannot_ask_himself(org):
    org.deputy.is_active = False
    org.deputy.save()
    with pytest.raises(ValidationError, match="only") as raised:
        carry_out(org, requester=org.leader)
    assert raised.value.code == "no_approver"
    assert not Approval.objects.exists() and not actions("approval.")


def test_someone_without_a_department_has_no_department_leader(org):
    loner = org.staff
    loner.department = None
    loner.save()
    with pytest.raises(ValidationError, match="no department"):
        carry_out(org)
    assert not Approval.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "no.such"}, "kind"),
        ({"summary": "   "}, "summary"),
        ({"summary": "长" * 201}, "summary"),
        ({"payload": ["count", 3]}, "payload"),
        ({"payload": {"when": dt.date(2026, 3, 2)}}, "payload"),
    ],
)
def test_a_malformed_request_is_refused_naming_the_field(org, kwargs, field):
    params = {"kind": "copy.carry_out", "summary": "赴市局汇报", **kwargs}
    with pytest.raises(ValidationError) as raised:
        services.request_approval(actor=org.staff, **params)
    assert field in raised.value.message_dict
    assert not Approval.objects.exists() and not actions("approval.")


# -- approve and reject ---------------------------------------------------------------------


def test_an_eligible_leader_approves(org, frozen):
    approval = carry_out(org)
    frozen.shift(dt.timedelta(hours=2))
    services.approve(actor=org.deputy, approval=approval, comment=" 同意 ")
    approval = reload(approval)
    assert approval.state == State.APPROVED
    assert approval.decided_by == org.deputy
    assert approval.decided_at == NOW + dt.timedelta(hours=2)
    assert approval.comment == "同意"
    [event] = events("approval.approved")
    assert event["actor"]["id"] == str(org.deputy.pk)
    assert event["object"] == {"type": "approvals.approval", "id": str(approval.pk)}
    assert event["data"] == {"kind": "copy.carry_out", "requester": org.staff.pk}


def test_approving_ones_own_request_is_refused_by_separation_of_duties(org):
    approval = carry_out(org, requester=org.leader)
    with pytest.raises(policy.RuleViolation) as raised:
        services.approve(actor=org.leader, approval=approval)
    assert raised.value.decision.rule_ids == ("ACC.SOD",)
    assert raised.value.decision.action == "approval.decide"
    assert reload(approval).state == State.PENDING
    assert actions("approval.") == ["approval.requested"]


@pytest.mark.parametrize("who", ["colleague", "finance_leader", "officer"])
def test_someone_not_an_eligible_approver_is_refused_by_role(org, who):
    approval = carry_out(org)
    with pytest.raises(policy.RuleViolation) as raised:
        services.approve(actor=getattr(org, who), approval=approval)
    assert raised.value.decision.rule_ids == ("ACC.ROLE",)
    assert "leader of 办公室" in str(raised.value)
    assert reload(approval).state == State.PENDING
    assert actions("approval.") == ["approval.requested"]


def test_a_staff_member_deciding_own_request_breaks_both_rules(org):
    approval = carry_out(org)
    with pytest.raises(policy.RuleViolation) as raised:
        services.reject(actor=org.staff, approval=approval, comment="算了")
    assert set(raised.value.decision.rule_ids) == {"ACC.ROLE", "ACC.SOD"}


def test_a_leader_who_left_the_department_may_no_longer_decide(org):
    approval = carry_out(org)
    org.leader.department = org.finance
    org.leader.save()
    with pytest.raises(policy.RuleViolation, match=r"ACC\.ROLE"):
        services.approve(actor=org.leader, approval=approval)


def test_an_expired_request_cannot_be_decided(org, frozen):
    approval = carry_out(org)
    frozen.shift(dt.timedelta(days=7))
    with pytest.raises(ValidationError) as raised:
        services.approve(actor=org.leader, approval=approval)
    assert raised.value.code == "expired"
    assert reload(approval).state == State.PENDING
    assert actions("approval.") == ["approval.requested"]


@pytest.mark.parametrize("decide", ["approve", "reject"])
def test_a_decided_request_cannot_be_decided_again(org, decide):
    approval = carry_out(org)
    services.reject(actor=org.leader, approval=approval, comment="不必携带")
    with pytest.raises(ValidationError) as raised:
        getattr(services, decide)(actor=org.deputy, approval=approval, comment="同意")
    assert raised.value.code == "not_pending"
    approval = reload(approval)
    assert (approval.state, approval.decided_by) == (State.REJECTED, org.leader)
    assert actions("approval.") == ["approval.requested", "approval.rejected"]


def test_a_leader_rejects_saying_why(org, frozen):
    approval = carry_out(org)
    services.reject(actor=org.leader, approval=approval, comment="可在室内阅办")
    approval = reload(approval)
    assert approval.state == State.REJECTED
    assert (approval.decided_by, approval.decided_at) == (org.leader, NOW)
    assert approval.comment == "可在室内阅办"
    [event] = events("approval.rejected")
    assert event["actor"]["id"] == str(org.leader.pk)
    assert event["object"] == {"type": "approvals.approval", "id": str(approval.pk)}
    assert event["data"] == {"kind": "copy.carry_out", "requester": org.staff.pk}


@pytest.mark.parametrize("comment", ["", "   "])
def test_rejecting_without_a_comment_is_refused(org, comment):
    approval = carry_out(org)
    with pytest.raises(ValidationError) as raised:
        services.reject(actor=org.leader, approval=approval, comment=comment)
    assert "comment" in raised.value.message_dict
    assert reload(approval).state == State.PENDING
    assert actions("approval.") == ["approval.requested"]


# -- withdraw -------------------------------------------------------------------------------


def test_the_requester_withdraws_a_pending_request(org):
    approval = carry_out(org)
    services.withdraw(actor=org.staff, approval=approval)
    assert reload(approval).state == State.WITHDRAWN
    [event] = events("approval.withdrawn")
    assert event["actor"]["id"] == str(org.staff.pk)
    assert event["object"] == {"type": "approvals.approval", "id": str(approval.pk)}
    assert event["data"] == {"kind": "copy.carry_out"}
    with pytest.raises(ValidationError):
        services.approve(actor=org.leader, approval=approval)


def test_only_the_requester_withdraws(org):
    approval = carry_out(org)
    with pytest.raises(policy.RuleViolation) as raised:
        services.withdraw(actor=org.leader, approval=approval)
    assert raised.value.decision.rule_ids == ("ACC.ROLE",)
    assert reload(approval).state == State.PENDING
    assert actions("approval.") == ["approval.requested"]


def test_a_decided_request_cannot_be_withdrawn(org):
    approval = approved(org)
    with pytest.raises(ValidationError) as raised:
        services.withdraw(actor=org.staff, approval=approval)
    assert raised.value.code == "not_pending"
    assert reload(approval).state == State.APPROVED


# -- consume --------------------------------------------------------------------------------


def consume(approval, actor, action="copy.carry_out"):
    with transaction.atomic():
        return services.consume(actor=actor, approval=approval, action=action)


def test_the_requester_uses_an_approval_once_inside_the_actions_transaction(org, frozen):
    approval = approved(org)
    frozen.shift(dt.timedelta(days=1))
    consume(approval, org.staff)
    approval = reload(approval)
    assert approval.state == State.CONSUMED
    assert approval.consumed_at == NOW + dt.timedelta(days=1)
    assert approval.consumed_by == "copy.carry_out"
    [event] = events("approval.consumed")
    assert event["actor"]["id"] == str(org.staff.pk)
    assert event["object"] == {"type": "approvals.approval", "id": str(approval.pk)}
    assert event["data"] == {"kind": "copy.carry_out", "action": "copy.carry_out"}


def test_a_kind_named_as_a_rules_lift_unlocks_that_rules_actions(org):
    approval = services.request_approval(
        actor=org.staff, kind="scope.widen", summary="需阅办", unit=org.root
    )
    services.approve(actor=org.director, approval=approval)
    consume(approval, org.staff, action="copy.hold")  # ACC.NEED_TO_KNOW lift="scope.widen"
    assert reload(approval).consumed_by == "copy.hold"


def test_an_approval_cannot_be_used_twice(org):
    approval = approved(org)
    consume(approval, org.staff)
    with pytest.raises(policy.RuleViolation) as raised:
        consume(approval, org.staff)
    assert raised.value.decision.rule_ids == ("DOC.CARRY_OUT",)
    assert raised.value.decision.approvals == ("copy.carry_out",)
    assert "already used" in str(raised.value)
    assert len(events("approval.consumed")) == 1


def test_only_the_requester_uses_an_approval(org):
    approval = approved(org)
    with pytest.raises(policy.RuleViolation) as raised:
        consume(approval, org.colleague)
    assert raised.value.decision.rule_ids == ("DOC.CARRY_OUT",)
    assert "张三" in str(raised.value)
    assert reload(approval).state == State.APPROVED and not events("approval.consumed")


def test_an_approval_of_another_kind_does_not_unlock_the_action(org):
    approval = approved(org, kind="copy.reproduce")
    with pytest.raises(policy.RuleViolation) as raised:
        consume(approval, org.staff, action="copy.carry_out")
    # the refusal names the rule of the kind the action needs, and that kind
    assert raised.value.decision.rule_ids == ("DOC.CARRY_OUT",)
    assert raised.value.decision.approvals == ("copy.carry_out",)
    assert reload(approval).state == State.APPROVED and not events("approval.consumed")


@pytest.mark.parametrize("state", ["pending", "rejected", "withdrawn"])
def test_an_approval_not_granted_cannot_be_used(org, state):
    approval = carry_out(org)
    if state == "rejected":
        services.reject(actor=org.leader, approval=approval, comment="不同意")
    elif state == "withdrawn":
        services.withdraw(actor=org.staff, approval=approval)
    with pytest.raises(policy.RuleViolation) as raised:
        consume(approval, org.staff)
    assert raised.value.decision.rule_ids == ("DOC.CARRY_OUT",)
    assert reload(approval).state == state and not events("approval.consumed")


def test_an_expired_approval_cannot_be_used_even_before_the_job_marks_it(org, frozen):
    approval = approved(org)
    frozen.shift(dt.timedelta(days=7, seconds=1))
    with pytest.raises(policy.RuleViolation, match="expired") as raised:
        consume(approval, org.staff)
    assert raised.value.decision.rule_ids == ("DOC.CARRY_OUT",)
    assert reload(approval).state == State.APPROVED and not events("approval.consumed")


def test_every_reason_is_reported_at_once(org):
    approval = carry_out(org)
    with pytest.raises(policy.RuleViolation) as raised:
        consume(approval, org.colleague)
    assert len(raised.value.violations) == 2


def test_consuming_outside_the_actions_transaction_is_refused(org):
    approval = approved(org)
    with pytest.raises(transaction.TransactionManagementError):
        services.consume(actor=org.staff, approval=approval, action="copy.carry_out")
    assert reload(approval).state == State.APPROVED


def test_a_refused_action_gives_its_approval_back(org):
    """The action's transaction rolls back, and the approval with it."""
    approval = approved(org)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.consume(actor=org.staff, approval=approval, action="copy.carry_out")
        raise RuntimeError("the action failed after using the approval")
    assert reload(approval).state == State.APPROVED and not events("approval.consumed")


# -- expiry ---------------------------------------------------------------------------------


def test_expiry_marks_pending_and_unused_requests_once(org, frozen):
    waiting = carry_out(org)
    granted = approved(org)
    used = approved(org)
    consume(used, org.staff)
    refused = carry_out(org)
    services.reject(actor=org.leader, approval=refused, comment="不同意")
    later = services.request_approval(
        actor=org.staff, kind="scope.widen", summary="需阅办", unit=org.root
    )

    assert services.expire_due() == 0
    with time_machine.travel(NOW + dt.timedelta(days=8), tick=False):
        assert services.expire_due() == 2
        assert services.expire_due() == 0  # idempotent: nothing left to change
    states = {a.pk: a.state for a in Approval.objects.all()}
    assert states == {
        waiting.pk: State.EXPIRED,
        granted.pk: State.EXPIRED,
        used.pk: State.CONSUMED,
        refused.pk: State.REJECTED,
        later.pk: State.PENDING,
    }
    expired = events("approval.expired")
    assert [(e["object"]["id"], e["actor"], e["data"]) for e in expired] == [
        (str(waiting.pk), None, {"kind": "copy.carry_out", "previous": "pending"}),
        (str(granted.pk), None, {"kind": "copy.carry_out", "previous": "approved"}),
    ]
    assert reload(granted).decided_by == org.leader  # the decision stays on record


def test_expiry_takes_an_explicit_time(org):
    approval = carry_out(org)
    assert services.expire_due(now=approval.expires_at) == 1
    assert reload(approval).state == State.EXPIRED


# -- the database keeps the invariants too -------------------------------------------------


def test_the_database_refuses_a_self_decided_request(org):
    approval = carry_out(org)
    with pytest.raises(IntegrityError), transaction.atomic():
        Approval.objects.filter(pk=approval.pk).update(
            state=State.APPROVED, decided_by=org.staff, decided_at=NOW
        )


@pytest.mark.parametrize(
    "changes",
    [
        {"state": "approved"},  # decided without a decider
        {"state": "bogus"},
        {"state": "rejected", "decided_at": NOW, "comment": ""},
        {"state": "consumed", "decided_at": NOW},
        {"approver_post": ""},
        {"object_type": "ledger.copy"},
    ],
)
def test_the_database_refuses_inconsistent_rows(org, changes):
    approval = carry_out(org)
    if "decided_at" in changes:
        changes["decided_by"] = org.leader
    with pytest.raises(IntegrityError), transaction.atomic():
        Approval.objects.filter(pk=approval.pk).update(**changes)
