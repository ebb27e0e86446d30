"""The clerk registers in the browser: the marking composed with its live preview, a marking
typed whole read back into its parts, the cabinet list narrowed to the cabinets that may hold the
level, the scope from the department tree and a people search, and "save and register the next"."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from baomi.core.models import OrgUnit
from baomi.demo import load_demo
from baomi.ledger.models import Cabinet, Document

from .test_shell import sign_in


@pytest.fixture
def demo(committed_db):  # type: ignore[no-untyped-def]
    load_demo()


def offered(page) -> list[str]:  # type: ignore[no-untyped-def]
    """The cabinets one can choose now, by code."""
    return page.eval_on_selector_all(
        "select[name=cabinet] option[data-classified]:not([disabled])",
        "options => options.map(o => o.textContent.split(' ')[0])",
    )


def test_the_clerk_composes_the_marking_and_registers_the_next(page, demo, shot):
    sign_in(page, "yangxue")  # 杨雪, confidential clerk
    page.goto("/ledger/incoming/new/")
    expect(page.locator("input[name=title]")).to_be_focused()
    secure = sorted(Cabinet.objects.filter(for_classified=True).values_list("code", flat=True))
    assert sorted(offered(page)) == sorted(Cabinet.objects.values_list("code", flat=True))

    page.fill("input[name=title]", "关于报送年度保密工作总结的通知")
    page.fill("input[name=issuer]", "市保密局")
    page.fill("input[name=issued_on]", "2026-11-20")
    # composed from its parts: the preview and the marking field follow as one types
    page.select_option("select[name=level]", "3")
    page.select_option("select[name=period_form]", "years")
    page.fill("input[name=period_value]", "10")
    expect(page.locator("#marking-preview")).to_have_text("机密★10年")
    expect(page.locator("input[name=marking]")).to_have_value("机密★10年")
    assert sorted(offered(page)) == secure and "BGS-01" not in offered(page)
    # an unclassified level offers the ordinary cabinets only
    page.select_option("select[name=level]", "1")
    assert offered(page) == ["BGS-01"]
    expect(page.locator("input[name=period_value]")).to_be_hidden()
    # a marking typed whole, as a scanner types it, is read back into the parts
    page.fill("input[name=marking]", "秘密*6月")
    expect(page.locator("select[name=level]")).to_have_value("2")
    expect(page.locator("select[name=period_form]")).to_have_value("months")
    expect(page.locator("#marking-preview")).to_have_text("秘密★6个月")
    assert sorted(offered(page)) == secure
    page.fill("input[name=marking]", "")
    page.select_option("select[name=level]", "3")
    page.select_option("select[name=period_form]", "years")
    page.fill("input[name=period_value]", "10")
    expect(page.locator("#marking-preview")).to_have_text("机密★10年")

    page.select_option("select[name=cabinet]", str(Cabinet.objects.get(code="JYS-01").pk))
    planning = OrgUnit.objects.get(name="综合规划科")
    page.check(f"input[name=scope_departments][value='{planning.pk}']")
    people = page.locator("input[name=scope_persons]")
    people.fill("xj")  # 徐军 by his pinyin initials
    suggestion = page.locator("[data-people-picker] .dropdown-item").first
    expect(suggestion).to_contain_text("徐军")
    suggestion.click()
    expect(people).to_have_value("徐军、")
    shot("register-form")

    page.click("button[name=and_next]")
    document = Document.objects.get(title="关于报送年度保密工作总结的通知")
    assert document.marking == "机密★10年"
    message = page.locator(".alert-success")
    expect(message).to_contain_text("关于报送年度保密工作总结的通知（机密★10年）")
    expect(message.locator("a")).to_have_attribute("href", f"/ledger/documents/{document.pk}/")
    # the next one starts from this one: issuer, date, cabinet and scope; the title is empty
    expect(page.locator("input[name=title]")).to_have_value("")
    expect(page.locator("input[name=title]")).to_be_focused()
    expect(page.locator("input[name=issuer]")).to_have_value("市保密局")
    expect(page.locator("input[name=issued_on]")).to_have_value("2026-11-20")
    expect(page.locator(f"input[name=scope_departments][value='{planning.pk}']")).to_be_checked()
    expect(people).to_have_value("徐军")
    expect(page.locator("select[name=cabinet] option:checked")).to_contain_text("JYS-01")
