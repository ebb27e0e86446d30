"""The duty desk page: register, acknowledge, complete, reply, roster and handover by form."""

from __future__ import annotations

import pytest

from baomi.telegrams.models import DutyHandover, DutyShift, Telegram
from tests.support.factories import receive_telegram

pytestmark = pytest.mark.django_db


def test_a_telegram_through_the_duty_desk(client, org):
    clerk = org["people"]["clerk"]
    client.force_login(clerk)
    client.post(
        "/telegrams/roster/", {"day": "2026-11-20", "primary": "clerk", "secondary": "clerk2"}
    )
    assert DutyShift.objects.count() == 2
    client.post(
        "/telegrams/receive/",
        {
            "number": "2026-007",
            "traffic": "cipher",
            "urgency": "0",
            "correspondent": "省委办公厅",
            "subject": "通知",
            "marking": "秘密★6个月",
            "cabinet": org["cabinet"].pk,
        },
    )
    telegram = Telegram.objects.get()
    page = client.get("/telegrams/").content.decode()
    assert "2026-007" in page and f"/telegrams/{telegram.pk}/acknowledge/" in page
    client.post(f"/telegrams/{telegram.pk}/acknowledge/")
    client.post(f"/telegrams/{telegram.pk}/complete/", {"outcome": "已转综合规划科办理"})
    client.post(f"/telegrams/{telegram.pk}/reply/", {"number": "R-7", "traffic": "plain"})
    telegram.refresh_from_db()
    assert telegram.done_at is not None and not telegram.replies.exists()  # plain reply refused
    client.post(f"/telegrams/{telegram.pk}/reply/", {"number": "R-7", "traffic": "cipher"})
    assert telegram.replies.get().number == "R-7"
    client.post("/telegrams/handover/", {"taken_by": "clerk2"})
    handover = DutyHandover.objects.get()
    client.post(f"/telegrams/handover/{handover.pk}/sign/")
    handover.refresh_from_db()
    assert handover.handed_signed_at is not None and handover.taken_signed_at is None


def test_the_duty_desk_is_the_confidential_rooms(client, org):
    client.force_login(org["people"]["general"])
    assert client.get("/telegrams/").status_code == 403


def test_the_head_marks_a_reported_telegram_seen_on_the_desk(client, org):
    telegram = receive_telegram(org, "V-9", urgency=2, subject="特急通知")
    client.force_login(org["people"]["head"])
    page = client.get("/telegrams/").content.decode()
    assert "V-9" in page and "/telegrams/receive/" not in page  # the head's part only
    client.post(f"/telegrams/{telegram.pk}/seen/")
    telegram.refresh_from_db()
    assert telegram.head_seen_at is not None


