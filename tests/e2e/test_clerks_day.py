"""The clerk's day in the browser: 杨雪 registers an incoming document with three copies, prints
their labels, lends one by scanning its label and takes it back by scanning it again, sends one
round two readers who sign, lends the third, and at closing time finds that one on the day's
end-of-day check sheet, which she signs off."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core.management import call_command
from playwright.sync_api import expect

from baomi.approvals.services import approve, approvers
from baomi.audit.models import AuditEvent
from baomi.core import clock
from baomi.core.models import OrgUnit
from baomi.demo import DEMO_PASSWORD, load_demo
from baomi.flows.models import ClosingSheet, Loan
from baomi.flows.services.loans import ask_to_borrow
from baomi.ledger.models import Cabinet, Copy, Document
from baomi.people.models import Person

from .test_circulation import (
    HAND,
    TAKE_BACK,
    scan,
    sign_before_the_clerk,
    sign_on_own_page,
    sign_out,
    start_circulation,
)
from .test_shell import sign_in

TITLE = "关于做好年终保密自查工作的通知"


@pytest.fixture
def demo(committed_db):  # type: ignore[no-untyped-def]
    load_demo()


def _lend(page, borrower: str) -> None:  # type: ignore[no-untyped-def]
    lend = page.locator("#desk-panel form[data-action=lend]")
    field = lend.locator("input[name=borrower]")
    field.fill(borrower)
    expect(lend.locator("[role=listbox] .dropdown-item").first).to_be_visible()
    field.press("Escape")
    expect(lend.locator("input[name=due_at]")).not_to_have_value("")  # the due time, before lending
    lend.locator("button[type=submit]").click()
    expect(page.locator("#desk-panel .alert-success")).to_be_visible()


def test_the_clerks_day_from_registration_to_the_end_of_day_check(page, demo, shot):
    # a working morning of tomorrow, so the day's closing time is ahead whenever the suite runs
    morning = clock.at(clock.today() + dt.timedelta(days=1), "09:00")
    with time_machine.travel(morning, tick=True) as traveller:
        page.set_viewport_size({"width": 1280, "height": 900})
        sign_in(page, "yangxue")  # 杨雪, confidential clerk of 综合规划科
        page.goto("/ledger/incoming/new/")
        page.fill("input[name=title]", TITLE)
        page.fill("input[name=issuer]", "市保密局")
        page.fill("input[name=issued_on]", (clock.today() - dt.timedelta(days=1)).isoformat())
        page.fill("input[name=marking]", "秘密★1年")
        page.fill("input[name=copies]", "3")
        page.select_option("select[name=cabinet]", str(Cabinet.objects.get(code="JYS-01").pk))
        planning = OrgUnit.objects.get(name="综合规划科")
        page.check(f"input[name=scope_departments][value='{planning.pk}']")
        page.click("form[data-registration] button[type=submit]:not([name])")
        expect(page.locator("h1")).to_contain_text(TITLE)
        document = Document.objects.get(title=TITLE)
        first, second, third = Copy.objects.filter(document=document).order_by("copy_no")

        # the labels: one per copy, naming the copy and never the title
        page.click(f"a[href='/ledger/documents/{document.pk}/labels/']")
        expect(page.locator(".labels .label")).to_have_count(3)
        expect(page.locator(".labels")).not_to_contain_text(TITLE)
        expect(page.locator("button[data-print]")).to_be_visible()
        shot("clerk-labels")

        # 孙丽 asks twice to borrow it and the office head approves (DOC.LOAN.APPROVAL); the
        # leader's side of an approval has its own browser test
        reader = Person.objects.get(username="sunli")
        for reason in ("起草年终自查报告", "核对自查表"):
            asked = ask_to_borrow(actor=reader, document=document, reason=reason)
            approve(actor=approvers(asked)[0], approval=asked)

        # lend by scan, then the same scan brings it back
        page.goto("/flows/")
        scan(page, first)
        shot("clerk-workbench-scan")
        _lend(page, "孙丽")
        first.refresh_from_db()
        assert first.state == Copy.State.ON_LOAN and first.holder.username == "sunli"
        scan(page, first)
        expect(page.locator("#desk-panel .alert-success")).to_contain_text("孙丽已归还")
        first.refresh_from_db()
        assert first.state == Copy.State.IN_CABINET
        assert Loan.objects.get(copy=first).returned_at is not None

        # a circulation: 徐军 signs on his own page, 孙丽 before the clerk with her password
        scan(page, second)
        start_circulation(page, "徐军、孙丽")
        page.click(HAND)
        expect(page.locator("#desk-panel")).to_contain_text("已送下一位阅件人")
        sign_on_own_page(page, "xujun", "yangxue")
        scan(page, second)
        page.click(TAKE_BACK)
        expect(page.locator("#desk-panel .alert-success")).to_contain_text("已收回")
        page.click(HAND)
        expect(page.locator("#desk-panel")).to_contain_text("已送下一位阅件人")
        expect(sign_before_the_clerk(page, DEMO_PASSWORD)).to_contain_text("阅件人已签收")
        page.click(TAKE_BACK)
        expect(page.locator("#desk-panel .alert-success")).to_contain_text("已收回")
        signed = AuditEvent.objects.filter(action="circulation.signed").count()
        assert signed == 2

        # the third copy goes out and is still out at closing time
        scan(page, third)
        _lend(page, "孙丽")
        page.set_viewport_size({"width": 768, "height": 1024})  # the tablet on the counter
        page.goto("/flows/")
        expect(page.locator("#scan-code")).to_be_visible()
        # a copy in the cabinet (scanning one out on loan would take it back): its actions
        scan(page, first)
        expect(
            page.locator("#desk-panel form[data-action=lend] button[type=submit]")
        ).to_be_visible()
        # nothing wider than the tablet: the clerk never scrolls the workbench sideways
        width = "[document.documentElement.scrollWidth, window.innerWidth]"
        scroll_width, inner_width = page.evaluate(width)
        assert scroll_width <= inner_width, f"{scroll_width} px wide in a {inner_width} px window"
        shot("clerk-workbench-tablet")
        page.set_viewport_size({"width": 1280, "height": 900})

        traveller.move_to(clock.at(clock.today(), "18:05"))
        call_command("tick")  # what the scheduler runs after closing time
        sheet = ClosingSheet.objects.get(department=document.department, closing__day=clock.today())
        assert sheet.exceptions == 1
        sign_out(page)
        sign_in(page, "yangxue")
        page.goto("/flows/closing/")
        page.click(f"a[href='/flows/closing/{sheet.pk}/']")
        expect(page).to_have_url(re.compile(rf"/flows/closing/{sheet.pk}/$"))
        row = page.locator("tbody tr", has_text=third.label)
        expect(row).to_contain_text("孙丽")
        page.fill("input[name=note]", "孙丽加班阅办，次日上班交回")
        page.click("form[action$='/sign/'] button[type=submit]")
        expect(page.locator("main")).to_contain_text("孙丽加班阅办")
        shot("clerk-closing-sheet")
        sheet.refresh_from_db()
        assert sheet.signed_at is not None and sheet.signed_by.username == "yangxue"
