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
    sign_before_clerk,
    sign_for_copy,
    start_circulation,
    take_back,
)
from baomi.ledger.models import Copy, ScopeEntry
from tests.support import recorded, rule_ids
from tests.support.factories import PASSWORD

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
        deadline="2026-11-25T18:00+08:00",
    )
    # 机密, normal urgency: the whole circulation in five days, until closing time
    assert circulation.deadline == dt.datetime(2026, 11, 25, 18, 0, tzinfo=SHANGHAI)
    step = hand_to_reader(actor=clerk, circulation=circulation)
    copy.refresh_from_db()
    assert (copy.state, copy.holder, copy.cabinet) == (Copy.State.CIRCULATING, insider, None)
    # the first of two readers: a fair share of the five days, at closing time
    assert step.due_at == dt.datetime(2026, 11, 22, 18, 0, tzinfo=SHANGHAI)
    recorded(
        "copy.handed",
        copy,
        actor=clerk,
        state="circulating",
        holder=insider.pk,
        circulation=circulation.pk,
        due_at="2026-11-22T18:00+08:00",
    )
    sign_for_copy(actor=insider, step=step)
    recorded(
        "circulation.signed",
        step,
        actor=insider,
        circulation=circulation.pk,
        reader=insider.pk,
        how="page",
    )
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


@pytest.mark.refuses("DOC.CIRC.SCOPE")
def test_DOC_CIRC_SCOPE_a_reader_outside_the_scope_is_refused_and_nothing_saved(org, copy):
    with pytest.raises(policy.RuleViolation) as raised:
        started(org, copy, "insider", "important")
    assert rule_ids(raised) == ["DOC.CIRC.SCOPE"]
    assert raised.value.violations[0].values == {"outside": [org["people"]["important"].pk]}
    assert not Circulation.objects.exists()


def test_DOC_CIRC_SCOPE_readers_inside_the_scope_may_read(org, copy):
    circulation = started(org, copy, "insider", "leader")
    assert [s.reader.username for s in circulation.steps.all()] == ["insider", "leader"]


@pytest.mark.refuses("DOC.CIRC.SINGLE_LINE")
def test_DOC_CIRC_SINGLE_LINE_the_copy_comes_back_to_the_clerk_before_the_next_reader(org, copy):
    clerk = org["people"]["clerk"]
    circulation = started(org, copy)
    step = hand_to_reader(actor=clerk, circulation=circulation)
    sign_for_copy(actor=step.reader, step=step)  # signed: only the single line refuses
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
    step = hand_to_reader(actor=clerk, circulation=circulation)
    sign_for_copy(actor=step.reader, step=step)
    take_back(actor=clerk, circulation=circulation)
    assert hand_to_reader(actor=clerk, circulation=circulation).position == 2


def test_a_reader_cannot_hand_the_copy_on(org, copy):
    circulation = started(org, copy)
    hand_to_reader(actor=org["people"]["clerk"], circulation=circulation)
    with pytest.raises(policy.RuleViolation) as raised:
        hand_to_reader(actor=org["people"]["insider"], circulation=circulation)
    assert "ACC.ROLE" in rule_ids(raised)


@pytest.mark.refuses("DOC.CIRC.IN_PERSON")
def test_DOC_CIRC_IN_PERSON_no_one_signs_for_another_reader(org, copy):
    circulation = started(org, copy)
    step = hand_to_reader(actor=org["people"]["clerk"], circulation=circulation)
    for other in ("clerk", "reader2"):
        with pytest.raises(policy.RuleViolation) as raised:
            sign_for_copy(actor=org["people"][other], step=step)
        assert rule_ids(raised) == ["DOC.CIRC.IN_PERSON"]
    step.refresh_from_db()
    assert step.signed_at is None
    assert not AuditEvent.objects.filter(action="circulation.signed").exists()


@pytest.mark.refuses("DOC.CIRC.IN_PERSON")
def test_DOC_CIRC_IN_PERSON_the_clerk_cannot_sign_without_the_readers_password(org, copy):
    clerk, insider = org["people"]["clerk"], org["people"]["insider"]
    circulation = started(org, copy)
    step = hand_to_reader(actor=clerk, circulation=circulation)
    for wrong in ("guessed-wrong", PASSWORD + " "):
        with pytest.raises(policy.RuleViolation) as raised:
            sign_before_clerk(actor=clerk, step=step, secret=wrong)
        assert rule_ids(raised) == ["DOC.CIRC.IN_PERSON"]
    step.refresh_from_db()
    assert step.signed_at is None
    # the attempts changed nothing but are on record; the secret typed is not
    refused = AuditEvent.objects.filter(action="circulation.signature_refused")
    assert refused.count() == 2
    event = recorded(
        "circulation.signature_refused",
        step,
        actor=clerk,
        circulation=circulation.pk,
        reader=insider.pk,
    )
    assert "guessed" not in json.dumps(event.body)
    with pytest.raises(ValidationError) as blank:
        sign_before_clerk(actor=clerk, step=step, secret="")
    assert "secret" in blank.value.message_dict
    # a reader who is not before the clerk cannot use the clerk's route either
    with pytest.raises(policy.RuleViolation) as raised:
        sign_before_clerk(actor=insider, step=step, secret=PASSWORD)
    assert "ACC.ROLE" in rule_ids(raised)