def test_a_telegram_no_head_is_cleared_for_is_reported_to_a_leader_from_the_desk(client, org):
    from baomi.core.levels import Tier
    from baomi.people.models import Person, Post
    from tests.support.factories import person

    Person.objects.filter(pk=org["people"]["head"].pk).update(tier=Tier.GENERAL)
    telegram = receive_telegram(org, "F-7", urgency=3, subject="特提", marking="绝密★10年")
    chief = person("chief", org["units"]["planning"], posts=(Post.LEADER,), tier=Tier.CORE)
    client.force_login(org["people"]["clerk"])
    page = client.get("/telegrams/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "no head cleared for it" in page and f"/telegrams/{telegram.pk}/report/" in page
    refused = client.post(
        f"/telegrams/{telegram.pk}/report/",
        {"leader": "nobody"},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert "No member of staff is called nobody" in refused.content.decode()
    client.post(f"/telegrams/{telegram.pk}/report/", {"leader": "chief"})
    telegram.refresh_from_db()
    assert telegram.escalated_to == chief
    page = client.get("/telegrams/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "no head cleared for it" not in page and f"awaiting {chief}" in page


def test_the_head_reads_the_report_on_the_dashboard(client, org):
    receive_telegram(org, "F-1", urgency=3, subject="特提")
    client.force_login(org["people"]["head"])
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "A telegram was reported to you" in page and "/telegrams/" in page


def test_a_clerk_of_another_department_sees_none_of_the_rooms_telegrams(client, org):
    from baomi.core.levels import Tier
    from baomi.people.models import Post
    from baomi.telegrams.services import duty_board
    from tests.support.factories import person

    receive_telegram(org, "S-3", urgency=0, subject="通知", marking="秘密★6个月")
    other = person(
        "finance_clerk", org["people"]["general"].department, posts=(Post.CLERK,), tier=Tier.CORE
    )
    assert duty_board(other) == [] and len(duty_board(org["people"]["clerk"])) == 2
    client.force_login(other)
    assert "S-3" not in client.get("/telegrams/").content.decode()


def test_a_plain_telegram_goes_into_an_ordinary_cabinet_from_the_desk(client, org):
    client.force_login(org["people"]["clerk"])
    page = client.get("/telegrams/").content.decode()
    assert f'value="{org["plain"].pk}"' in page
    client.post(
        "/telegrams/receive/",
        {
            "number": "M-1",
            "traffic": "plain",
            "urgency": "0",
            "correspondent": "市政府办公厅",
            "subject": "会议通知",
            "cabinet": org["plain"].pk,
        },
    )
    telegram = Telegram.objects.get(number="M-1")
    assert telegram.document.copies.get().cabinet == org["plain"]


def test_a_clerk_of_another_department_cannot_act_on_the_rooms_telegram(client, org):
    from baomi.audit.models import AuditEvent
    from baomi.core.levels import Tier
    from baomi.people.models import Post
    from tests.support.factories import person

    telegram = receive_telegram(org, "S-4", urgency=0, subject="通知", marking="秘密★6个月")
    other = person(
        "finance_clerk", org["people"]["general"].department, posts=(Post.CLERK,), tier=Tier.CORE
    )
    events = AuditEvent.objects.count()
    client.force_login(other)
    for action, data in (
        ("acknowledge", {}),
        ("seen", {}),
        ("complete", {"outcome": "已办"}),
        ("reply", {"number": "R-4", "traffic": "cipher"}),
        ("report", {"leader": "head"}),
    ):
        assert client.post(f"/telegrams/{telegram.pk}/{action}/", data).status_code == 404
    after = Telegram.objects.get(pk=telegram.pk)
    assert (after.acked_at, after.head_seen_at, after.done_at) == (None, None, None)
    assert not after.replies.exists() and AuditEvent.objects.count() == events


def test_the_head_reads_the_duty_record_and_others_do_not(client, org, at):
    import datetime as dt

    from baomi.people.models import Post
    from baomi.telegrams import services
    from tests.support.factories import person

    from .conftest import SHANGHAI

    clerk, clerk2 = org["people"]["clerk"], org["people"]["clerk2"]
    clerk3 = person("clerk3", clerk.department, posts=(Post.CLERK,), tier=clerk.tier)
    services.assign_duty(actor=clerk, day=dt.date(2026, 11, 20), primary=clerk, secondary=clerk2)
    services.assign_duty(actor=clerk, day=dt.date(2026, 11, 21), primary=clerk3, secondary=clerk2)
    at(dt.datetime(2026, 11, 21, 8, 40, tzinfo=SHANGHAI))
    client.force_login(clerk3)
    page = client.get("/telegrams/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "/telegrams/takeover/" in page and "Shifts nobody holds" in page
    refused = client.post(
        "/telegrams/receive/",
        {
            "number": "S-9",
            "traffic": "plain",
            "urgency": "0",
            "correspondent": "市委",
            "subject": "通知",
            "cabinet": org["plain"].pk,
        },
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert "Your shift has not taken over the desk" in refused.content.decode()
    assert not Telegram.objects.exists()
    client.post("/telegrams/takeover/", {"reason": "交班人员未到岗"})
    assert "/telegrams/takeover/" not in client.get("/telegrams/").content.decode()

    client.force_login(org["people"]["head"])
    record = client.get("/telegrams/record/", HTTP_ACCEPT_LANGUAGE="en")
    assert record.status_code == 200
    text = record.content.decode()
    assert "交班人员未到岗" in text and str(clerk3) in text
    assert "2026-11-22" in text  # a day nobody holds
    client.force_login(org["people"]["general"])
    assert client.get("/telegrams/record/").status_code == 403


def test_the_desk_shows_each_clock_as_a_countdown_in_its_urgency_colour(client, org, at):
    import datetime as dt
    import re

    from tests.telegrams.conftest import FRIDAY_NIGHT

    telegram = receive_telegram(org, "C-1")
    client.force_login(org["people"]["clerk"])

    def clock_row(kind: str) -> str:
        page = client.get("/telegrams/").content.decode()
        found = re.search(rf'<tr class="([^"]*)" data-clock="{kind}"[^>]*>(.*?)</tr>', page, re.S)
        assert found, f"no {kind} clock"
        return found.group(0)

    ack = clock_row("ack")
    deadline = int(telegram.ack_due_at.timestamp() * 1000)
    assert f'data-deadline="{deadline}"' in ack and 'data-warn-seconds="300"' in ack
    assert "还剩 15:00" in ack and "bg-success-lt" in ack and "2026年11月21日 00:05" in ack
    at(FRIDAY_NIGHT + dt.timedelta(minutes=10, seconds=30))
    ack = clock_row("ack")
    assert "还剩 04:30" in ack and "text-bg-warning" in ack and "table-warning" in ack
    at(FRIDAY_NIGHT + dt.timedelta(minutes=16, seconds=5))
    ack = clock_row("ack")
    assert "已超时 01:05" in ack and "text-bg-danger" in ack and "table-danger" in ack
    due = clock_row("due")  # a normal telegram's three days, in days, hours and minutes
    assert "还剩 2天 23:43:55" in due and "bg-success-lt" in due


def test_the_telegram_list_finds_telegrams_by_state_and_is_the_rooms(client, org, at):
    import datetime as dt

    from baomi.telegrams import services
    from tests.telegrams.conftest import FRIDAY_NIGHT

    clerk = org["people"]["clerk"]
    receive_telegram(org, "L-1")
    done = receive_telegram(org, "L-2")
    services.acknowledge_telegram(actor=clerk, telegram=done)
    services.complete_telegram(actor=clerk, telegram=done, outcome="已办")
    client.force_login(clerk)

    def listed(**query: str) -> set[str]:
        page = client.get("/telegrams/list/", query).content.decode()
        return {n for n in ("L-1", "L-2") if f">{n}<" in page}

    assert listed() == {"L-1", "L-2"}
    assert listed(state="completed") == {"L-2"}
    assert listed(state="unacknowledged") == {"L-1"}
    assert listed(state="overdue") == set()
    at(FRIDAY_NIGHT + dt.timedelta(minutes=20))  # the receipt of L-1 is now missed
    assert listed(state="overdue") == {"L-1"}
    assert "已超时" in client.get("/telegrams/list/", {"state": "overdue"}).content.decode()
    client.force_login(org["people"]["general"])
    assert client.get("/telegrams/list/").status_code == 403
