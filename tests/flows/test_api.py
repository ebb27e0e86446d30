"""The flows' REST API: circulations, loans and loss reports through their services."""

from __future__ import annotations

import pytest

from baomi.flows.models import Loan
from tests.support import api
from tests.support.factories import loan_approved

pytestmark = pytest.mark.django_db


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
    refused = api(clerk).post("/api/v1/loans/", {"copy": copy.pk, "borrower": insider.pk})
    assert [v["rule"] for v in refused.json()["violations"]] == ["DOC.LOAN.APPROVAL"]
    loan_approved(org, insider, copy.document)
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
    loan_approved(org, org["people"]["insider"], copy.document)
    api(clerk).post("/api/v1/loans/", {"copy": copy.pk, "borrower": org["people"]["insider"].pk})
    assert api(outsider).get("/api/v1/loans/").json()["count"] == 0
    response = api(outsider).post("/api/v1/loss-reports/", {"copy": copy.pk, "circumstances": "x"})
    assert response.status_code == 404


def test_channels_transfers_carry_outs_and_copies_through_the_api(org, copy):
    from baomi.approvals.services import approve, request_approval
    from baomi.people.models import Post
    from tests.support.factories import person

    clerk, insider, officer = (org["people"][n] for n in ("clerk", "insider", "officer"))
    made = api(officer).post(
        "/api/v1/channels/",
        {"name": "普通邮政", "kind": "post", "max_level": 4, "encrypted": False},
        format="json",
    )
    assert made.status_code == 201, made.content
    refused = api(clerk).post(
        "/api/v1/transfers/",
        {
            "copy": copy.pk,
            "channel": made.json()["id"],
            "couriers": [clerk.pk],
            "recipient": "市局",
        },
        format="json",
    )
    assert refused.status_code == 403
    assert [v["rule"] for v in refused.json()["violations"]] == ["DOC.TRANSFER.CHANNEL"]

    second = org["document"].copies.get(copy_no=2)
    asked = request_approval(actor=insider, kind="copy.carry_out", summary="外出", subject=second)
    approve(actor=org["people"]["leader"], approval=asked)
    out = api(clerk).post(
        "/api/v1/carry-outs/",
        {
            "code": second.scan_code,
            "person": insider.pk,
            "destination": "市政府",
            "due_at": "2026-11-20T17:00:00+08:00",
            "approval": asked.pk,
        },
        format="json",
    )
    assert out.status_code == 201, out.content
    back = api(clerk).post(f"/api/v1/carry-outs/{out.json()['id']}/back/")
    assert back.json()["back_at"] is not None

    room_leader = person("room_leader", clerk.department, posts=(Post.LEADER,))
    copying = request_approval(
        actor=clerk,
        kind="copy.reproduce",
        summary="复印",
        subject=org["document"],
        payload={"count": 2},
    )
    approve(actor=room_leader, approval=copying)
    copies = api(clerk).post(
        "/api/v1/reproductions/",
        {
            "copy": copy.pk,
            "count": 2,
            "cabinet": "JYS-01",
            "approval": copying.pk,
            "consent_issuer": "市人民政府办公室",
            "consent_reference": "示政办函〔2026〕31号",
            "consent_date": "2026-11-18",
        },
        format="json",
    )
    assert copies.status_code == 201, copies.content
    assert [c["copy_no"] for c in copies.json()["copies"]] == ["000004", "000005"]


def test_handover_destruction_and_stocktake_through_the_api(org, copy):
    from baomi.approvals.services import approve, request_approval
    from baomi.flows.models import DestructionBatch
    from baomi.people.models import Post
    from tests.support.factories import person

    clerk, insider, reader2 = (org["people"][n] for n in ("clerk", "insider", "reader2"))
    loan_approved(org, insider, copy.document)
    api(clerk).post("/api/v1/loans/", {"copy": copy.pk, "borrower": insider.pk})
    opened = api(clerk).post(
        "/api/v1/handovers/", {"person": insider.pk, "receiver": reader2.pk}, format="json"
    )
    assert opened.status_code == 201, opened.content
    pk = opened.json()["id"]
    api(insider).post(f"/api/v1/handovers/{pk}/sign/")
    api(reader2).post(f"/api/v1/handovers/{pk}/check/", {"code": copy.scan_code})
    done = api(reader2).post(f"/api/v1/handovers/{pk}/sign/")
    assert done.json()["completed_at"] is not None

    second = org["document"].copies.get(copy_no=2)
    listed = api(clerk).post("/api/v1/destruction-batches/", {"copies": [second.pk]}, format="json")
    assert listed.status_code == 201, listed.content
    batch = DestructionBatch.objects.get()
    room_leader = person("room_leader", clerk.department, posts=(Post.LEADER,))
    asked = request_approval(actor=clerk, kind="copy.destroy", summary="销毁", subject=batch)
    approve(actor=room_leader, approval=asked)
    destroyed = api(clerk).post(
        f"/api/v1/destruction-batches/{batch.pk}/destroy/",
        {
            "method": "粉碎",
            "place": "机要室",
            "on_site": True,
            "supervisors": [org["people"]["officer"].pk, org["people"]["leader"].pk],
            "approval": asked.pk,
        },
        format="json",
    )
    assert destroyed.json()["state"] == "destroyed", destroyed.content
    pdf = api(clerk).get(f"/api/v1/destruction-batches/{batch.pk}/certificate/")
    assert pdf.content.startswith(b"%PDF")

    stocktake = api(clerk).post("/api/v1/stocktakes/", {"cabinet": "JYS-01"})
    assert stocktake.status_code == 201, stocktake.content
    spk = stocktake.json()["id"]
    third = org["document"].copies.get(copy_no=3)
    seen = api(clerk).post(
        f"/api/v1/stocktakes/{spk}/seen/", {"code": third.scan_code, "cabinet": "JYS-01"}
    )
    assert seen.json()["missing"] == []
    closed = api(clerk).post(f"/api/v1/stocktakes/{spk}/close/")
    assert closed.json()["closed_at"] is not None
