"""Transfers over approved channels, and copies carried out of the office."""

from __future__ import annotations

import datetime as dt

import pytest

from baomi import policy
from baomi.approvals.services import approve, request_approval
from baomi.core.levels import Level
from baomi.flows.models import CarryOut, Transfer
from baomi.flows.services import bring_back, carry_out, confirm_delivery, create_channel, send_copy
from baomi.ledger.models import Copy, ScopeEntry
from baomi.people.models import Post
from tests.support import recorded, rule_ids
from tests.support.factories import person, register

from .conftest import MORNING

pytestmark = pytest.mark.django_db


def channel(org, name="机要交通", kind="courier", level=Level.TOP_SECRET, **kw):
    return create_channel(
        actor=org["people"]["officer"], name=name, kind=kind, max_level=level, **kw
    )


def send(org, copy, via, **kw):
    args = {
        "actor": org["people"]["clerk"],
        "copy": copy,
        "channel": via,
        "couriers": [org["people"]["clerk"]],
        "recipient": "市财政局",
    }
    return send_copy(**{**args, **kw})


def test_a_copy_travels_with_its_courier_until_the_recipient_signs(org, copy):
    clerk, via = org["people"]["clerk"], channel(org)
    recorded(
        "channel.created",
        via,
        actor=org["people"]["officer"],
        kind="courier",
        max_level="绝密",
        encrypted=False,
        for_classified=True,
    )
    transfer = send(org, copy, via)
    copy.refresh_from_db()
    assert (copy.state, copy.holder) == (Copy.State.IN_TRANSIT, clerk)
    recorded(
        "copy.sent",
        copy,
        actor=clerk,
        state="in_transit",
        holder=clerk.pk,
        transfer=transfer.pk,
        channel="机要交通",
        couriers=[clerk.pk],
        recipient="市财政局",
    )
    confirm_delivery(actor=clerk, transfer=transfer, signed_by="王收文")
    copy.refresh_from_db()
    assert (copy.state, copy.holder, copy.external_holder) == (
        Copy.State.RECEIVED,
        None,
        "市财政局",
    )
    recorded(
        "copy.delivered",
        copy,
        actor=clerk,
        state="received",
        holder=None,
        transfer=transfer.pk,
        signed_by="王收文",
    )


@pytest.mark.parametrize(
    ("kind", "kw", "why"),
    [
        ("post", {}, "never go by"),
        ("network", {"encrypted": False}, "encrypted channel"),
        ("courier", {"level": Level.CONFIDENTIAL}, "does not carry"),
    ],
)
def test_DOC_TRANSFER_CHANNEL_a_channel_that_cannot_carry_it_is_refused(org, copy, kind, kw, why):
    from django.utils import translation

    via = channel(org, kind=kind, **kw)
    with pytest.raises(policy.RuleViolation) as raised:
        send(org, copy, via)
    assert rule_ids(raised) == ["DOC.TRANSFER.CHANNEL"]
    with translation.override("en"):
        assert why in raised.value.violations[0].message
    assert not Transfer.objects.exists()
    copy.refresh_from_db()
    assert copy.state == Copy.State.IN_CABINET


@pytest.mark.refuses("DOC.TRANSFER.CHANNEL")
def test_DOC_TRANSFER_CHANNEL_top_secret_never_goes_over_a_network(org):
    top = register(org, marking="绝密★30年", copies=1).copies.get()
    via = channel(org, kind="network", encrypted=True)
    with pytest.raises(policy.RuleViolation) as raised:
        send(org, top, via, couriers=[org["people"]["clerk"], org["people"]["leader"]])
    assert rule_ids(raised) == ["DOC.TRANSFER.CHANNEL"]


def test_DOC_TRANSFER_CHANNEL_an_encrypted_network_carries_a_secret_copy(org, copy):
    assert send(org, copy, channel(org, kind="network", encrypted=True)).channel.encrypted


