"""Widening a knowledge scope only through the issuing side's approval."""

from __future__ import annotations

import pytest

from baomi import policy
from baomi.approvals.services import approve
from baomi.audit.models import AuditEvent
from baomi.core.levels import Tier
from baomi.core.visibility import NotVisible
from baomi.ledger.models import Document
from baomi.ledger.services import ask_to_widen_scope, widen_scope
from baomi.people.models import Post
from tests.support import recorded
from tests.support.factories import person, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(org):
    room = org["cabinet"].department
    return person("room_leader", room, posts=(Post.LEADER,), tier=Tier.CORE)


def test_a_scope_widens_only_after_the_issuing_sides_approval(org, leader):
    document = register(org)
    clerk, target = org["people"]["clerk"], org["people"]["important"]
    assert not Document.objects.visible_to(target).filter(pk=document.pk).exists()
    request = ask_to_widen_scope(
        actor=clerk, document=document, person=target, reason="财务审计科需核对项目预算"
    )
    with pytest.raises(policy.RuleViolation):  # not yet approved
        widen_scope(actor=clerk, document=document, approval=request)
    approve(actor=leader, approval=request, comment="同意")
    widen_scope(actor=clerk, document=document, approval=request)
    assert Document.objects.visible_to(target).filter(pk=document.pk).exists()
    assert AuditEvent.objects.filter(action="scope.widened").count() == 1
    recorded("scope.widened", document, actor=clerk, person=target.pk, approval=request.pk)
    with pytest.raises(policy.RuleViolation):  # used once
        widen_scope(actor=clerk, document=document, approval=request)


@pytest.mark.refuses("ACC.CLEARANCE")
def test_an_uncleared_person_is_not_added_even_with_an_approval(org, leader):
    document = register(org)  # 机密: a general-tier person may not know it
    clerk, target = org["people"]["clerk"], org["people"]["general"]
    request = ask_to_widen_scope(actor=clerk, document=document, person=target, reason="需要")
    approve(actor=leader, approval=request, comment="同意")
    with pytest.raises(policy.RuleViolation) as raised:
        widen_scope(actor=clerk, document=document, approval=request)
    assert raised.value.decision.rule_ids == ("ACC.CLEARANCE",)
    assert not Document.objects.visible_to(target).filter(pk=document.pk).exists()


def test_someone_outside_the_scope_cannot_even_ask(org, leader):
    document = register(org)
    with pytest.raises(NotVisible):
        ask_to_widen_scope(
            actor=org["people"]["important"],
            document=document,
            person=org["people"]["important"],
            reason="想看",
        )


def test_a_routed_leader_writes_instructions_once(org, leader):
    from django.core.exceptions import ValidationError

    from baomi.ledger.services import route_for_instructions, write_instructions

    document = register(org)
    clerk = org["people"]["clerk"]
    instruction = route_for_instructions(actor=clerk, document=document, leader=leader)
    assert Document.objects.visible_to(leader).filter(pk=document.pk).exists()
    recorded("document.routed", document, actor=clerk, leader=leader.pk)
    with pytest.raises(NotVisible):
        write_instructions(actor=clerk, instruction=instruction, text="请阅")
    write_instructions(actor=leader, instruction=instruction, text="请综合规划科研究落实。")
    with pytest.raises(ValidationError):
        write_instructions(actor=leader, instruction=instruction, text="再批")
    event = recorded("instructions.written", instruction, actor=leader, document=document.pk)
    assert "研究落实" not in str(event.body)
    with pytest.raises(ValidationError):
        route_for_instructions(actor=clerk, document=document, leader=org["people"]["insider"])


def test_only_the_confidential_room_routes_documents(org, leader):
    from baomi.ledger.services import route_for_instructions

    document = register(org)
    with pytest.raises(policy.RuleViolation) as raised:
        route_for_instructions(actor=org["people"]["insider"], document=document, leader=leader)
    assert raised.value.decision.rule_ids == ("ACC.ROLE",)


def test_a_lower_clearance_ceiling_in_force_hides_what_the_tier_no_longer_admits(
    org, security_admin
):
    """ACC.CLEARANCE's parameter is what lists apply in SQL too, not only what a check says."""
    from baomi.core.access import Audience
    from baomi.policy.services import set_parameter

    document = register(org, marking="秘密★10年")
    general = org["people"]["planning_general"]
    admitted = Audience(persons=frozenset({general.pk}))
    assert Document.objects.visible_to(general).filter(pk=document.pk).exists()
    set_parameter(
        actor=security_admin,
        rule_id="ACC.CLEARANCE",
        name="ceiling",
        value={"core": "top_secret", "important": "secret", "general": "internal"},
        reason="一般涉密人员暂停知悉秘密级事项",
    )
    assert not Document.objects.visible_to(general).filter(pk=document.pk).exists()
    refused = policy.check("copy.hold", person=general, level=document.level, audience=admitted)
    assert [v.rule_id for v in refused.violations] == ["ACC.CLEARANCE"]
    assert Document.objects.visible_to(org["people"]["insider"]).filter(pk=document.pk).exists()
