"""The clerk's workbench: scan a label and act; every action through its service."""

from __future__ import annotations

import pytest

from baomi.flows.models import Circulation, Loan, LossReport
from baomi.ledger.models import Copy

pytestmark = pytest.mark.django_db


def test_a_circulation_through_the_workbench_from_scan_to_return(client, org, copy):
    clerk, insider = org["people"]["clerk"], org["people"]["insider"]
    client.force_login(clerk)
    page = client.get("/flows/")
    assert page.status_code == 200
    client.post("/flows/circulate/", {"code": copy.scan_code, "readers": "insider"})
    circulation = Circulation.objects.get()
    client.post(f"/flows/circulations/{circulation.pk}/hand/")
    step = circulation.steps.get()
    client.force_login(insider)
    assert f"/flows/steps/{step.pk}/sign/" in client.get("/flows/").content.decode()
    client.post(f"/flows/steps/{step.pk}/sign/")
    client.force_login(clerk)
    client.post(f"/flows/circulations/{circulation.pk}/take-back/")
    copy.refresh_from_db()
    step.refresh_from_db()
    assert step.signed_at is not None and copy.state == Copy.State.IN_CABINET


def test_a_denial_on_the_workbench_names_the_rule(client, org, copy):
    client.force_login(org["people"]["clerk"])
    response = client.post(
        "/flows/lend/",
        {"code": copy.scan_code, "borrower": org["people"]["insider"].pk, "place": "home"},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert "DOC.READ.PLACE" in response.content.decode()
    assert not Loan.objects.exists()


def test_lend_return_and_report_missing_by_label(client, org, copy):
    clerk = org["people"]["clerk"]
    client.force_login(clerk)
    client.post("/flows/lend/", {"code": copy.scan_code, "borrower": org["people"]["insider"].pk})
    loan = Loan.objects.get()
    assert str(loan.borrower) in client.get("/flows/").content.decode()
    client.post(f"/flows/loans/{loan.pk}/return/")
    loan.refresh_from_db()
    assert loan.returned_at is not None
    client.post("/flows/lost/", {"code": copy.scan_code, "circumstances": "柜中未见"})
    assert LossReport.objects.get().copy == copy


def test_a_label_outside_the_scope_is_no_copy_at_all(client, org, copy):
    client.force_login(org["people"]["important"])
    response = client.post(
        "/flows/lost/",
        {"code": copy.scan_code, "circumstances": "x"},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert "No copy you may know of" in response.content.decode()
    assert not LossReport.objects.exists()


def test_readers_are_typed_in_order_and_an_unknown_name_is_refused(client, org, copy):
    client.force_login(org["people"]["clerk"])
    client.post("/flows/circulate/", {"code": copy.scan_code, "readers": "reader2、insider"})
    steps = Circulation.objects.get().steps.order_by("position")
    assert [s.reader.username for s in steps] == ["reader2", "insider"]
    other = org["document"].copies.get(copy_no=2)
    response = client.post(
        "/flows/circulate/",
        {"code": other.scan_code, "readers": "insider 无此人"},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert "No member of staff is called 无此人" in response.content.decode()
    assert Circulation.objects.count() == 1
