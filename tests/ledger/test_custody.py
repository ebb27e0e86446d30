"""The copy state machine: allowed moves, one accountable holder, and the custody timeline."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from baomi.audit.models import AuditEvent
from baomi.ledger import custody
from baomi.ledger.models import Cabinet, Copy
from tests.support.factories import register

S = Copy.State
pytestmark = pytest.mark.django_db


@given(st.sampled_from(list(S)))
def test_every_copy_not_destroyed_or_written_off_can_be_reported_lost(state):
    if state in custody.TERMINAL:
        assert custody.TRANSITIONS[state] == frozenset()
    elif state != S.REPORTED_LOST:
        assert custody.can_move(state, S.REPORTED_LOST)


def test_a_lost_copy_is_found_back_in_a_live_state_or_written_off():
    found = custody.TRANSITIONS[S.REPORTED_LOST]
    assert S.WRITTEN_OFF in found and S.IN_CABINET in found and S.ON_LOAN in found
    assert S.DESTROYED not in found and S.REGISTERED not in found
    assert not custody.can_move(S.DESTROYED, S.IN_CABINET)
    assert not custody.can_move(S.IN_CABINET, S.RECEIVED)  # only through transit


def _moved(copy, **kw):
    with transaction.atomic():
        locked = Copy.objects.select_for_update().get(pk=copy.pk)
        return custody.move(copy=locked, **kw)


@pytest.mark.applied("DOC.REGISTER")
def test_a_move_changes_state_and_holder_and_records_both(org):
    document = register(org)
    clerk, insider = org["people"]["clerk"], org["people"]["insider"]
    copy = document.copies.get(copy_no=1)
    lent = _moved(copy, actor=clerk, to=S.ON_LOAN, action="copy.lent", holder=insider, loan=7)
    assert lent.state == S.ON_LOAN and lent.holder == insider and lent.cabinet is None
    event = AuditEvent.objects.filter(action="copy.lent").get()
    assert json.loads(event.body)["data"] == {
        "document": document.pk,
        "copy_no": "000001",
        "state": "on_loan",
        "cabinet": None,
        "holder": insider.pk,
        "external_holder": None,
        "loan": 7,
    }
    lost = _moved(lent, actor=insider, to=S.REPORTED_LOST, action="copy.reported_lost")
    assert lost.holder == insider  # the last accountable holder stays on record


@pytest.mark.parametrize(
    ("to", "kw", "field"),
    [
        (S.ON_LOAN, {}, "holder"),
        (S.ON_LOAN, {"holder": "insider", "cabinet": True}, "holder"),
        (S.ARCHIVED, {"holder": "insider"}, "cabinet"),
        (S.RECEIVED, {}, None),  # not a move the state machine has from a cabinet
    ],
)
def test_a_move_that_leaves_no_accountable_holder_is_refused_and_nothing_changes(
    org, to, kw, field
):
    document = register(org)
    copy = document.copies.get(copy_no=1)
    args = {
        "holder": org["people"][kw["holder"]] if "holder" in kw else None,
        "cabinet": org["cabinet"] if kw.get("cabinet") else None,
    }
    with pytest.raises(ValidationError) as raised:
        _moved(copy, actor=org["people"]["clerk"], to=to, action="copy.moved", **args)
    if field:
        assert field in raised.value.message_dict
    copy.refresh_from_db()
    assert copy.state == S.IN_CABINET and copy.cabinet == org["cabinet"]
    assert not AuditEvent.objects.filter(action="copy.moved").exists()


def test_the_database_refuses_a_copy_without_its_accountable_holder(org):
    document = register(org)
    with pytest.raises(IntegrityError), transaction.atomic():
        Copy.objects.filter(document=document).update(state=S.ON_LOAN)
    with pytest.raises(IntegrityError), transaction.atomic():
        Copy.objects.filter(document=document).update(state=S.RECEIVED, cabinet=None)


def test_the_copy_page_timeline_names_every_holder_and_place(client, org):
    document = register(org)
    clerk, insider = org["people"]["clerk"], org["people"]["insider"]
    copy = document.copies.get(copy_no=1)
    copy = _moved(copy, actor=clerk, to=S.ON_LOAN, action="copy.lent", holder=insider)
    _moved(copy, actor=insider, to=S.IN_CABINET, action="copy.returned", cabinet=org["cabinet"])
    rows = custody.timeline(copy)
    assert [(r["action"], r["place"]) for r in rows] == [
        ("copy.registered", "JYS-01"),
        ("copy.lent", str(insider)),
        ("copy.returned", "JYS-01"),
    ]
    client.force_login(insider)
    page = client.get(f"/ledger/copies/{copy.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    history = page[page.index("audit-history") :]
    assert "on loan" in history and "Copy returned" in history and "copy.returned" not in page


def test_verify_replay_finds_a_copy_moved_outside_the_services(org):
    from django.core.management import CommandError, call_command

    document = register(org)
    call_command("verify", "--replay")
    other = Cabinet.objects.create(
        name="另一柜",
        code="X-01",
        department=org["cabinet"].department,
        custodian=org["people"]["clerk"],
    )
    Copy.objects.filter(document=document, copy_no=2).update(cabinet=other)
    with pytest.raises(CommandError) as raised:
        call_command("verify", "--replay")
    assert "1 copies differ" in str(raised.value)
