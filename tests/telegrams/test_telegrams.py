"""The telegram desk and the duty roster: clocks across midnight and a weekend, escalation,
acknowledgement, 明来明复/密来密复, the roster and shift handover."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from baomi import policy
from baomi.core.levels import Urgency
from baomi.core.notices import Notification
from baomi.ledger.models import Copy
from baomi.policy.services import set_parameter
from baomi.telegrams import services
from baomi.telegrams.models import Telegram
from tests.support import recorded, rule_ids
from tests.support.factories import receive_telegram

from .conftest import FRIDAY_NIGHT, SHANGHAI

pytestmark = pytest.mark.django_db


def test_a_received_telegram_is_a_ledger_document_with_its_copy_in_the_cabinet(org):
    telegram = receive_telegram(org)
    assert telegram.document.doc_number == "2026-001"
    assert telegram.document.copies.get().state == Copy.State.IN_CABINET
    assert telegram.ack_due_at == FRIDAY_NIGHT + dt.timedelta(minutes=15)
    recorded(
        "telegram.received",
        telegram,
        actor=org["people"]["clerk"],
        document=telegram.document_id,
        traffic="cipher",
        urgency=int(Urgency.NORMAL),
        important=False,
        reported_to=None,
    )


@pytest.mark.applied("TEL.DEADLINE")
def test_TEL_DEADLINE_calendar_days_across_midnight_and_the_weekend(org):
    normal = receive_telegram(org, "N-1", Urgency.NORMAL)
    urgent = receive_telegram(org, "U-1", Urgency.URGENT)
    very = receive_telegram(org, "V-1", Urgency.VERY_URGENT)
    flash = receive_telegram(org, "F-1", Urgency.FLASH)
    # Friday 23:50 + 3 days is Monday 23:50: Saturday and Sunday count
    assert normal.due_at == dt.datetime(2026, 11, 23, 23, 50, tzinfo=SHANGHAI)
    assert urgent.due_at == dt.datetime(2026, 11, 22, 23, 50, tzinfo=SHANGHAI)
    assert very.due_at == dt.datetime(2026, 11, 21, 23, 50, tzinfo=SHANGHAI)
    assert flash.due_at == FRIDAY_NIGHT  # at once


@pytest.mark.refuses("TEL.DEADLINE")
def test_TEL_DEADLINE_a_later_due_time_than_the_urgency_allows_is_refused(org):
    with pytest.raises(policy.RuleViolation) as raised:
        receive_telegram(org, urgency=Urgency.URGENT, due_at=FRIDAY_NIGHT + dt.timedelta(days=3))
    assert rule_ids(raised) == ["TEL.DEADLINE"]
    assert not Telegram.objects.exists() and not Copy.objects.exists()
    telegram = receive_telegram(
        org, urgency=Urgency.URGENT, due_at=FRIDAY_NIGHT + dt.timedelta(days=1)
    )
    assert telegram.due_at == FRIDAY_NIGHT + dt.timedelta(days=1)


@pytest.mark.refuses("TEL.RECEIPT")
def test_TEL_RECEIPT_no_completion_before_the_acknowledgement_and_a_late_one_is_recorded(org, at):
    from baomi.audit.models import AuditEvent

    telegram = receive_telegram(org)
    with pytest.raises(policy.RuleViolation) as raised:
        services.complete_telegram(actor=org["people"]["clerk"], telegram=telegram, outcome="已办")
    assert rule_ids(raised) == ["TEL.RECEIPT"]
    at(FRIDAY_NIGHT + dt.timedelta(minutes=16))  # past midnight and past the 15 minutes
    services.acknowledge_telegram(actor=org["people"]["clerk"], telegram=telegram)
    assert AuditEvent.objects.filter(action="telegram.acknowledged").count() == 1
    recorded("telegram.acknowledged", telegram, actor=org["people"]["clerk"], late=True)
    done = services.complete_telegram(
        actor=org["people"]["clerk"], telegram=telegram, outcome="已转办"
    )
    assert done.done_at is not None
    recorded("telegram.completed", telegram, actor=org["people"]["clerk"], late=False)


@pytest.mark.refuses("TEL.ESCALATE")
def test_TEL_ESCALATE_very_urgent_and_important_telegrams_wait_for_the_head(org):
    head = org["people"]["head"]
    very = receive_telegram(org, "V-1", Urgency.VERY_URGENT)
    important = receive_telegram(org, "I-1", Urgency.NORMAL, important=True)
    normal = receive_telegram(org, "N-1", Urgency.URGENT)
    assert (very.escalated_to, important.escalated_to, normal.escalated_to) == (head, head, None)
    assert Notification.objects.filter(person=head, kind="telegram.reported").count() == 2
    clerk = org["people"]["clerk"]
    for t in (very, normal):
        services.acknowledge_telegram(actor=clerk, telegram=t)
    with pytest.raises(policy.RuleViolation) as raised:
        services.complete_telegram(actor=clerk, telegram=very, outcome="已办")
    assert rule_ids(raised) == ["TEL.ESCALATE"]
    with pytest.raises(policy.RuleViolation) as raised:
        services.head_has_seen(actor=clerk, telegram=very)
    assert rule_ids(raised) == ["TEL.ESCALATE"]
    services.head_has_seen(actor=head, telegram=very)
    recorded("telegram.seen_by_head", very, actor=head)
    services.complete_telegram(actor=clerk, telegram=very, outcome="已报告并办结")
    services.complete_telegram(actor=clerk, telegram=normal, outcome="已办")


@pytest.mark.refuses("DOC.TRANSFER.SYMMETRY")
def test_DOC_TRANSFER_SYMMETRY_a_cipher_telegram_is_never_answered_in_clear(org):
    original = receive_telegram(org)
    clerk = org["people"]["clerk"]
    with pytest.raises(policy.RuleViolation) as raised:
        services.reply_telegram(
            actor=clerk, original=original, number="R-1", traffic="plain", level=original.level
        )
    assert rule_ids(raised) == ["DOC.TRANSFER.SYMMETRY"]
    with pytest.raises(policy.RuleViolation):
        services.reply_telegram(
            actor=clerk, original=original, number="R-1", traffic="cipher", level=1
        )
    reply = services.reply_telegram(
        actor=clerk, original=original, number="R-1", traffic="cipher", level=original.level
    )
    assert reply.in_reply_to == original and reply.direction == "outgoing"
    recorded("telegram.sent", reply, actor=clerk, in_reply_to=original.pk, traffic="cipher")


@pytest.mark.refuses("DUTY.ROSTER")
def test_DUTY_ROSTER_each_day_has_two_different_people_on_duty(org):
    clerk, clerk2 = org["people"]["clerk"], org["people"]["clerk2"]
    day = dt.date(2026, 11, 20)
    with pytest.raises(policy.RuleViolation) as raised:
        services.assign_duty(actor=clerk, day=day, primary=clerk, secondary=clerk)
    assert rule_ids(raised) == ["DUTY.ROSTER"]
    with pytest.raises(policy.RuleViolation):
        services.assign_duty(actor=clerk, day=day, primary=clerk, secondary=None)
    services.assign_duty(actor=clerk, day=day, primary=clerk, secondary=clerk2)
    recorded("duty.assigned", actor=clerk, day="2026-11-20", primary=clerk.pk, secondary=clerk2.pk)
    # Friday 23:50 falls in Friday's duty day, which runs to Saturday 08:30
    assert [s.person for s in services.on_duty()] == [clerk, clerk2]
    assert services.on_duty(dt.datetime(2026, 11, 21, 8, 31, tzinfo=SHANGHAI)) == []


@pytest.mark.applied("DUTY.ROSTER")
def test_DUTY_ROSTER_hours_set_how_long_a_duty_day_is_staffed(org, security_admin):
    clerk, clerk2 = org["people"]["clerk"], org["people"]["clerk2"]
    set_parameter(
        actor=security_admin, rule_id="DUTY.ROSTER", name="hours", value=12, reason="白天值守"
    )
    shifts = services.assign_duty(
        actor=clerk, day=dt.date(2026, 11, 20), primary=clerk, secondary=clerk2
    )
    assert {(s.starts_at, s.ends_at) for s in shifts} == {
        (
            dt.datetime(2026, 11, 20, 8, 30, tzinfo=SHANGHAI),
            dt.datetime(2026, 11, 20, 20, 30, tzinfo=SHANGHAI),
        )
    }
    assert len(services.on_duty(dt.datetime(2026, 11, 20, 20, 29, tzinfo=SHANGHAI))) == 2
    assert services.on_duty(dt.datetime(2026, 11, 20, 20, 30, tzinfo=SHANGHAI)) == []


@pytest.mark.refuses("DUTY.ROSTER")
def test_the_duty_board_and_the_warnings_show_exactly_the_overdue_clocks(org, at):
    clerk, clerk2 = org["people"]["clerk"], org["people"]["clerk2"]
    services.assign_duty(actor=clerk, day=dt.date(2026, 11, 20), primary=clerk, secondary=clerk2)
    services.assign_duty(actor=clerk, day=dt.date(2026, 11, 21), primary=clerk2, secondary=clerk)
    acked = receive_telegram(org, "A-1", Urgency.URGENT)  # due Sunday 23:50
    services.acknowledge_telegram(actor=clerk, telegram=acked)
    receive_telegram(org, "S-1", Urgency.NORMAL)  # acknowledgement due 00:05, done Monday
    at(dt.datetime(2026, 11, 21, 0, 10, tzinfo=SHANGHAI))  # Saturday, just past midnight
    board = services.duty_board()
    assert [(c.telegram.number, c.kind, c.overdue) for c in board] == [
        ("S-1", "ack", True),
        ("A-1", "due", False),
        ("S-1", "due", False),
    ]
    assert services.warn_running_clocks() == 1
    assert services.warn_running_clocks() == 0  # once per clock
    assert Notification.objects.filter(kind="telegram.ack_late").count() == 2  # both on duty
    at(dt.datetime(2026, 11, 23, 0, 0, tzinfo=SHANGHAI))  # Monday: Sunday's deadline passed
    overdue = [(c.telegram.number, c.kind) for c in services.duty_board() if c.overdue]
    assert overdue == [("S-1", "ack"), ("A-1", "due")]
    handover = services.hand_over_duty(actor=clerk, taken_by=clerk2)
    assert [(i["number"], i["clock"], i["overdue"]) for i in handover.items] == [
        ("S-1", "ack", True),
        ("A-1", "due", True),
        ("S-1", "due", False),
    ]
    recorded("duty.handover_opened", handover, actor=clerk, taken_by=clerk2.pk, items=3)
    services.sign_duty_handover(actor=clerk, handover=handover)
    recorded("duty.handover_signed", handover, actor=clerk)
    with pytest.raises(ValidationError):  # once each
        services.sign_duty_handover(actor=clerk, handover=handover)
    with pytest.raises(policy.RuleViolation) as raised:  # only the two officers
        services.sign_duty_handover(actor=org["people"]["head"], handover=handover)
    assert rule_ids(raised) == ["DUTY.ROSTER"]
    signed = services.sign_duty_handover(actor=clerk2, handover=handover)
    assert signed.handed_signed_at and signed.taken_signed_at
    recorded("duty.handover_signed", handover, actor=clerk2)


def test_a_cipher_telegram_comes_back_the_same_day_and_is_destroyed_on_site(org):
    from baomi.flows.rules import latest_return
    from baomi.flows.services import destroy_batch, lend_copy, list_for_destruction

    clerk = org["people"]["clerk"]
    cipher = receive_telegram(
        org, "C-1"
    )  # 机密: a document of that level alone would stay for days
    plain = receive_telegram(org, "P-1", traffic="plain", marking="机密★1年")
    assert latest_return(cipher.document) < latest_return(plain.document)
    with pytest.raises(policy.RuleViolation) as raised:
        lend_copy(
            actor=clerk,
            copy=cipher.document.copies.get(),
            borrower=org["people"]["head"],
            due_at=latest_return(plain.document),
        )
    # refused for the due time, whatever else (the office head's approval) the loan lacks
    assert "DOC.READ.SAME_DAY" in rule_ids(raised)
    batch = list_for_destruction(actor=clerk, copies=[cipher.document.copies.get()])
    with pytest.raises(policy.RuleViolation) as raised:
        destroy_batch(
            actor=clerk,
            batch=batch,
            method="粉碎",
            place="销毁中心",
            escort=org["people"]["clerk2"],
            supervisors=[org["people"]["head"], org["people"]["important"]],
        )
    assert "DOC.DESTROY" in rule_ids(raised)
    assert raised.value.violations[0].values["cipher_telegrams"] is True


@pytest.mark.applied("TEL.ESCALATE")
def test_TEL_ESCALATE_only_a_head_cleared_for_the_level_is_reported_to(org):
    from baomi.core.levels import Tier
    from baomi.people.models import Person, Post
    from tests.support.factories import person

    head = org["people"]["head"]
    Person.objects.filter(pk=head.pk).update(tier=Tier.IMPORTANT)  # up to 机密
    head.refresh_from_db()
    deputy = person("deputy", head.department, posts=(Post.LEADER,), tier=Tier.CORE)
    flash = receive_telegram(org, "F-1", Urgency.FLASH, marking="绝密★10年")
    secret = receive_telegram(org, "F-2", Urgency.FLASH, marking="机密★1年")
    assert (flash.escalated_to, secret.escalated_to) == (deputy, head)
    assert list(services.visible_telegrams(head).filter(escalated_to=head)) == [secret]
    assert not services.visible_telegrams(head).filter(pk=flash.pk).exists()
    assert list(
        Notification.objects.filter(kind="telegram.reported")
        .values_list("person", flat=True)
        .order_by("pk")
    ) == [deputy.pk, head.pk]


@pytest.mark.applied("TEL.ESCALATE")
def test_TEL_ESCALATE_no_cleared_head_is_like_no_head(org):
    from baomi.core.levels import Tier
    from baomi.people.models import Person

    head = org["people"]["head"]
    Person.objects.filter(pk=head.pk).update(tier=Tier.GENERAL)  # up to 秘密
    telegram = receive_telegram(org, "F-3", Urgency.FLASH, marking="绝密★10年")
    assert telegram.escalated_to is None and telegram.escalated_at is None
    assert not Notification.objects.filter(kind="telegram.reported").exists()
    assert not telegram.document.scope.filter(person=head).exists()


@pytest.mark.refuses("TEL.ESCALATE")
def test_TEL_ESCALATE_with_no_cleared_head_the_clerk_reports_to_a_leader_who_is(org, at):
    from baomi.audit.models import AuditEvent
    from baomi.core.levels import Tier
    from baomi.people.models import Person, Post
    from tests.support.factories import person

    head, clerk = org["people"]["head"], org["people"]["clerk"]
    Person.objects.filter(pk=head.pk).update(tier=Tier.GENERAL)  # up to 秘密
    head.refresh_from_db()
    telegram = receive_telegram(org, "F-4", Urgency.FLASH, marking="绝密★10年")
    services.acknowledge_telegram(actor=clerk, telegram=telegram)
    with pytest.raises(policy.RuleViolation) as raised:
        services.complete_telegram(actor=clerk, telegram=telegram, outcome="已办")
    assert rule_ids(raised) == ["TEL.ESCALATE"]
    assert raised.value.violations[0].failed.values["head"] is None  # no one to see it yet
    assert services.reportable([telegram]) == {telegram.pk}

    at(FRIDAY_NIGHT + dt.timedelta(minutes=7))
    with pytest.raises(policy.RuleViolation) as raised:  # the room's head is not cleared
        services.report_telegram(actor=clerk, telegram=telegram, leader=head)
    assert rule_ids(raised) == ["ACC.CLEARANCE"]
    with pytest.raises(ValidationError) as invalid:
        services.report_telegram(actor=clerk, telegram=telegram, leader=org["people"]["insider"])
    assert "leader" in invalid.value.message_dict
    telegram.refresh_from_db()
    assert telegram.escalated_to is None
    assert not AuditEvent.objects.filter(action="telegram.reported").exists()

    chief = person("chief", org["units"]["planning"], posts=(Post.LEADER,), tier=Tier.CORE)
    telegram = services.report_telegram(actor=clerk, telegram=telegram, leader=chief)
    assert telegram.escalated_to == chief
    assert telegram.escalated_at == FRIDAY_NIGHT + dt.timedelta(minutes=7)
    assert telegram.document.scope.filter(person=chief).exists()
    assert Notification.objects.filter(person=chief, kind="telegram.reported").exists()
    event = AuditEvent.objects.filter(action="telegram.reported").get()
    assert event.actor_id == str(clerk.pk) and event.object_id == str(telegram.pk)
    assert event.event["data"] == {"leader": chief.pk}
    assert list(services.visible_telegrams(chief).filter(escalated_to=chief)) == [telegram]

    with pytest.raises(policy.RuleViolation):
        services.complete_telegram(actor=clerk, telegram=telegram, outcome="已办")
    telegram = services.head_has_seen(actor=chief, telegram=telegram)
    assert services.reportable([telegram]) == set()
    with pytest.raises(ValidationError):  # seen already: nothing more to report
        services.report_telegram(actor=clerk, telegram=telegram, leader=head)
    services.complete_telegram(actor=clerk, telegram=telegram, outcome="已报告并办结")


def test_only_an_open_telegram_that_must_be_reported_is_reported(org):
    clerk, head = org["people"]["clerk"], org["people"]["head"]
    normal = receive_telegram(org, "N-9", Urgency.URGENT)
    with pytest.raises(ValidationError):  # not one that is reported
        services.report_telegram(actor=clerk, telegram=normal, leader=head)
    very = receive_telegram(org, "V-9", Urgency.VERY_URGENT)
    with pytest.raises(policy.RuleViolation) as raised:
        services.report_telegram(actor=org["people"]["insider"], telegram=very, leader=head)
    assert rule_ids(raised) == ["ACC.ROLE"]
    assert services.reportable([normal, very]) == {very.pk}


@pytest.mark.usefixtures("steady_policy")
def test_a_second_tick_writes_nothing_and_warns_no_one_again(org, at):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clerk, clerk2 = org["people"]["clerk"], org["people"]["clerk2"]
    services.assign_duty(actor=clerk, day=dt.date(2026, 11, 20), primary=clerk, secondary=clerk2)
    receive_telegram(org, "S-1", Urgency.NORMAL)  # acknowledgement due 00:05
    at(dt.datetime(2026, 11, 21, 0, 10, tzinfo=SHANGHAI))
    assert services.warn_running_clocks() == 1
    warned = Notification.objects.count()
    with CaptureQueriesContext(connection) as queries:
        assert services.warn_running_clocks() == 0
    updates = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    assert not [sql for sql in updates if Telegram._meta.db_table in sql]
    assert Notification.objects.count() == warned
    assert Telegram.objects.get(number="S-1").warned == ["ack_late"]
