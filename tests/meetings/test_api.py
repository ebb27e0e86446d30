"""Classified meetings through the REST API."""

from __future__ import annotations

import pytest

from tests.support import api
from tests.support.factories import MEETING_CHECKS

pytestmark = pytest.mark.django_db


def test_a_meeting_through_the_api(org):
    clerk, leader, planner = (org["people"][n] for n in ("clerk", "leader", "core_planner"))
    made = api(clerk).post(
        "/api/v1/meetings/",
        {
            "title": "专题会",
            "level": 4,
            "venue": "三号会议室",
            "starts_at": "2026-11-25T09:00:00+08:00",
            "security_lead": org["people"]["officer"].pk,
            "secure_cabinet": org["cabinet"].code,
            "relay_scope": [org["units"]["planning"].pk],
        },
        format="json",
    )
    assert made.status_code == 201, made.content
    url = f"/api/v1/meetings/{made.json()['id']}"
    refused = api(leader).post(f"{url}/approve/")
    assert refused.status_code == 403 and refused.json()["violations"][0]["rule"] == "MTG.SECURITY"
    api(clerk).post(f"{url}/plan/", {"plan": "封闭管理", **MEETING_CHECKS}, format="json")
    assert api(leader).post(f"{url}/approve/").json()["state"] == "approved"
    api(clerk).post(f"{url}/participants/", {"person": planner.pk, "role": "attendee"})
    walk_in = api(clerk).post(f"{url}/check-in/", {"person": leader.pk})
    assert walk_in.status_code == 403
    assert api(clerk).post(f"{url}/check-in/", {"person": planner.pk}).status_code == 200
    document = api(clerk).post(f"{url}/documents/", {"title": "方案", "marking": "绝密★长期"})
    assert document.status_code == 201
    assert api(clerk).post(f"{url}/open/", {"discipline_announced": True}).json()["state"] == "open"
    from baomi.ledger.models import Copy

    code = Copy.objects.get(document=document.json()["document"]).scan_code
    out = api(clerk).post(f"{url}/hand-out/", {"code": code, "person": planner.pk})
    assert out.status_code == 201
    closed = api(clerk).post(f"{url}/close/", {"left_behind_checked": True})
    assert [h["person"] for h in closed.json()] == [planner.pk]
    assert api(clerk).post(f"{url}/collect/", {"code": code}).status_code == 200
    assert api(clerk).get(f"{url}/outstanding/").json() == []
