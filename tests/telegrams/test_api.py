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