@pytest.mark.refuses("DOC.CIRC.IN_PERSON")
def test_DOC_CIRC_IN_PERSON_the_copy_neither_comes_back_nor_moves_on_unsigned(org, copy):
    clerk, insider = org["people"]["clerk"], org["people"]["insider"]
    circulation = started(org, copy)
    step = hand_to_reader(actor=clerk, circulation=circulation)
    with pytest.raises(policy.RuleViolation) as raised:
        take_back(actor=clerk, circulation=circulation)
    assert rule_ids(raised) == ["DOC.CIRC.IN_PERSON"]
    assert raised.value.violations[0].values == {"reader": insider.pk}
    with pytest.raises(policy.RuleViolation) as raised:
        hand_to_reader(actor=clerk, circulation=circulation)
    assert set(rule_ids(raised)) == {"DOC.CIRC.IN_PERSON", "DOC.CIRC.SINGLE_LINE"}
    step.refresh_from_db()
    copy.refresh_from_db()
    assert (step.state, copy.holder) == (CirculationStep.State.HANDED, insider)


def test_DOC_CIRC_IN_PERSON_the_reader_signs_in_person_on_the_page(org, copy):
    clerk, insider = org["people"]["clerk"], org["people"]["insider"]
    circulation = started(org, copy)
    step = hand_to_reader(actor=clerk, circulation=circulation)
    assert sign_for_copy(actor=insider, step=step).signed_at == MORNING
    recorded(
        "circulation.signed",
        step,
        actor=insider,
        circulation=circulation.pk,
        reader=insider.pk,
        how="page",
    )
    with pytest.raises(ValidationError):
        sign_for_copy(actor=insider, step=step)
    assert take_back(actor=clerk, circulation=circulation).state == CirculationStep.State.RETURNED


def test_DOC_CIRC_IN_PERSON_the_reader_signs_before_the_clerk_with_their_password(org, copy):
    clerk, insider = org["people"]["clerk"], org["people"]["insider"]
    circulation = started(org, copy)
    step = hand_to_reader(actor=clerk, circulation=circulation)
    signed = sign_before_clerk(actor=clerk, step=step, secret=PASSWORD)
    assert signed.signed_at == MORNING
    # who signed (the reader), how, and before whom (the clerk, the event's actor)
    recorded(
        "circulation.signed",
        step,
        actor=clerk,
        circulation=circulation.pk,
        reader=insider.pk,
        how="password",
    )
    assert take_back(actor=clerk, circulation=circulation).state == CirculationStep.State.RETURNED


def test_DOC_CIRC_IN_PERSON_the_reader_signs_before_the_clerk_with_a_one_time_code(org, copy):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    clerk, insider = org["people"]["clerk"], org["people"]["insider"]
    device = TOTPDevice.objects.create(user=insider, name="TOTP", confirmed=True)
    circulation = started(org, copy)
    step = hand_to_reader(actor=clerk, circulation=circulation)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    code = f"{totp.token():0{device.digits}d}"
    sign_before_clerk(actor=clerk, step=step, secret=code)
    recorded(
        "circulation.signed",
        step,
        actor=clerk,
        circulation=circulation.pk,
        reader=insider.pk,
        how="code",
    )


def _read_by_the_first(org, circulation, until):
    """The first reader has the copy until `until`, signs for it, and gives it back then."""
    clerk = org["people"]["clerk"]
    step = hand_to_reader(actor=clerk, circulation=circulation, due_at=until)
    sign_for_copy(actor=step.reader, step=step)
    return step


@pytest.mark.refuses("DOC.CIRC.DEADLINE")
def test_DOC_CIRC_DEADLINE_a_later_reader_gets_only_what_remains_of_the_whole_deadline(
    org, copy, clock_at
):
    clerk = org["people"]["clerk"]
    circulation = started(org, copy)
    _read_by_the_first(org, circulation, dt.datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI))
    clock_at(dt.datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI))
    take_back(actor=clerk, circulation=circulation)
    # five days from this hand-over would be allowed per reader, not for the whole circulation
    too_late = dt.datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI)
    with pytest.raises(policy.RuleViolation) as raised:
        hand_to_reader(actor=clerk, circulation=circulation, due_at=too_late)
    assert rule_ids(raised) == ["DOC.CIRC.DEADLINE"]
    violation = raised.value.violations[0]
    assert violation.values == {
        "due_at": "2026-11-26T09:00+08:00",
        "deadline": "2026-11-25T18:00+08:00",
    }
    assert violation.params["normal_days"] == 5
    with translation.override("en"):
        assert "must be done by 2026-11-25 18:00" in violation.message
    copy.refresh_from_db()
    assert (copy.state, copy.holder) == (Copy.State.CIRCULATING, clerk)
    assert not circulation.steps.filter(position=2).exclude(state="waiting").exists()


