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
        {"code": copy.scan_code, "borrower": "insider", "place": "home"},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert "DOC.READ.PLACE" in response.content.decode()
    assert not Loan.objects.exists()


def test_lend_return_and_report_missing_by_label(client, org, copy):
    from tests.support.factories import loan_approved

    clerk = org["people"]["clerk"]
    loan_approved(org, org["people"]["insider"], copy.document)
    client.force_login(clerk)
    client.post("/flows/lend/", {"code": copy.scan_code, "borrower": "insider"})
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


def test_a_stocktake_by_scanning_labels_on_its_page(client, org, copy):
    from baomi.flows.models import Stocktake

    client.force_login(org["people"]["clerk"])
    response = client.post("/flows/stocktakes/", {"cabinet": org["cabinet"].pk})
    stocktake = Stocktake.objects.get()
    assert response["Location"] == f"/flows/stocktakes/{stocktake.pk}/"
    for each in org["document"].copies.exclude(copy_no=3):
        client.post(
            f"/flows/stocktakes/{stocktake.pk}/",
            {"code": each.scan_code, "cabinet": org["cabinet"].pk},
        )
    page = client.get(f"/flows/stocktakes/{stocktake.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "2 labels scanned; 3 copies expected." in page.content.decode()
    client.post(f"/flows/stocktakes/{stocktake.pk}/close/")
    assert LossReport.objects.get().copy.copy_no == 3


def test_a_handover_checked_and_signed_on_its_page(client, org, copy):
    from baomi.flows.models import Handover
    from tests.support.factories import lend

    clerk, insider, reader2 = (org["people"][n] for n in ("clerk", "insider", "reader2"))
    lend(org, copy, insider)
    client.force_login(clerk)
    client.post("/flows/handovers/", {"person": "insider", "receiver": "reader2"})
    handover = Handover.objects.get()
    client.force_login(insider)
    client.post(f"/flows/handovers/{handover.pk}/sign/")
    client.force_login(reader2)
    client.post(f"/flows/handovers/{handover.pk}/", {"code": copy.scan_code})
    client.post(f"/flows/handovers/{handover.pk}/sign/")
    copy.refresh_from_db()
    assert copy.holder == reader2
    client.force_login(org["people"]["important"])
    assert client.get(f"/flows/handovers/{handover.pk}/").status_code == 404


def test_a_destruction_listed_destroyed_and_certified_on_its_page(client, org, copy):
    from baomi.approvals.services import approve, request_approval
    from baomi.flows.models import DestructionBatch
    from baomi.people.models import Post
    from tests.support.factories import person

    clerk = org["people"]["clerk"]
    client.force_login(clerk)
    client.post("/flows/destruction/", {"codes": copy.scan_code})
    batch = DestructionBatch.objects.get()
    # the listed batch's row carries its own form to record the destruction
    page = client.get("/flows/destruction/").content.decode()
    assert f'<form method="post" action="/flows/destruction/{batch.pk}/destroy/"' in page
    assert f"XH-{batch.pk:06d}" in page and f"/flows/destruction/{batch.pk}/certificate" not in page
    room_leader = person("room_leader", clerk.department, posts=(Post.LEADER,))
    asked = request_approval(actor=clerk, kind="copy.destroy", summary="销毁", subject=batch)
    approve(actor=room_leader, approval=asked)
    client.post(
        f"/flows/destruction/{batch.pk}/destroy/",
        {
            "method": "粉碎",
            "place": "机要室",
            "on_site": "1",
            "supervisors": "officer leader",
            "approval": asked.pk,
        },
    )
    copy.refresh_from_db()
    assert copy.state == Copy.State.DESTROYED
    page = client.get("/flows/destruction/").content.decode()
    assert f"/flows/destruction/{batch.pk}/certificate.pdf" in page
    assert f"/flows/destruction/{batch.pk}/destroy/" not in page
    pdf = client.get(f"/flows/destruction/{batch.pk}/certificate.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    client.force_login(org["people"]["important"])
    assert client.get(f"/flows/destruction/{batch.pk}/certificate.pdf").status_code == 404


def test_send_deliver_carry_out_and_copy_from_the_workbench(client, org, copy):
    from baomi.approvals.services import approve, request_approval
    from baomi.core.levels import Level
    from baomi.flows.models import CarryOut, Transfer
    from baomi.flows.services import create_channel
    from baomi.people.models import Post
    from tests.support.factories import person

    clerk, insider = org["people"]["clerk"], org["people"]["insider"]
    via = create_channel(
        actor=org["people"]["officer"], name="机要交通", kind="courier", max_level=Level.TOP_SECRET
    )
    client.force_login(clerk)
    assert "机要交通" in client.get(f"/flows/?copy={copy.pk}").content.decode()
    client.post(
        "/flows/send/",
        {"code": copy.scan_code, "channel": via.pk, "couriers": "clerk", "recipient": "市财政局"},
    )
    transfer = Transfer.objects.get()
    client.post(f"/flows/transfers/{transfer.pk}/deliver/", {"signed_by": "王收文"})
    copy.refresh_from_db()
    assert copy.state == Copy.State.RECEIVED and copy.external_holder == "市财政局"

    second = org["document"].copies.get(copy_no=2)
    asked = request_approval(
        actor=insider, kind="copy.carry_out", summary="参加协调会", subject=second
    )
    approve(actor=org["people"]["leader"], approval=asked)
    client.post(
        "/flows/carry-out/",
        {
            "code": second.scan_code,
            "person": "insider",
            "destination": "市政府",
            "due_at": "2026-11-20T17:00",
            "approval": asked.pk,
        },
    )
    record = CarryOut.objects.get()
    assert record.due_at.hour == 9  # 17:00 in Shanghai is 09:00 UTC
    client.post(f"/flows/carry-outs/{record.pk}/back/")
    second.refresh_from_db()
    assert second.state == Copy.State.IN_CABINET

    room_leader = person("room_leader", clerk.department, posts=(Post.LEADER,))
    copying = request_approval(
        actor=clerk,
        kind="copy.reproduce",
        summary="复印1份",
        subject=org["document"],
        payload={"count": 1},
    )
    approve(actor=room_leader, approval=copying)
    client.post(
        "/flows/reproduce/",
        {
            "code": second.scan_code,
            "count": "1",
            "cabinet": org["cabinet"].pk,
            "approval": copying.pk,
            "consent_issuer": "市人民政府办公室",
            "consent_reference": "示政办函〔2026〕31号",
            "consent_date": "2026-11-18",
        },
    )
    assert org["document"].copies.filter(variant=Copy.Variant.REPRODUCTION).count() == 1


def test_a_destruction_batch_with_a_document_outside_the_scope_is_not_shown(client, org, copy):
    from baomi.flows.services import list_for_destruction
    from tests.support.factories import register

    hidden = register(org, doc_number="密字〔2026〕9号", scope_departments=[])
    list_for_destruction(actor=org["people"]["clerk"], copies=[copy, hidden.copies.first()])
    client.force_login(org["people"]["clerk"])
    assert "密字〔2026〕9号" in client.get("/flows/destruction/").content.decode()
    client.force_login(org["people"]["insider"])  # knows the first document, not the second
    page = client.get("/flows/destruction/").content.decode()
    assert "密字〔2026〕9号" not in page and "示政办〔2026〕12号" not in page


def test_a_workbench_list_shows_its_first_rows_and_the_rest_page_by_page(client, org, monkeypatch):
    from baomi.flows.lists import FLOW_LISTS
    from baomi.flows.views import workbench as views
    from tests.support.factories import lend

    monkeypatch.setattr(views, "SHOWN", 1)
    monkeypatch.setattr(FLOW_LISTS["loans"], "per_page", 1)
    clerk = org["people"]["clerk"]
    first, second, _ = org["document"].copies.order_by("copy_no")
    for copy in (first, second):
        lend(org, copy)
    client.force_login(clerk)
    assert "/flows/lists/loans/" in client.get("/flows/").content.decode()
    page_1 = client.get("/flows/lists/loans/").content.decode()
    page_2 = client.get("/flows/lists/loans/?page=2").content.decode()
    assert f"/ {first.label}" in page_1 and f"/ {second.label}" not in page_1
    assert "?page=2" in page_1
    assert f"/ {second.label}" in page_2 and "?page=3" not in page_2
    assert client.get("/flows/lists/everything/").status_code == 404
    client.force_login(org["people"]["important"])  # outside the knowledge scope
    assert f"/ {first.label}" not in client.get("/flows/lists/loans/").content.decode()


def test_staff_without_a_custody_post_see_only_what_is_in_their_own_hands(client, org):
    from tests.support.factories import lend

    clerk, insider, reader2 = (org["people"][n] for n in ("clerk", "insider", "reader2"))
    mine, theirs, _ = org["document"].copies.order_by("copy_no")
    lend(org, mine, insider)
    lend(org, theirs, reader2)
    client.force_login(insider)
    page = client.get("/flows/").content.decode()
    assert f"/ {mine.label}" in page and f"/ {theirs.label}" not in page
    assert "/flows/lend/" not in page and "/return/" not in page  # the clerk's actions
    panel = client.get(f"/flows/?copy={mine.pk}").content.decode()
    assert "/flows/lost/" in panel  # anyone may report a copy missing
    assert "/flows/lend/" not in panel and "/return/" not in panel
    listed = client.get("/flows/lists/outside/").content.decode()
    assert f"/ {mine.label}" in listed and f"/ {theirs.label}" not in listed
    client.force_login(clerk)
    page = client.get("/flows/").content.decode()
    assert f"/ {mine.label}" in page and f"/ {theirs.label}" in page and "/return/" in page


def test_the_security_office_resolves_a_missing_copy_on_its_page(client, org, copy):
    from baomi.flows.services import report_lost
    from tests.support.factories import lend

    lend(org, copy)
    report = report_lost(actor=org["people"]["insider"], copy=copy, circumstances="会后未见")
    client.force_login(org["people"]["clerk"])
    refused = client.get("/flows/losses/")  # the security office's page, refused by name
    assert refused.status_code == 403 and "ACC.ROLE" in refused.content.decode()
    client.force_login(org["people"]["officer"])
    page = client.get("/flows/losses/").content.decode()
    # the copy by its document's number and label, with the row's own forms to act on it
    assert f"/ {copy.label}" in page and f"/flows/losses/{report.pk}/resolve/" in page
    assert f"/flows/losses/{report.pk}/authority-report/" in page
    client.post(f"/flows/losses/{report.pk}/resolve/", {"outcome": "found", "note": "在办公室"})
    copy.refresh_from_db()
    report.refresh_from_db()
    assert report.state == "found" and copy.state == Copy.State.ON_LOAN
    assert copy.holder == org["people"]["insider"]


def test_two_names_typed_for_the_borrower_are_refused_and_nothing_is_lent(client, org, copy):
    client.force_login(org["people"]["clerk"])
    response = client.post(
        "/flows/lend/",
        {"code": copy.scan_code, "borrower": "insider reader2"},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert "Name one person." in response.content.decode()
    assert not Loan.objects.exists()
    copy.refresh_from_db()
    assert copy.state == Copy.State.IN_CABINET


def test_a_reader_asks_on_the_document_page_and_the_clerk_lends_once_approved(client, org, copy):
    from baomi.approvals.models import Approval
    from baomi.approvals.services import approve

    insider, clerk = org["people"]["insider"], org["people"]["clerk"]
    document_page = f"/ledger/documents/{copy.document.pk}/"
    client.force_login(insider)
    form = client.get(document_page).content.decode()
    assert f"/flows/documents/{copy.document.pk}/ask-to-borrow/" in form
    # no reason: refused at its field, nothing asked
    refused = client.post(
        f"/flows/documents/{copy.document.pk}/ask-to-borrow/",
        {"reason": " "},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert "Say briefly what the approval is for." in refused.content.decode()
    assert not Approval.objects.filter(kind="copy.loan").exists()
    client.post(f"/flows/documents/{copy.document.pk}/ask-to-borrow/", {"reason": "起草汇报材料"})
    asked = Approval.objects.get(kind="copy.loan")
    assert (asked.requester, asked.summary, asked.state) == (insider, "起草汇报材料", "pending")
    approve(actor=org["people"]["head"], approval=asked)
    client.force_login(clerk)
    client.post("/flows/lend/", {"code": copy.scan_code, "borrower": "insider"})
    assert Loan.objects.get().loan_approval == asked


def test_a_row_action_of_a_workbench_list_is_a_form_of_its_own(client, org, copy):
    from tests.support.factories import lend

    loan = lend(org, copy)
    client.force_login(org["people"]["clerk"])
    page = client.get("/flows/lists/loans/").content.decode()
    row = page[page.index(f'<tr data-pk="{loan.pk}"') :]
    row = row[: row.index("</tr>")]
    # the list is no form: the row's button posts its own, with the page's CSRF token
    assert f'<form method="post" action="/flows/loans/{loan.pk}/return/"' in row
    assert 'name="csrfmiddlewaretoken"' in row
    client.post(f"/flows/loans/{loan.pk}/return/")
    copy.refresh_from_db()
    assert copy.state == Copy.State.IN_CABINET
