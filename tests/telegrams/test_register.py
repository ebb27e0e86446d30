"""Telegrams sent on their own and the telegram register (收发电报登记簿), alert notices the head
of the room takes charge of, and 缺岗 when an acknowledgement comes late."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError

from baomi import policy
from baomi.core.levels import Level, Urgency
from baomi.core.notices import Notification
from baomi.telegrams import services
from baomi.telegrams.models import DutyAbsence, Telegram
from tests.support import recorded, rule_ids
from tests.support.factories import receive_telegram

from .conftest import FRIDAY_NIGHT

pytestmark = pytest.mark.django_db


def _send(org, **kw):
    args = {
        "actor": org["people"]["clerk"],
        "number": "发〔2026〕7号",
        "traffic": "cipher",
        "urgency": Urgency.URGENT,
        "level": Level.SECRET,
        "correspondent": "省委办公厅",
        "subject": "关于值班安排的报告",
    }
    args.update(kw)
    return services.send_telegram(**args)


@pytest.mark.refuses("TEL.REGISTER")
def test_TEL_REGISTER_a_telegram_sent_on_its_own_and_no_secret_in_clear(org):
    clerk = org["people"]["clerk"]
    with pytest.raises(policy.RuleViolation) as raised:
        _send(org, traffic="plain")
    assert rule_ids(raised) == ["TEL.REGISTER"]
    assert raised.value.violations[0].failed.values["level"] == "机密"
    assert not Telegram.objects.exists()
    with pytest.raises(ValidationError) as invalid:
        _send(org, subject=" ")
    assert "subject" in invalid.value.message_dict
    sent = _send(org)
    assert (sent.direction, sent.in_reply_to, sent.document, sent.subject) == (
        Telegram.Direction.OUTGOING,
        None,
        None,
        "关于值班安排的报告",
    )
    recorded("telegram.sent", sent, actor=clerk, traffic="cipher", level=int(Level.SECRET))
    plain = _send(org, number="发〔2026〕8号", traffic="plain", level=Level.INTERNAL)
    assert plain.traffic == "plain"
    with pytest.raises(ValidationError) as invalid:  # a number is registered once
        _send(org)
    assert "number" in invalid.value.message_dict
    # the room's own register shows what it sent; someone outside the room does not see it
    assert set(services.visible_telegrams(org["people"]["clerk2"])) == {sent, plain}
    assert not services.visible_telegrams(org["people"]["general"]).exists()


@pytest.mark.refuses("TEL.REGISTER")
def test_TEL_REGISTER_a_reply_in_clear_carries_nothing_secret(org):
    original = receive_telegram(org, traffic="plain", marking="", cabinet=org["plain"])
    clerk = org["people"]["clerk"]
    with pytest.raises(policy.RuleViolation) as raised:
        services.reply_telegram(
            actor=clerk, original=original, number="复-1", traffic="plain", level=Level.SECRET
        )
    assert rule_ids(raised) == ["TEL.REGISTER"]
    assert not original.replies.exists()


def test_the_telegram_register_lists_received_and_sent_as_xlsx_and_pdf(org):
    from openpyxl import load_workbook

    clerk = org["people"]["clerk"]
    received = receive_telegram(org)
    services.reply_telegram(
        actor=clerk, original=received, number="复-1", traffic="cipher", level=Level.SECRET
    )
    _send(org)
    data = services.export_telegram_register(actor=clerk, fmt="xlsx")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "收发电报登记簿"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("收发时间", "收/发", "电报号")
    assert [(r[1], r[2], r[8]) for r in rows[1:]] == [
        ("收", "2026-001", "关于做好岁末年初安全工作的通知"),
        ("发", "复-1", "复 2026-001"),
        ("发", "发〔2026〕7号", "关于值班安排的报告"),
    ]
    assert rows[1][12] == "复-1" and rows[1][0] == "2026年11月20日 23:50"
    recorded("register.exported", actor=clerk, register="telegrams", telegrams=3, format="xlsx")
    pdf = services.export_telegram_register(actor=clerk, fmt="pdf")
    assert pdf.startswith(b"%PDF")
    with pytest.raises(policy.RuleViolation):
        services.export_telegram_register(actor=org["people"]["general"], fmt="xlsx")


def test_the_register_is_downloaded_from_the_desk(client, org):
    receive_telegram(org)
    client.force_login(org["people"]["clerk"])
    page = client.get("/telegrams/").content.decode()
    assert "/telegrams/register.xlsx" in page and "/telegrams/register.pdf" in page
    answer = client.get("/telegrams/register.pdf")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert client.get("/telegrams/register.doc").status_code == 404
    client.force_login(org["people"]["general"])
    assert client.get("/telegrams/register.xlsx").status_code == 403


@pytest.mark.refuses("TEL.ESCALATE")
def test_TEL_ESCALATE_the_head_takes_charge_of_an_alert_before_any_other_step(org, at):
    clerk, head, clerk2 = (org["people"][n] for n in ("clerk", "head", "clerk2"))
    alert = receive_telegram(org, "预-1", kind=Telegram.Kind.ALERT)
    assert alert.escalated_to == head  # an alert notice goes to the head, whatever its urgency
    assert Notification.objects.filter(person=head, kind="telegram.reported").exists()
    with pytest.raises(policy.RuleViolation) as raised:
        services.acknowledge_telegram(actor=clerk, telegram=alert)
    assert rule_ids(raised) == ["TEL.ESCALATE"]
    with pytest.raises(policy.RuleViolation) as raised:
        services.complete_telegram(actor=clerk, telegram=alert, outcome="已办")
    assert rule_ids(raised) == ["TEL.ESCALATE"]
    with pytest.raises(policy.RuleViolation) as raised:  # no one else takes charge
        services.take_charge_of_telegram(actor=clerk2, telegram=alert)
    assert rule_ids(raised) == ["TEL.ESCALATE"]
    assert Telegram.objects.get(pk=alert.pk).acked_at is None
    at(FRIDAY_NIGHT + dt.timedelta(minutes=3))
    taken = services.take_charge_of_telegram(actor=head, telegram=alert)
    assert (taken.in_charge_by, taken.in_charge_at) == (
        head,
        FRIDAY_NIGHT + dt.timedelta(minutes=3),
    )
    assert taken.head_seen_at == taken.in_charge_at
    recorded("telegram.taken_charge_of", alert, actor=head)
    with pytest.raises(ValidationError):
        services.take_charge_of_telegram(actor=head, telegram=alert)
    services.acknowledge_telegram(actor=clerk, telegram=alert)
    assert services.complete_telegram(actor=clerk, telegram=alert, outcome="已部署").done_at
    ordinary = receive_telegram(org, "O-1")
    with pytest.raises(policy.RuleViolation) as raised:
        services.take_charge_of_telegram(actor=head, telegram=ordinary)
    assert rule_ids(raised) == ["TEL.ESCALATE"]


def test_the_head_takes_charge_on_the_desk(client, org):
    alert = receive_telegram(org, "预-1", kind=Telegram.Kind.ALERT)
    client.force_login(org["people"]["head"])
    page = client.get("/telegrams/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"/telegrams/{alert.pk}/take-charge/" in page
    client.post(f"/telegrams/{alert.pk}/take-charge/")
    assert Telegram.objects.get(pk=alert.pk).in_charge_by == org["people"]["head"]
    client.force_login(org["people"]["clerk"])
    refused = client.post("/telegrams/receive/", {"kind": "bogus"}, follow=True)
    assert refused.status_code == 200
    assert Telegram.objects.count() == 1


@pytest.mark.applied("TEL.RECEIPT")
def test_TEL_RECEIPT_a_late_acknowledgement_records_an_absence_from_post(org, at):
    clerk, clerk2, head = (org["people"][n] for n in ("clerk", "clerk2", "head"))
    services.assign_duty(actor=clerk, day=dt.date(2026, 11, 20), primary=clerk, secondary=clerk2)
    on_time = receive_telegram(org, "T-1")
    late = receive_telegram(org, "T-2")
    at(FRIDAY_NIGHT + dt.timedelta(minutes=15))
    services.acknowledge_telegram(actor=clerk, telegram=on_time)  # at the minute: in time
    assert not DutyAbsence.objects.exists()
    recorded("telegram.acknowledged", on_time, actor=clerk, late=False, absent=[])
    at(FRIDAY_NIGHT + dt.timedelta(minutes=16))  # past midnight: still Friday's duty day
    services.acknowledge_telegram(actor=clerk2, telegram=late)
    absences = list(DutyAbsence.objects.order_by("person_id"))
    assert [(a.person, a.telegram, a.day) for a in absences] == [
        (clerk, late, dt.date(2026, 11, 20)),
        (clerk2, late, dt.date(2026, 11, 20)),
    ]
    assert absences[0].ack_due_at == FRIDAY_NIGHT + dt.timedelta(minutes=15)
    recorded("telegram.acknowledged", late, actor=clerk2, late=True, absent=[clerk.pk, clerk2.pk])
    told = Notification.objects.get(person=head, kind="duty.absent_from_post")
    assert told.data == {"on_duty": [clerk.pk, clerk2.pk], "late_minutes": 1}
    assert list(services.absences_from_post(head)) == sorted(absences, key=lambda a: -a.pk)
    # someone outside the room, not on duty then, knows of none of them
    assert list(services.absences_from_post(org["people"]["insider"])) == []


def test_the_head_reads_the_absences_on_the_duty_record(client, org, at):
    clerk, clerk2 = org["people"]["clerk"], org["people"]["clerk2"]
    services.assign_duty(actor=clerk, day=dt.date(2026, 11, 20), primary=clerk, secondary=clerk2)
    telegram = receive_telegram(org, "T-9")
    at(FRIDAY_NIGHT + dt.timedelta(minutes=40))
    services.acknowledge_telegram(actor=clerk, telegram=telegram)
    client.force_login(org["people"]["head"])
    text = client.get("/telegrams/record/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Absences from post" in text and "T-9" in text and str(clerk2) in text
