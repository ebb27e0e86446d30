"""A reader on a phone (390 px): the menu folds into a button, and what she holds, signs for and
asked for can be read and done without sideways scrolling."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from baomi.core.levels import Level
from baomi.core.models import OrgUnit
from baomi.demo import load_demo
from baomi.flows.models import CirculationStep
from baomi.flows.services.circulation import hand_to_reader, start_circulation
from baomi.ledger.models import Copy
from baomi.people.models import Person

from .test_shell import sign_in

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def handed(committed_db):  # type: ignore[no-untyped-def]
    """孙丽 of 综合规划科 has a copy handed to her in a circulation, waiting for her signature."""
    load_demo()
    clerk, reader = Person.objects.get(username="yangxue"), Person.objects.get(username="sunli")
    planning = OrgUnit.objects.get(name="综合规划科")
    copy = (
        Copy.objects.filter(
            state=Copy.State.IN_CABINET,
            document__scope__department=planning,
            document__level__lte=Level.SECRET,  # an important-tier reader reads 机密
        )
        .order_by("pk")
        .first()
    )
    circulation = start_circulation(actor=clerk, copy=copy, readers=[reader])
    hand_to_reader(actor=clerk, circulation=circulation)
    return copy


# what sticks out on the right, to name it when the page scrolls sideways
WIDEST = """() => [...document.querySelectorAll('main *')]
    .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
    .map((e) => e.tagName + '.' + e.className + ': ' + (e.textContent || '').trim().slice(0, 40))
    .slice(0, 5)"""


def no_sideways_scroll(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], page.evaluate(WIDEST)


def test_a_reader_signs_for_a_copy_and_sees_her_requests_on_a_phone(page, shot, handed):
    page.set_viewport_size(PHONE)
    sign_in(page, "sunli")
    menu = page.locator("nav.menu")
    expect(menu).to_be_hidden()
    shot("reader-phone-home")
    no_sideways_scroll(page)

    page.click(".navbar-toggler")
    expect(menu).to_be_visible()
    shot("reader-phone-menu", full_page=False)
    menu.locator("a", has_text="工作台").click()
    expect(page.locator("main")).to_contain_text(handed.label)
    shot("reader-phone-to-sign")
    no_sideways_scroll(page)
    page.locator("main form[action^='/flows/steps/'] button").first.click()
    expect(page.locator("main")).to_contain_text("已签收")
    step = CirculationStep.objects.get(circulation__copy=handed, reader__username="sunli")
    assert step.signed_at is not None

    page.goto("/approvals/")
    expect(page.locator("main")).to_contain_text("我的申请")
    no_sideways_scroll(page)
    shot("reader-phone-approvals")
