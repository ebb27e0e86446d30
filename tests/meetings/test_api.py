"""Classified meetings through the REST API."""

from __future__ import annotations

import pytest

from baomi.flows.models import LossReport
from baomi.ledger.models import Copy
from tests.support import api

pytestmark = pytest.mark.django_db


def test_a_meeting_through_the_api(org):
    clerk, leader, planner, officer = (
        org["people"][n] for n in ("clerk", "leader", "core_planner", "officer")
    )
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
    api(clerk).post(f"{url}/plan/", {"plan": "封闭管理"}, format="json")
    refused = api(leader).post(f"{url}/approve/")  # 绝密: the security office signs off first
    assert refused.status_code == 403
    assert "security_signoff" in refused.json()["violations"][0]["values"]["missing"]
    wireless = {"venue_inspection": "已检查", "microphones": "wireless", "measures": "封闭管理"}
    refused = api(officer).post(f"{url}/sign-off/", wireless, format="json")
    assert refused.status_code == 403 and refused.json()["violations"][0]["rule"] == "MTG.SECURITY"
    signoff = api(officer).post(f"{url}/sign-off/", {**wireless, "microphones": "wired"})
    assert signoff.status_code == 201, signoff.content
    assert signoff.json()["officer"] == officer.pk and signoff.json()["plan_version"] == 1
    assert api(leader).post(f"{url}/approve/").json()["state"] == "approved"
    api(clerk).post(f"{url}/participants/", {"person": planner.pk, "role": "attendee"})
    walk_in = api(clerk).post(f"{url}/check-in/", {"person": leader.pk})
    assert walk_in.status_code == 403
    assert api(clerk).post(f"{url}/check-in/", {"person": planner.pk}).status_code == 200
    document = api(clerk).post(f"{url}/documents/", {"title": "方案", "marking": "绝密★长期"})
    assert document.status_code == 201
    assert api(clerk).post(f"{url}/open/").json()["state"] == "open"
    code = Copy.objects.get(document=document.json()["document"]).scan_code
    out = api(clerk).post(f"{url}/hand-out/", {"code": code, "person": planner.pk})
    assert out.status_code == 403 and out.json()["violations"][0]["rule"] == "MTG.DISCIPLINE"
    announced = api(clerk).post(f"{url}/discipline/", {"announced_by": officer.pk})
    assert announced.status_code == 201 and announced.json()["session"] == 1
    out = api(clerk).post(f"{url}/hand-out/", {"code": code, "person": planner.pk})
    assert out.status_code == 201
    refused = api(clerk).post(f"{url}/close/")
    assert refused.status_code == 403 and refused.json()["violations"][0]["rule"] == "MTG.RECALL"
    bad = api(clerk).post(f"{url}/venue-check/", {"checked_by": officer.pk, "papers_found": -1})
    assert bad.status_code == 400 and {"places", "papers_found"} <= set(bad.json()["errors"])
    check = {"checked_by": officer.pk, "places": "会场、住地", "papers_found": 0}
    assert api(clerk).post(f"{url}/venue-check/", check).status_code == 201
    missing = {"code": code, "circumstances": "闭会清退时未交回"}
    assert api(clerk).post(f"{url}/report-missing/", missing).status_code == 201
    assert LossReport.objects.get().copy.scan_code == code
    closed = api(clerk).post(f"{url}/close/")
    assert [h["person"] for h in closed.json()] == [planner.pk]
    assert api(clerk).get(f"{url}/outstanding/").json()[0]["person"] == planner.pk
