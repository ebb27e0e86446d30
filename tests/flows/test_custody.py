"""人离文入柜 (DOC.CUSTODY.NIGHT): the closing check's sheet per department and day, signed off by
its clerk and printed; copies still out next morning escalated; days the check did not run."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from baomi import policy
from baomi.audit.models import AuditEvent
from baomi.core.jobs import jobs
from baomi.core.models import Notification
from baomi.core.visibility import NotVisible
from baomi.flows.models import ClosingCheck, ClosingException, ClosingSheet
from baomi.flows.services import (
    check_custody_at_closing,
    escalate_still_out,
    return_loan,
    sign_closing_sheet,
    unchecked_days,
)
from tests.support import recorded, rule_ids
from tests.support.factories import lend, person

from .conftest import MORNING, SHANGHAI

pytestmark = pytest.mark.django_db

EVENING = MORNING.replace(hour=19)
NEXT_MORNING = MORNING.replace(hour=8, minute=30) + dt.timedelta(days=1)


def _checked_with_one_copy_out(org, copy, clock_at):
    loan = lend(org, copy, org["people"]["insider"])
    clock_at(EVENING)
    assert check_custody_at_closing() == 1
    room = org["cabinet"].department
    return loan, ClosingSheet.objects.get(department=room)


@pytest.mark.applied("DOC.CUSTODY.NIGHT")
def test_the_closing_check_keeps_a_sheet_per_department_that_its_clerk_signs_off(
    org, copy, clock_at
):
    _, sheet = _checked_with_one_copy_out(org, copy, clock_at)
    clerk, insider = org["people"]["clerk"], org["people"]["insider"]
    check = ClosingCheck.objects.get()
    assert (check.day, sheet.closing, sheet.exceptions) == (EVENING.date(), check, 1)
    [line] = sheet.lines.all()
    assert (line.copy, line.holder, line.state) == (copy, insider, "on_loan")
    # the ordinary cabinet's department keeps no classified copies: it has no sheet
    assert set(ClosingSheet.objects.values_list("department", flat=True)) == {sheet.department_id}
    recorded("custody.checked", check, exceptions=[copy.pk], sheets=[sheet.pk])
    # the sheet is the room's: its clerk knows it, a reader does not
    assert list(ClosingSheet.objects.visible_to(clerk)) == [sheet]
    assert not ClosingSheet.objects.visible_to(insider).exists()
    sign_closing_sheet(actor=clerk, sheet=sheet, note=" 已催还 ")
    sheet.refresh_from_db()
    assert (sheet.signed_by, sheet.signed_at, sheet.note) == (clerk, EVENING, "已催还")
    recorded("custody.sheet_signed", sheet, actor=clerk, day=str(EVENING.date()), note="已催还")
    with pytest.raises(ValidationError):  # once
        sign_closing_sheet(actor=clerk, sheet=sheet)


@pytest.mark.refuses("ACC.ROLE")
def test_only_a_clerk_of_the_department_signs_its_sheet(org, copy, clock_at):
    _, sheet = _checked_with_one_copy_out(org, copy, clock_at)
    with pytest.raises(NotVisible):  # a reader does not know the sheet at all
        sign_closing_sheet(actor=org["people"]["insider"], sheet=sheet)
    # the security officer follows every sheet, but signs none: that is the clerk's
    with pytest.raises(policy.RuleViolation) as raised:
        sign_closing_sheet(actor=org["people"]["officer"], sheet=sheet)
    assert rule_ids(raised) == ["ACC.ROLE"]
    other = person(
        "other_clerk", org["units"]["planning"], posts=("clerk",), tier=org["people"]["clerk"].tier
    )
    with pytest.raises((NotVisible, ValidationError)):
        sign_closing_sheet(actor=other, sheet=sheet)
    sheet.refresh_from_db()
    assert sheet.signed_at is None
    assert not AuditEvent.objects.filter(action="custody.sheet_signed").exists()


@pytest.mark.applied("DOC.CUSTODY.NIGHT")
def test_a_copy_still_out_next_morning_goes_to_the_security_office(org, clock_at):
    out, back = (org["document"].copies.get(copy_no=n) for n in (1, 2))
    clerk = org["people"]["clerk"]
    lend(org, out, org["people"]["insider"], actor=clerk)
    loan = lend(org, back, org["people"]["reader2"], actor=clerk)
    clock_at(EVENING)
    assert check_custody_at_closing() == 2
    assert "copies still out next morning escalated" in {j.name for j in jobs()}
    clock_at(NEXT_MORNING - dt.timedelta(minutes=5))
    return_loan(actor=org["people"]["clerk"], loan=loan)
    assert escalate_still_out() == 0  # not yet morning
    clock_at(NEXT_MORNING)
    assert escalate_still_out() == 1
    assert escalate_still_out() == 0  # looked at once
    lines = {line.copy: line for line in ClosingException.objects.all()}
    assert lines[out].escalated_at == NEXT_MORNING
    assert lines[back].escalated_at is None and lines[back].morning_checked_at == NEXT_MORNING
    [notice] = Notification.objects.filter(kind="custody.still_out")
    assert notice.person == org["people"]["officer"] and notice.data["copies"] == [out.pk]
    sheet = lines[out].sheet
    recorded("custody.morning_checked", sheet, still_out=[out.pk])


@pytest.mark.applied("DOC.CUSTODY.NIGHT")
def test_a_day_on_which_the_check_did_not_run_is_listed(org, copy, clock_at):
    day1 = EVENING
    clock_at(day1)
    check_custody_at_closing()
    clock_at(day1 + dt.timedelta(days=2, hours=-2))  # 17:00 on the third day: before closing
    assert unchecked_days() == [(day1 + dt.timedelta(days=1)).date()]
    clock_at(day1 + dt.timedelta(days=3))  # the third day's check never ran either
    check_custody_at_closing()
    assert unchecked_days() == [(day1 + dt.timedelta(days=n)).date() for n in (2, 1)]


def _signed_in(someone):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(someone)
    return client


def test_the_clerk_sees_signs_and_prints_the_sheet_on_its_pages(org, copy, clock_at):
    _, sheet = _checked_with_one_copy_out(org, copy, clock_at)
    clock_at(EVENING + dt.timedelta(days=2))
    check_custody_at_closing()  # the day between is missed
    clerk = org["people"]["clerk"]
    client = _signed_in(clerk)
    page = client.get("/flows/closing/").content.decode()
    assert "Days on which the check did not run" in page and "2026-11-21" in page
    assert f"/flows/closing/{sheet.pk}/" in page
    page = client.get(f"/flows/closing/{sheet.pk}/").content.decode()
    assert copy.label in page and "Sign off the sheet" in page
    client.post(f"/flows/closing/{sheet.pk}/sign/", {"note": "已催还"})
    sheet.refresh_from_db()
    assert sheet.signed_by == clerk
    assert sheet.signed_at == (EVENING + dt.timedelta(days=2)).astimezone(SHANGHAI)
    page = client.get(f"/flows/closing/{sheet.pk}/").content.decode()
    # the time is a <time> element: the sentence as the page reads
    assert "Signed off by clerk at 2026-11-22 19:00." in re.sub(r"<[^>]+>", "", page)
    printed = client.get(f"/flows/closing/{sheet.pk}/sheet.pdf")
    assert printed["Content-Type"] == "application/pdf"
    assert printed.content.startswith(b"%PDF")
    # a reader of the document is no keeper of the room's sheets
    reader = _signed_in(org["people"]["insider"])
    assert reader.get(f"/flows/closing/{sheet.pk}/").status_code == 404
    assert reader.get(f"/flows/closing/{sheet.pk}/sheet.pdf").status_code == 404
    assert "2026-11-21" not in reader.get("/flows/closing/").content.decode()
