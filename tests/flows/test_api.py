"""The flows' REST API: circulations, loans and loss reports through their services."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from baomi.flows.models import Loan

pytestmark = pytest.mark.django_db


def api(who):
    client = APIClient(headers={"accept-language": "en"})
    client.force_login(who)
    return client


def test_a_circulation_by_label_through_the_api(org, copy):
    clerk, insider = org["people"]["clerk"], org["people"]["insider"]
    opened = api(clerk).post(
        "/api/v1/circulations/", {"code": copy.scan_code, "readers": [insider.pk]}, format="json"
    )
    assert opened.status_code == 201, opened.content
    pk = opened.json()["id"]
    handed = api(clerk).post(f"/api/v1/circulations/{pk}/hand/")
    assert handed.json()["state"] == "handed"
    signed = api(insider).post(f"/api/v1/circulation-steps/{handed.json()['id']}/sign/")
    assert signed.json()["signed_at"] is not None
    again = api(clerk).post(f"/api/v1/circulations/{pk}/hand/")
    assert again.status_code == 403
    assert [v["rule"] for v in again.json()["violations"]] == ["DOC.CIRC.SINGLE_LINE"]
    back = api(clerk).post(f"/api/v1/circulations/{pk}/take-back/")
    assert back.json()["state"] == "returned"


def test_loans_and_losses_through_the_api(org, copy):
    clerk, insider, officer = (org["people"][n] for n in ("clerk", "insider", "officer"))
    refused = api(clerk).post(
        "/api/v1/loans/",
        {"copy": copy.pk, "borrower": insider.pk, "place": "home"},
        format="json",
    )
    assert refused.status_code == 403 and not Loan.objects.exists()
    lent = api(clerk).post("/api/v1/loans/", {"copy": copy.pk, "borrower": insider.pk})
    assert lent.status_code == 201
    lost = api(insider).post(
        "/api/v1/loss-reports/", {"code": copy.scan_code, "circumstances": "会后未找到"}
    )
    assert lost.status_code == 201 and lost.json()["state"] == "open"
    found = api(officer).post(f"/api/v1/loss-reports/{lost.json()['id']}/found/", {"text": "找到"})
    assert found.json()["state"] == "found"
    returned = api(clerk).post(f"/api/v1/loans/{lent.json()['id']}/return/")
    assert returned.json()["returned_at"] is not None


def test_an_outsider_finds_no_circulation_loan_or_copy(org, copy):
    clerk, outsider = org["people"]["clerk"], org["people"]["important"]
    api(clerk).post("/api/v1/loans/", {"copy": copy.pk, "borrower": org["people"]["insider"].pk})
    assert api(outsider).get("/api/v1/loans/").json()["count"] == 0
    response = api(outsider).post("/api/v1/loss-reports/", {"copy": copy.pk, "circumstances": "x"})
    assert response.status_code == 404