@pytest.mark.refuses("DOC.TRANSFER.SYMMETRY")
def test_DOC_TRANSFER_SYMMETRY_a_reply_is_not_lower_than_what_it_answers(org):
    question = register(org, marking="机密★10年")
    reply = register(org, marking="秘密★5年").copies.first()
    plain_reply = register(
        org, marking="", level=Level.INTERNAL, cabinet=org["plain"]
    ).copies.first()
    with pytest.raises(policy.RuleViolation) as raised:
        send(org, reply, channel(org), in_reply_to=question)
    assert rule_ids(raised) == ["DOC.TRANSFER.SYMMETRY"]
    with pytest.raises(policy.RuleViolation) as mixed:
        send(org, plain_reply, channel(org, name="机要通信", kind="confidential_post"))
    assert "DOC.TRANSFER.SYMMETRY" in rule_ids(mixed)


def test_DOC_TRANSFER_SYMMETRY_a_reply_at_the_same_level_travels(org):
    question = register(org, marking="机密★10年")
    reply = register(org, marking="机密★10年").copies.first()
    assert send(org, reply, channel(org), in_reply_to=question).in_reply_to == question


def test_DOC_TOPSECRET_two_couriers_carry_a_top_secret_copy(org):
    top = register(org, marking="绝密★30年", copies=1).copies.get()
    via = channel(org)
    with pytest.raises(policy.RuleViolation) as raised:
        send(org, top, via)
    assert rule_ids(raised) == ["DOC.TOPSECRET"]
    two = [org["people"]["clerk"], org["people"]["leader"]]
    assert send(org, top, via, couriers=two).couriers.count() == 2


def carried(org, copy, **kw):
    args = {
        "actor": org["people"]["clerk"],
        "copy": copy,
        "person": org["people"]["insider"],
        "destination": "市政府规划协调会",
        "due_at": MORNING + dt.timedelta(hours=8),
    }
    return carry_out(**{**args, **kw})


def approved_carry_out(org, person="insider"):
    asked = request_approval(
        actor=org["people"][person], kind="copy.carry_out", summary="携带参加协调会，当日带回"
    )
    return approve(actor=org["people"]["leader"], approval=asked)


@pytest.mark.refuses("DOC.CARRY_OUT")
def test_DOC_CARRY_OUT_leaving_the_office_needs_a_leaders_approval(org, copy):
    with pytest.raises(policy.RuleViolation) as raised:
        carried(org, copy)
    assert rule_ids(raised) == ["DOC.CARRY_OUT"]
    assert raised.value.decision.approvals == ("copy.carry_out",)
    assert not CarryOut.objects.exists()


def test_DOC_CARRY_OUT_an_approved_carry_out_and_the_copy_back(org, copy):
    record = carried(org, copy, approval=approved_carry_out(org))
    copy.refresh_from_db()
    assert (copy.state, copy.holder) == (Copy.State.ON_LOAN, org["people"]["insider"])
    recorded(
        "copy.carried_out",
        copy,
        actor=org["people"]["clerk"],
        state="on_loan",
        holder=org["people"]["insider"].pk,
        carry_out=record.pk,
        abroad=False,
        companions=[],
        due_at="2026-11-20T17:00+08:00",
    )
    bring_back(actor=org["people"]["clerk"], record=record)
    copy.refresh_from_db()
    assert (copy.state, copy.cabinet) == (Copy.State.IN_CABINET, org["cabinet"])


def test_DOC_CARRY_OUT_top_secret_never_leaves_the_country_even_approved(org):
    top = register(org, marking="绝密★30年", copies=1).copies.get()
    leader = org["people"]["leader"]
    ScopeEntry.objects.create(document=top.document, person=leader)  # fixture: in scope
    deputy = person("deputy", org["units"]["planning"], posts=(Post.LEADER,), tier="core")
    asked = request_approval(actor=leader, kind="copy.carry_out", summary="出国谈判携带")
    approve(actor=deputy, approval=asked)
    with pytest.raises(policy.RuleViolation) as raised:
        carried(
            org,
            top,
            person=leader,
            abroad=True,
            companions=[org["people"]["clerk"]],
            approval=asked,
        )
    [violation] = raised.value.violations
    assert violation.rule_id == "DOC.CARRY_OUT" and violation.lift is None
    assert violation.values == {"level": "绝密", "abroad": True}
    assert not CarryOut.objects.exists()
    asked.refresh_from_db()
    assert asked.state == "approved"  # not used up by a refused carry-out
