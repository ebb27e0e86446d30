"""A circulation in the browser, from registration to the last reader's sign-off and return."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from baomi.core.models import OrgUnit
from baomi.demo import load_demo
from baomi.flows.models import Circulation
from baomi.ledger.models import Cabinet, Copy, Document

from .test_shell import sign_in


@pytest.fixture
def demo(committed_db):  # type: ignore[no-untyped-def]
    load_demo()


def sign_out(page) -> None:  # type: ignore[no-untyped-def]
    page.click("header form button[type=submit]")


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
    page.select_option("select[name=scope_departments]", [str(planning.pk)])
    page.click("form.stacked button[type=submit]")
    expect(page.locator("h1")).to_have_text("关于开展年度保密检查的通知")
    copy = Copy.objects.get(document=Document.objects.get(title="关于开展年度保密检查的通知"))

    page.goto("/flows/")
    circulate = page.locator("form[action='/flows/circulate/']")
    circulate.locator("input[name=code]").fill(copy.scan_code)
    circulate.locator("input[name=readers]").fill("徐军、孙丽")
    circulate.locator("button").click()
    circulation = Circulation.objects.get(copy=copy)
    hand = f"form[action='/flows/circulations/{circulation.pk}/hand/'] button"
    back = f"form[action='/flows/circulations/{circulation.pk}/take-back/'] button"

    for reader in ("xujun", "sunli"):
        page.click(hand)
        expect(page.locator("main")).to_contain_text("已送下一位阅件人")
        sign_out(page)
        sign_in(page, reader)
        page.goto("/flows/")
        page.click("form[action^='/flows/steps/'] button")
        expect(page.locator("main")).to_contain_text("已签收")
        sign_out(page)
        sign_in(page, "yangxue")
        page.goto("/flows/")
        page.click(back)
        expect(page.locator("main")).to_contain_text("已收回")

    copy.refresh_from_db()
    circulation.refresh_from_db()
    assert copy.state == Copy.State.IN_CABINET and circulation.state == "done"
    page.goto(f"/ledger/copies/{copy.pk}/")
    expect(page.locator("main")).to_contain_text("copy.returned")
    expect(page).to_have_url(re.compile(rf"/ledger/copies/{copy.pk}/$"))
