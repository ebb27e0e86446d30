"""Gaps closed after review: approvals bound to their object, carriers counted once and
cleared, receivers entitled, sealed items kept still, lost copies not delivered."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from baomi import policy
from baomi.approvals.services import approve, request_approval
from baomi.core.levels import Level
from baomi.flows.services import (
    carry_out,
    confirm_delivery,
    create_channel,
    destroy_batch,
    lend_copy,
    list_for_destruction,
    open_handover,
    outside_cabinets,
    report_lost,
    send_copy,
)
from baomi.ledger.models import Copy, ScopeEntry
from baomi.people.models import Post
from baomi.people.services import update_person
from tests.support.factories import lend, loan_approved, person, register

from .conftest import MORNING

pytestmark = pytest.mark.django_db


def test_an_approval_for_one_batch_does_not_destroy_another(org):
    clerk = org["people"]["clerk"]
    first = list_for_destruction(actor=clerk, copies=[org["document"].copies.get(copy_no=1)])
    second = list_for_destruction(actor=clerk, copies=[org["document"].copies.get(copy_no=2)])
    room_leader = person("room_leader", clerk.department, posts=(Post.LEADER,))
    asked = request_approval(actor=clerk, kind="copy.destroy", summary="销毁", subject=first)
    approve(actor=room_leader, approval=asked)
    with pytest.raises(policy.RuleViolation):
        destroy_batch(
            actor=clerk,
            batch=second,
            method="粉碎",
            place="机要室",
            on_site=True,
            supervisors=[org["people"]["officer"], org["people"]["leader"]],
            approval=asked,
        )
    assert Copy.objects.get(pk=second.items.get().copy_id).state == Copy.State.IN_DESTRUCTION


def test_one_person_named_twice_does_not_make_two_carriers_of_top_secret(org):
    top = register(org, marking="绝密★30年", copies=1)
    leader = org["people"]["leader"]
    ScopeEntry.objects.create(document=top, person=leader)  # fixture: in scope
    with pytest.raises(policy.RuleViolation) as raised:
        carry_out(
            actor=org["people"]["clerk"],
            copy=top.copies.get(),
            person=leader,
            companions=[leader],
            destination="省委",
            due_at=MORNING + dt.timedelta(hours=4),
        )
    assert "DOC.TOPSECRET" in [v.rule_id for v in raised.value.violations]


def test_a_courier_must_be_cleared_for_the_copy(org, copy):
    via = create_channel(
        actor=org["people"]["officer"], name="机要交通", kind="courier", max_level=Level.TOP_SECRET
    )
    with pytest.raises(policy.RuleViolation) as raised:
        send_copy(
            actor=org["people"]["clerk"],
            copy=copy,
            channel=via,
            couriers=[org["people"]["general"]],
            recipient="市财政局",
        )
    assert "ACC.CLEARANCE" in [v.rule_id for v in raised.value.violations]


def test_a_copy_lost_in_transit_is_not_delivered_before_it_is_found(org, copy):
    clerk = org["people"]["clerk"]
    via = create_channel(
        actor=org["people"]["officer"], name="机要交通", kind="courier", max_level=Level.TOP_SECRET
    )
    transfer = send_copy(actor=clerk, copy=copy, channel=via, couriers=[clerk], recipient="市局")
    report_lost(actor=clerk, copy=copy, circumstances="途中遗失")
    with pytest.raises(ValidationError):
        confirm_delivery(actor=clerk, transfer=transfer, signed_by="王")


def test_a_receiver_not_entitled_to_what_is_in_hand_is_refused(org, copy):
    clerk, insider = org["people"]["clerk"], org["people"]["insider"]
    lend(org, copy, insider)
    with pytest.raises(policy.RuleViolation):
        open_handover(actor=clerk, person=insider, receiver=org["people"]["important"])


def test_a_sealed_item_is_not_lent_before_its_addressee_signs(org):
    sealed = register(org, addressee=org["people"]["insider"])
    with pytest.raises(policy.RuleViolation) as raised:
        lend_copy(
            actor=org["people"]["clerk"],
            copy=sealed.copies.first(),
            borrower=org["people"]["insider"],
        )
    assert [v.rule_id for v in raised.value.violations] == ["DOC.RECEIPT"]


def test_an_overdue_home_reading_is_a_closing_exception(org, copy, clock_at):
    insider = org["people"]["insider"]
    asked = request_approval(
        actor=insider, kind="copy.carry_out", summary="带回家中阅读", subject=copy
    )
    approve(actor=org["people"]["leader"], approval=asked)
    loan_approved(org, insider, copy.document)
    lend_copy(
        actor=org["people"]["clerk"],
        copy=copy,
        borrower=insider,
        place="home",
        approval=asked,
        due_at=MORNING + dt.timedelta(days=1),
    )
    assert copy not in outside_cabinets()
    clock_at(MORNING + dt.timedelta(days=2))
    assert copy in outside_cabinets()


def test_gaining_a_post_needs_no_handover(org, copy):
    insider = org["people"]["insider"]
    lend(org, copy, insider)
    update_person(actor=None, person=insider, posts=[Post.STAFF, Post.SECRETARY])
    with pytest.raises(policy.RuleViolation):
        update_person(actor=None, person=insider, posts=[Post.SECRETARY])
