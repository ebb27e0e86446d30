"""The workbench's desk: one scan field, the copy's action panel in place, a scan that takes back
what is out, errors that look like errors and keep what was typed."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from baomi.audit.models import AuditEvent
from baomi.flows import services
from baomi.flows.models import Circulation, Loan
from baomi.ledger.models import Copy
from tests.support.factories import lend, loan_approved

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "desk-panel"}
FROM_CABINET = ("lend", "circulate", "send", "carry_out", "reproduce", "report_lost")


def offered(html: str) -> list[str]:
    """The actions a rendered panel offers, in its order."""
    return re.findall(r'data-action="(\w+)"', html)


def panel(client, copy) -> str:  # type: ignore[no-untyped-def]
    return client.post("/flows/scan/", {"code": copy.scan_code}, **HTMX).content.decode()


def test_a_copy_in_its_cabinet_offers_what_leaves_a_cabinet(client, org, copy):
    client.force_login(org["people"]["clerk"])
    assert services.copy_actions(org["people"]["clerk"], copy).offers == FROM_CABINET
    assert offered(panel(client, copy)) == list(FROM_CABINET)


def test_a_reader_without_a_custody_post_may_only_report_a_copy_missing(client, org, copy):
    insider = org["people"]["insider"]
    assert services.copy_actions(insider, copy).offers == ("report_lost",)
    client.force_login(insider)
    assert offered(panel(client, copy)) == ["report_lost"]


def test_a_lent_copy_offers_its_return_and_nothing_that_needs_the_cabinet(org, copy):
    lend(org, copy)
    copy.refresh_from_db()
    actions = services.copy_actions(org["people"]["clerk"], copy)
    assert actions.offers == ("return", "reproduce", "report_lost")
    assert actions.loan == Loan.objects.get()


def test_a_circulation_offers_hand_on_then_signing_and_taking_back(client, org, copy):
    clerk, insider = org["people"]["clerk"], org["people"]["insider"]
    circulation = services.start_circulation(actor=clerk, copy=copy, readers=[insider])
    copy.refresh_from_db()
    # open but with the copy in its cabinet: handed on, not lent or sent meanwhile
    assert services.copy_actions(clerk, copy).offers == ("hand", "reproduce", "report_lost")
    services.hand_to_reader(actor=clerk, circulation=circulation)
    copy.refresh_from_db()
    assert services.copy_actions(clerk, copy).offers == (
        "sign_present",
        "take_back",
        "reproduce",
        "report_lost",
    )
    # the reader who has it signs for it on their own screen
    assert services.copy_actions(insider, copy).offers == ("sign", "report_lost")
    client.force_login(clerk)
    assert offered(panel(client, copy)) == ["sign_present", "take_back", "reproduce", "report_lost"]


def test_a_lost_copy_offers_nothing_more_to_report(org, copy):
    services.report_lost(actor=org["people"]["clerk"], copy=copy, circumstances="柜中未见")
    copy.refresh_from_db()
    assert services.copy_actions(org["people"]["clerk"], copy).offers == ()


def test_scanning_a_lent_copy_takes_it_back_and_says_so(client, org, copy):
    loan = lend(org, copy)
    client.force_login(org["people"]["clerk"])
    html = panel(client, copy)
    loan.refresh_from_db()
    copy.refresh_from_db()
    assert loan.returned_at is not None and copy.state == Copy.State.IN_CABINET
    assert AuditEvent.objects.filter(action="copy.returned", object_id=str(copy.pk)).count() == 1
    assert 'class="alert alert-success"' in html and "JYS-01" in html
    # the panel now offers what a copy in its cabinet allows, and the lists were refreshed
    assert offered(html) == list(FROM_CABINET)
    assert 'id="desk-lists" hx-swap-oob="true"' in html


def test_scanning_a_carried_out_copy_brings_it_back(client, org, copy):
    from baomi.approvals.services import approve, request_approval
    from baomi.core import clock

    insider = org["people"]["insider"]
    asked = request_approval(
        actor=insider, kind="copy.carry_out", summary="赴市局汇报", subject=copy.document
    )
    approve(actor=org["people"]["leader"], approval=asked)
    record = services.carry_out(
        actor=org["people"]["clerk"],
        copy=copy,
        person=insider,
        destination="市局",
        due_at=clock.now() + dt.timedelta(hours=3),
        approval=asked,
    )
    client.force_login(org["people"]["clerk"])
    html = panel(client, copy)
    record.refresh_from_db()
    assert record.back_at is not None
    assert 'class="alert alert-success"' in html


def test_a_reader_scanning_a_copy_lent_to_them_returns_nothing(client, org, copy):
    lend(org, copy)
    client.force_login(org["people"]["insider"])
    html = panel(client, copy)
    assert Loan.objects.get().returned_at is None
    assert offered(html) == ["report_lost"]


def test_a_label_no_one_knows_keeps_what_was_scanned_and_marks_the_field(client, org):
    client.force_login(org["people"]["clerk"])
    html = client.post("/flows/scan/", {"code": "BM-999-9"}, **HTMX).content.decode()
    assert 'value="BM-999-9"' in html and "is-invalid" in html
    assert 'class="invalid-feedback"' in html and "data-action" not in html


def test_lending_from_the_panel_uses_the_due_time_shown_and_changed(client, org, copy):
    insider = org["people"]["insider"]
    loan_approved(org, insider, copy.document)
    client.force_login(org["people"]["clerk"])
    html = panel(client, copy)
    shown = re.search(r'name="due_at" type="datetime-local"[^>]*value="([^"]+)"', html)
    assert shown is not None  # the due time is there to see before lending
    html = client.post(
        "/flows/lend/",
        {"code": copy.scan_code, "borrower": "insider", "due_at": "2026-11-20T16:30"},
        **HTMX,
    ).content.decode()
    loan = Loan.objects.get()
    local = loan.due_at.astimezone(dt.timezone(dt.timedelta(hours=8)))
    assert (local.hour, local.minute) == (16, 30) and loan.borrower == insider
    assert 'class="alert alert-success"' in html and offered(html)[0] == "return"


def test_an_error_keeps_what_was_typed_at_its_field(client, org, copy):
    client.force_login(org["people"]["clerk"])
    html = client.post(
        "/flows/lend/",
        {"code": copy.scan_code, "borrower": "无此人", "due_at": "2026-11-20T16:30"},
        **HTMX,
    ).content.decode()
    assert not Loan.objects.exists()
    borrower = re.search(r'<input id="lend-borrower"[^>]*>', html)
    assert borrower is not None
    assert 'value="无此人"' in borrower.group() and "is-invalid" in borrower.group()
    assert 'value="2026-11-20T16:30"' in html
    assert "alert-success" not in html


def test_a_refusal_is_an_error_box_naming_the_rule_and_keeps_the_form(client, org, copy):
    client.force_login(org["people"]["clerk"])
    html = client.post(
        "/flows/lend/",
        {"code": copy.scan_code, "borrower": "insider", "place": "home"},
        HTTP_ACCEPT_LANGUAGE="en",
        **HTMX,
    ).content.decode()
    assert not Loan.objects.exists()
    box = re.search(r'<div class="alert alert-danger" role="alert">(.*?)</div>\s*<p', html, re.S)
    assert box is not None and "DOC.LOAN.APPROVAL" in box.group(1)
    assert re.search(r'<input id="lend-borrower"[^>]*value="insider"', html)
    assert '<option value="home" selected>' in html


def test_without_scripts_an_action_comes_back_to_the_copys_panel(client, org, copy):
    client.force_login(org["people"]["clerk"])
    response = client.post(
        "/flows/circulate/", {"code": copy.scan_code, "readers": "insider、reader2"}
    )
    assert response.status_code == 302 and response["Location"] == f"/flows/?copy={copy.pk}"
    assert Circulation.objects.get().steps.count() == 2
    html = client.get(response["Location"]).content.decode()
    assert offered(html) == ["hand", "reproduce", "report_lost"]


def test_the_copy_page_offers_the_same_actions_and_answers_in_place(client, org, copy):
    client.force_login(org["people"]["clerk"])
    html = client.get(f"/ledger/copies/{copy.pk}/").content.decode()
    assert 'id="copy-actions"' in html and offered(html) == list(FROM_CABINET)
    # an error replaces the page's panel only; a success reloads the page
    answer = client.post(
        "/flows/lend/",
        {"code": copy.scan_code, "borrower": "无此人", "next": "copy"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="copy-actions",
    )
    assert answer.status_code == 200
    assert answer.content.decode().lstrip().startswith('<section id="copy-actions"')
    answer = client.post(
        "/flows/lost/",
        {"code": copy.scan_code, "circumstances": "柜中未见", "next": "copy"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="copy-actions",
    )
    assert answer.status_code == 204 and answer["HX-Redirect"] == f"/ledger/copies/{copy.pk}/"
    copy.refresh_from_db()
    assert copy.state == Copy.State.REPORTED_LOST


def test_the_panel_of_a_copy_outside_what_one_may_know_is_not_found(client, org, copy):
    client.force_login(org["people"]["general"])
    assert client.get(f"/flows/?copy={copy.pk}").status_code == 404
    html = client.post("/flows/scan/", {"code": copy.scan_code}, **HTMX).content.decode()
    assert "data-action" not in html and "is-invalid" in html


def test_an_empty_channel_list_says_how_channels_are_set_up(client, org, copy):
    client.force_login(org["people"]["clerk"])
    html = client.post(
        "/flows/scan/", {"code": copy.scan_code}, HTTP_ACCEPT_LANGUAGE="en", **HTMX
    ).content.decode()
    assert "No transfer channel is set up yet" in html and 'name="channel"' not in html


def test_every_list_on_the_workbench_has_column_headers(client, org, copy):
    lend(org, copy)
    client.force_login(org["people"]["clerk"])
    html = client.get("/flows/").content.decode()
    tables = re.findall(r"<table.*?</table>", html, re.S)
    assert tables and all("<thead>" in t and "<th>" in t for t in tables)
    assert "<ul>" not in html.split('id="desk-lists"')[1]
