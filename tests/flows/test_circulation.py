"""Single-line circulation: clerk → reader → clerk → next reader, each hand-off signed."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from baomi import policy
from baomi.audit.models import AuditEvent
from baomi.core.models import Notification
from baomi.flows.models import Circulation, CirculationStep
from baomi.flows.services import (
    chase_list,
    chase_overdue_readers,
    comment_on_copy,
    hand_to_reader,
    sign_for_copy,
    start_circulation,
    take_back,
)
from baomi.ledger.models import Copy, ScopeEntry
from tests.support import recorded, rule_ids

from .conftest import MORNING, SHANGHAI

pytestmark = pytest.mark.django_db


def started(org, copy, *names):
    readers = [org["people"][n] for n in names or ("insider", "reader2")]
    return start_circulation(actor=org["people"]["clerk"], copy=copy, readers=readers)


def test_a_circulation_runs_from_the_cabinet_through_every_reader_and_back(org, copy):
    clerk, insider, reader2 = (org["people"][n] for n in ("clerk", "insider", "reader2"))
    circulation = started(org, copy)
    recorded(
        "circulation.started",
        circulation,
        actor=clerk,
        copy=copy.pk,
        readers=[insider.pk, reader2.pk],
    )
    step = hand_to_reader(actor=clerk, circulation=circulation)
    copy.refresh_from_db()
    assert (copy.state, copy.holder, copy.cabinet) == (Copy.State.CIRCULATING, insider, None)
    # 机密, normal urgency: five days, until closing time
    assert step.due_at == dt.datetime(2026, 11, 25, 18, 0, tzinfo=SHANGHAI)
    recorded(
        "copy.handed",
        copy,
        actor=clerk,
        state="circulating",
        holder=insider.pk,
        circulation=circulation.pk,
        due_at="2026-11-25T18:00+08:00",
    )
    sign_for_copy(actor=insider, step=step)
    recorded("circulation.signed", step, actor=insider, circulation=circulation.pk)
    comment_on_copy(actor=insider, step=step, text="请规划科研究落实。")
    # the comment itself is not in the log: it may quote the document
    event = recorded("circulation.commented", step, actor=insider, circulation=circulation.pk)
    assert "请规划科" not in json.dumps(event.body, ensure_ascii=False)
    take_back(actor=clerk, circulation=circulation)
    copy.refresh_from_db()
    assert (copy.state, copy.holder) == (Copy.State.CIRCULATING, clerk)
    second = hand_to_reader(actor=clerk, circulation=circulation)
    assert second.reader == reader2
    sign_for_copy(actor=reader2, step=second)
    take_back(actor=clerk, circulation=circulation)
    copy.refresh_from_db()
    circulation.refresh_from_db()
    assert (copy.state, copy.cabinet, copy.holder) == (Copy.State.IN_CABINET, org["cabinet"], None)
    assert circulation.state == Circulation.State.DONE
    moves = AuditEvent.objects.filter(object_type="ledger.copy", object_id=str(copy.pk))
    assert [(e.action, json.loads(e.body)["data"]["holder"]) for e in moves.order_by("seq")] == [
        ("copy.registered", None),
        ("copy.handed", insider.pk),
        ("copy.returned", clerk.pk),
        ("copy.handed", reader2.pk),
        ("copy.returned", None),
    ]
    assert AuditEvent.objects.filter(action="circulation.signed").count() == 2


def test_DOC_CIRC_SCOPE_a_reader_outside_the_scope_is_refused_and_nothing_saved(org, copy):
    with pytest.raises(policy.RuleViolation) as raised:
        started(org, copy, "insider", "important")
    assert rule_ids(raised) == ["DOC.CIRC.SCOPE"]
    assert raised.value.violations[0].values == {"outside": [org["people"]["important"].pk]}
    assert not Circulation.objects.exists()


def test_DOC_CIRC_SCOPE_readers_inside_the_scope_may_read(org, copy):
    circulation = started(org, copy, "insider", "leader")
    assert [s.reader.username for s in circulation.steps.all()] == ["insider", "leader"]


def test_DOC_CIRC_SINGLE_LINE_the_copy_comes_back_to_the_clerk_before_the_next_reader(org, copy):
    clerk = org["people"]["clerk"]
    circulation = started(org, copy)
    hand_to_reader(actor=clerk, circulation=circulation)
    with pytest.raises(policy.RuleViolation) as raised:
        hand_to_reader(actor=clerk, circulation=circulation)
    assert rule_ids(raised) == ["DOC.CIRC.SINGLE_LINE"]
    with translation.override("en"):
        assert "never pass it to each other" in raised.value.violations[0].message
    copy.refresh_from_db()
    assert copy.holder == org["people"]["insider"]
    assert circulation.steps.filter(state=CirculationStep.State.HANDED).count() == 1


def test_DOC_CIRC_SINGLE_LINE_allowed_once_the_clerk_has_it_back(org, copy):
    clerk = org["people"]["clerk"]
    circulation = started(org, copy)
    hand_to_reader(actor=clerk, circulation=circulation)
    take_back(actor=clerk, circulation=circulation)
    assert hand_to_reader(actor=clerk, circulation=circulation).position == 2


def test_a_reader_cannot_hand_the_copy_on(org, copy):
    circulation = started(org, copy)
    hand_to_reader(actor=org["people"]["clerk"], circulation=circulation)
    with pytest.raises(policy.RuleViolation) as raised:
        hand_to_reader(actor=org["people"]["insider"], circulation=circulation)
    assert "ACC.ROLE" in rule_ids(raised)


def test_DOC_CIRC_IN_PERSON_no_one_signs_for_another_reader(org, copy):
    circulation = started(org, copy)
    step = hand_to_reader(actor=org["people"]["clerk"], circulation=circulation)
    for other in ("clerk", "reader2"):
        with pytest.raises(policy.RuleViolation) as raised:
            sign_for_copy(actor=org["people"][other], step=step)
        assert rule_ids(raised) == ["DOC.CIRC.IN_PERSON"]
    step.refresh_from_db()
    assert step.signed_at is None


def test_DOC_CIRC_IN_PERSON_the_reader_signs_in_person(org, copy):
    circulation = started(org, copy)
    step = hand_to_reader(actor=org["people"]["clerk"], circulation=circulation)
    assert sign_for_copy(actor=org["people"]["insider"], step=step).signed_at is not None
    with pytest.raises(ValidationError):
        sign_for_copy(actor=org["people"]["insider"], step=step)


def test_DOC_CIRC_DEADLINE_a_later_due_time_than_the_urgency_allows_is_refused(org, copy):
    circulation = started(org, copy)
    too_late = dt.datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI)
    with pytest.raises(policy.RuleViolation) as raised:
        hand_to_reader(actor=org["people"]["clerk"], circulation=circulation, due_at=too_late)
    assert rule_ids(raised) == ["DOC.CIRC.DEADLINE"]
    assert raised.value.violations[0].values["latest"] == "2026-11-25T18:00+08:00"
    copy.refresh_from_db()
    assert copy.state == Copy.State.IN_CABINET


def test_DOC_CIRC_DEADLINE_a_very_urgent_item_is_read_the_same_day(org):
    from tests.support.factories import register

    urgent = register(org, urgency=2).copies.get(copy_no=1)
    circulation = started(org, urgent)
    step = hand_to_reader(actor=org["people"]["clerk"], circulation=circulation)
    assert step.due_at == dt.datetime(2026, 11, 20, 18, 0, tzinfo=SHANGHAI)


def test_DOC_READ_SAME_DAY_a_top_secret_copy_is_back_the_same_evening(org):
    from tests.support.factories import register

    top = register(org, marking="绝密★30年", scope_departments=[], copies=1).copies.get()
    clerk, leader = org["people"]["clerk"], org["people"]["leader"]
    ScopeEntry.objects.create(document=top.document, person=leader)  # fixture: in scope
    circulation = start_circulation(actor=clerk, copy=top, readers=[leader])
    tomorrow = dt.datetime(2026, 11, 21, 10, 0, tzinfo=SHANGHAI)
    with pytest.raises(policy.RuleViolation) as raised:
        hand_to_reader(actor=clerk, circulation=circulation, due_at=tomorrow)
    assert "DOC.READ.SAME_DAY" in rule_ids(raised)
    step = hand_to_reader(actor=clerk, circulation=circulation)
    assert step.due_at == dt.datetime(2026, 11, 20, 18, 0, tzinfo=SHANGHAI)


def test_overdue_readers_are_on_the_chase_list_and_reminded_once_a_day(org, copy, clock_at):
    clerk, insider = org["people"]["clerk"], org["people"]["insider"]
    step = hand_to_reader(actor=clerk, circulation=started(org, copy))
    assert list(chase_list(clerk)) == []
    clock_at(MORNING + dt.timedelta(days=6))
    assert list(chase_list(clerk)) == [step]
    assert list(chase_list(org["people"]["important"])) == []  # outside the scope
    assert chase_overdue_readers() == 1
    recorded(
        "circulation.chased",
        step,
        actor=None,
        circulation=step.circulation_id,
        reader=insider.pk,
        due_at="2026-11-25T10:00+00:00",  # 18:00 in Beijing
    )
    assert chase_overdue_readers() == 0
    told = Notification.objects.filter(kind="circulation.overdue")
    assert {n.person for n in told} == {clerk, insider}
    clock_at(MORNING + dt.timedelta(days=7))
    assert chase_overdue_readers() == 1


def test_a_copy_reported_lost_during_circulation_is_neither_handed_on_nor_taken_back(org, copy):
    from baomi.flows.services import report_lost

    clerk, insider = org["people"]["clerk"], org["people"]["insider"]
    circulation = started(org, copy)
    hand_to_reader(actor=clerk, circulation=circulation)
    report_lost(actor=insider, copy=copy, circumstances="阅后找不到")
    with pytest.raises(ValidationError):
        take_back(actor=clerk, circulation=circulation)
    copy.refresh_from_db()
    assert copy.state == Copy.State.REPORTED_LOST and copy.holder == insider
