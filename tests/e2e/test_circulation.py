"""A circulation in the browser, from registration to the last reader's sign-off and return: one
reader signs on their own page, the other before the clerk with their password; the copy moves on
only once its reader has signed (DOC.CIRC.IN_PERSON)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from baomi.audit.models import AuditEvent
from baomi.core.models import OrgUnit
from baomi.demo import DEMO_PASSWORD, load_demo
from baomi.flows.models import Circulation
from baomi.flows.rules import SIGNED_ON_THE_PAGE, SIGNED_WITH_PASSWORD
from baomi.ledger.models import Cabinet, Copy, Document
from baomi.people.models import Person

from .test_shell import sign_in


@pytest.fixture
def demo(committed_db):  # type: ignore[no-untyped-def]
    load_demo()


def sign_out(page) -> None:  # type: ignore[no-untyped-def]
    page.click("header form button[type=submit]")


def scan(page, copy: Copy) -> None:  # type: ignore[no-untyped-def]
    """What a USB scanner does in the workbench's scan field: the code, then Enter; then the
    wait for that copy's panel (the one shown before may be another copy's)."""
    field = page.locator("#scan-code")
    field.click()
    field.fill("")
    page.keyboard.type(copy.scan_code)
    page.keyboard.press("Enter")
    expect(page.locator(f"#desk-panel [data-copy='{copy.pk}']")).to_be_visible()


HAND = "#desk-panel form[data-action=hand] button[type=submit]"
TAKE_BACK = "#desk-panel form[data-action=take_back] button[type=submit]"


def start_circulation(page, names: str) -> None:  # type: ignore[no-untyped-def]
    """From the scanned copy's panel: circulate it to the readers picked by `names`."""
    circulate = page.locator("#desk-panel form[data-action=circulate]")
    readers = circulate.locator("input[name=readers]")
    readers.fill(names)
    expect(circulate.locator("[role=listbox] .dropdown-item").first).to_be_visible()
    readers.press("Escape")
    circulate.locator("button[type=submit]").click()
    expect(page.locator("#desk-panel .alert-success")).to_contain_text("传阅已开始")


def sign_on_own_page(page, reader: str, clerk: str) -> None:  # type: ignore[no-untyped-def]
    """The reader signs for the copy handed to them on their own workbench, and the clerk
    signs in again."""
    sign_out(page)
    sign_in(page, reader)
    page.goto("/flows/")
    page.click("form[action^='/flows/steps/'] button")
    expect(page.locator("main")).to_contain_text("已签收")
    sign_out(page)
    sign_in(page, clerk)
    page.goto("/flows/")


def sign_before_the_clerk(page, secret: str):  # type: ignore[no-untyped-def]
    """The reader types their password into the copy's panel at the clerk's counter; returns
    the panel's answer."""
    present = page.locator("#desk-panel form[data-action=sign_present]")
    present.locator("input[name=secret]").fill(secret)
    present.locator("button").click()
    return page.locator("#desk-panel .alert-success, #desk-panel .alert-danger")


def test_a_circulation_from_registration_to_the_last_return(page, demo):
    sign_in(page, "yangxue")  # 杨雪, confidential clerk
    page.goto("/ledger/incoming/new/")
    page.fill("input[name=title]", "关于开展年度保密检查的通知")
    page.fill("input[name=issuer]", "市保密局")
    page.fill("input[name=issued_on]", "2026-11-16")
    page.fill("input[name=marking]", "秘密★1年")
    page.fill("input[name=copies]", "1")
    page.select_option("select[name=cabinet]", str(Cabinet.objects.get(code="JYS-01").pk))
    planning = OrgUnit.objects.get(name="综合规划科")
    page.check(f"input[name=scope_departments][value='{planning.pk}']")
    page.click("form[data-registration] button[type=submit]:not([name])")
    # the document page's header: the marking, the title and the state
    expect(page.locator("h1")).to_contain_text("关于开展年度保密检查的通知")
    copy = Copy.objects.get(document=Document.objects.get(title="关于开展年度保密检查的通知"))

    # the scanner types the label's code and Enter: the copy's actions open in place
    page.goto("/flows/")
    scan(page, copy)
    start_circulation(page, "徐军、孙丽")
    circulation = Circulation.objects.get(copy=copy)
    hand, back = HAND, TAKE_BACK

    # 徐军 signs on his own page; until then the copy neither comes back nor moves on
    page.click(hand)
    expect(page.locator("#desk-panel")).to_contain_text("已送下一位阅件人")
    page.click(back)
    expect(page.locator("#desk-panel .alert-danger")).to_contain_text("DOC.CIRC.IN_PERSON")
    sign_on_own_page(page, "xujun", "yangxue")
    scan(page, copy)
    page.click(back)
    expect(page.locator("#desk-panel .alert-success")).to_contain_text("已收回")

    # 孙丽 signs before the clerk: a wrong password signs nothing, her own password does
    page.click(hand)
    expect(page.locator("#desk-panel")).to_contain_text("已送下一位阅件人")
    expect(sign_before_the_clerk(page, "not-her-password")).to_contain_text("DOC.CIRC.IN_PERSON")
    expect(page.locator("#desk-panel .alert-danger")).to_be_visible()
    expect(sign_before_the_clerk(page, DEMO_PASSWORD)).to_contain_text("阅件人已签收")
    expect(page.locator("#desk-panel .alert-success")).to_be_visible()
    expect(page.locator("#desk-panel form[data-action=sign_present]")).to_have_count(0)
    page.click(back)
    expect(page.locator("#desk-panel .alert-success")).to_contain_text("已收回")

    signed = AuditEvent.objects.filter(action="circulation.signed").order_by("seq")
    people = {p.pk: p.username for p in Person.objects.all()}
    assert [(people[int(e.actor_id)], e.event["data"]["how"]) for e in signed] == [
        ("xujun", SIGNED_ON_THE_PAGE),
        ("yangxue", SIGNED_WITH_PASSWORD),
    ]
    assert AuditEvent.objects.filter(action="circulation.signature_refused").count() == 1
    copy.refresh_from_db()
    circulation.refresh_from_db()
    assert copy.state == Copy.State.IN_CABINET and circulation.state == "done"
    page.goto(f"/ledger/copies/{copy.pk}/")
    page.click("a[href='#tab-history']")
    expect(page.locator(".audit-history")).to_contain_text("归还")
    expect(page.locator("main")).not_to_contain_text("copy.returned")
    # the open tab is kept in the address, so a reload or a shared link opens it again
    expect(page).to_have_url(re.compile(rf"/ledger/copies/{copy.pk}/#tab-history$"))