def test_DOC_CIRC_DEADLINE_the_last_reader_has_what_remains(org, copy, clock_at):
    clerk = org["people"]["clerk"]
    circulation = started(org, copy)
    _read_by_the_first(org, circulation, dt.datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI))
    clock_at(dt.datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI))
    take_back(actor=clerk, circulation=circulation)
    step = hand_to_reader(actor=clerk, circulation=circulation)
    assert (step.reader, step.due_at) == (
        org["people"]["reader2"],
        dt.datetime(2026, 11, 25, 18, 0, tzinfo=SHANGHAI),
    )


@pytest.mark.refuses("DOC.CIRC.DEADLINE")
def test_DOC_CIRC_DEADLINE_no_reader_is_handed_the_copy_after_the_whole_deadline(
    org, copy, clock_at
):
    clerk = org["people"]["clerk"]
    circulation = started(org, copy)
    _read_by_the_first(org, circulation, dt.datetime(2026, 11, 25, 17, 0, tzinfo=SHANGHAI))
    clock_at(dt.datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI))
    take_back(actor=clerk, circulation=circulation)
    with pytest.raises(policy.RuleViolation) as raised:
        hand_to_reader(actor=clerk, circulation=circulation)
    assert rule_ids(raised) == ["DOC.CIRC.DEADLINE"]
    assert raised.value.violations[0].values["deadline"] == "2026-11-25T18:00+08:00"
    assert circulation.steps.get(position=2).state == CirculationStep.State.WAITING


def test_DOC_CIRC_DEADLINE_a_very_urgent_item_is_read_the_same_day(org):
    from tests.support.factories import register

    urgent = register(org, urgency=2).copies.get(copy_no=1)
    circulation = started(org, urgent)
    assert circulation.deadline == dt.datetime(2026, 11, 20, 18, 0, tzinfo=SHANGHAI)
    step = hand_to_reader(actor=org["people"]["clerk"], circulation=circulation)
    assert step.due_at == dt.datetime(2026, 11, 20, 18, 0, tzinfo=SHANGHAI)


@pytest.mark.refuses("DOC.CIRC.DEADLINE")
def test_DOC_CIRC_DEADLINE_a_very_urgent_item_is_not_opened_after_closing_time(org, clock_at):
    from tests.support.factories import register

    urgent = register(org, urgency=2).copies.get(copy_no=1)
    clock_at(dt.datetime(2026, 11, 20, 19, 0, tzinfo=SHANGHAI))
    with pytest.raises(policy.RuleViolation) as raised:
        started(org, urgent)
    assert rule_ids(raised) == ["DOC.CIRC.DEADLINE"]
    assert raised.value.violations[0].values == {"deadline": "2026-11-20T18:00+08:00"}
    assert not Circulation.objects.exists()
    clock_at(dt.datetime(2026, 11, 21, 8, 30, tzinfo=SHANGHAI))  # the next morning: that day
    assert started(org, urgent).deadline == dt.datetime(2026, 11, 21, 18, 0, tzinfo=SHANGHAI)


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
        due_at="2026-11-22T10:00+00:00",  # 18:00 in Beijing
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
    step = hand_to_reader(actor=clerk, circulation=circulation)
    sign_for_copy(actor=insider, step=step)
    report_lost(actor=insider, copy=copy, circumstances="阅后找不到")
    with pytest.raises(ValidationError):
        take_back(actor=clerk, circulation=circulation)
    copy.refresh_from_db()
    assert copy.state == Copy.State.REPORTED_LOST and copy.holder == insider


def test_the_chase_list_puts_the_circulation_due_first_at_the_top(org, clock_at):
    from baomi.flows.views.workbench import workbench_lists

    clerk = org["people"]["clerk"]
    first, second = (org["document"].copies.get(copy_no=n) for n in (1, 2))
    early = started(org, first, "insider")  # due by 11-25
    kept_long = hand_to_reader(
        actor=clerk,
        circulation=early,
        due_at=dt.datetime(2026, 11, 23, 18, 0, tzinfo=SHANGHAI),
    )
    clock_at(MORNING + dt.timedelta(days=1))
    late = started(org, second, "reader2", "insider", "leader")  # due by 11-26
    kept_short = hand_to_reader(actor=clerk, circulation=late)  # a third of five days
    assert kept_short.due_at < kept_long.due_at
    clock_at(dt.datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI))
    assert list(chase_list(clerk)) == [kept_long, kept_short]
    assert list(workbench_lists(clerk)["readers"]) == [kept_long, kept_short]
