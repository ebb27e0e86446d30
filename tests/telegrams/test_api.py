"""The duty desk's REST API."""

from __future__ import annotations

import pytest

from tests.support import api

pytestmark = pytest.mark.django_db


def test_a_telegram_and_the_roster_through_the_api(org):
    clerk, clerk2 = org["people"]["clerk"], org["people"]["clerk2"]
    roster = api(clerk).post(
        "/api/v1/duty-shifts/",
        {"day": "2026-11-20", "primary": clerk.pk, "secondary": clerk.pk},
        format="json",
    )
    assert roster.status_code == 403 and roster.json()["violations"][0]["rule"] == "DUTY.ROSTER"
    roster = api(clerk).post(
        "/api/v1/duty-shifts/",
        {"day": "2026-11-20", "primary": clerk.pk, "secondary": clerk2.pk},
        format="json",
    )
    assert roster.status_code == 201
    made = api(clerk).post(
        "/api/v1/telegrams/",
        {
            "number": "T-1",
            "traffic": "cipher",
            "urgency": 2,
            "correspondent": "省委办公厅",
            "subject": "通知",
            "marking": "机密★1年",
            "cabinet": org["cabinet"].code,
        },
        format="json",
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    board = api(clerk).get("/api/v1/duty-board/").json()
    assert [c["kind"] for c in board] == ["ack", "due"]
    api(clerk).post(f"/api/v1/telegrams/{pk}/acknowledge/")
    refused = api(clerk).post(f"/api/v1/telegrams/{pk}/complete/", {"outcome": "已办"})
    assert refused.status_code == 403
    assert [v["rule"] for v in refused.json()["violations"]] == ["TEL.ESCALATE"]
    api(org["people"]["head"]).post(f"/api/v1/telegrams/{pk}/seen/")
    done = api(clerk).post(f"/api/v1/telegrams/{pk}/complete/", {"outcome": "已办"})
    assert done.status_code == 200 and done.json()["done_at"]
    assert api(org["people"]["general"]).get("/api/v1/telegrams/").json()["count"] == 0


def test_a_telegram_is_reported_to_a_leader_through_the_api(org):
    from baomi.core.levels import Tier
    from baomi.people.models import Person, Post
    from tests.support.factories import person, receive_telegram

    head, clerk = org["people"]["head"], org["people"]["clerk"]
    Person.objects.filter(pk=head.pk).update(tier=Tier.GENERAL)
    telegram = receive_telegram(org, "F-8", urgency=3, marking="绝密★10年")
    chief = person("chief", org["units"]["planning"], posts=(Post.LEADER,), tier=Tier.CORE)
    refused = api(clerk).post(f"/api/v1/telegrams/{telegram.pk}/report/", {"leader": head.pk})
    assert refused.status_code == 403
    assert [v["rule"] for v in refused.json()["violations"]] == ["ACC.CLEARANCE"]
    done = api(clerk).post(f"/api/v1/telegrams/{telegram.pk}/report/", {"leader": chief.pk})
    assert done.status_code == 200 and done.json()["escalated_to"] == chief.pk


@pytest.mark.refuses("TEL.REGISTER", "TEL.ESCALATE")
def test_the_api_registers_a_telegram_sent_and_the_head_takes_charge_of_an_alert(org):
    from tests.support.factories import receive_telegram

    clerk, head = org["people"]["clerk"], org["people"]["head"]
    body = {
        "number": "发-1",
        "traffic": "plain",
        "urgency": 0,
        "level": 3,
        "correspondent": "省委办公厅",
        "subject": "报告",
    }
    refused = api(clerk).post("/api/v1/telegrams/send/", body, format="json")
    assert refused.status_code == 403
    assert refused.json()["violations"][0]["rule"] == "TEL.REGISTER"
    sent = api(clerk).post("/api/v1/telegrams/send/", {**body, "traffic": "cipher"}, format="json")
    assert sent.status_code == 201 and sent.json()["subject"] == "报告"
    alert = receive_telegram(org, "预-1", kind="alert")
    early = api(clerk).post(f"/api/v1/telegrams/{alert.pk}/acknowledge/")
    assert early.status_code == 403 and early.json()["violations"][0]["rule"] == "TEL.ESCALATE"
    taken = api(head).post(f"/api/v1/telegrams/{alert.pk}/take-charge/")
    assert taken.status_code == 200 and taken.json()["in_charge_by"] == head.pk
