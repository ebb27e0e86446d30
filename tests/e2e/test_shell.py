"""A leader's first minutes: sign in, switch language, see the dashboard, approve a request from
the inbox; and the idle lock that keeps an unsaved form."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from baomi.approvals.models import Approval
from baomi.demo import DEMO_PASSWORD, load_demo
from baomi.people.models import Person
from baomi.policy.services import set_parameter


@pytest.fixture
def demo(committed_db):  # type: ignore[no-untyped-def]
    load_demo()
    return Approval.objects.get(requester__username="sunli", state="pending")


APPROVE = "form.decision button[type=submit]:not([formaction])"


def sign_in(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("h1")).to_have_text("登录")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form.login button[type=submit]")


def test_a_leader_signs_in_switches_language_and_approves_from_the_inbox(page, demo):
    sign_in(page, "xujun")  # 徐军, leader of 综合规划科, where the request comes from
    expect(page.locator(".page-title")).to_contain_text("徐军")
    expect(page.locator("main")).to_contain_text("待我审批")

    page.select_option("select[name=language]", "en")
    approvals = page.locator("[data-card=approvals]")
    expect(approvals).to_contain_text("Approvals awaiting me")
    expect(approvals.locator("a.h1")).to_have_text("1")
    expect(page.locator("header")).to_contain_text("Sign out")

    page.click("nav.menu >> text=Approvals")
    expect(page).to_have_url(re.compile(r"/approvals/$"))
    page.click("text=携带第000003份至市政府参加规划协调会")
    page.fill("textarea[name=comment]", "同意，当日带回。")
    page.click(APPROVE)
    expect(page.locator("main .state")).to_have_class(re.compile("state-approved"))
    expect(page.locator("main")).to_contain_text("Approved.")
    demo.refresh_from_db()
    assert demo.state == "approved" and demo.decided_by.username == "xujun"
    assert demo.comment == "同意，当日带回。"


def test_the_idle_lock_keeps_the_unsaved_form(page, allow_response, demo):
    secadmin = Person.objects.get(username="secadmin")
    set_parameter(actor=secadmin, rule_id="SYS.LOCK", name="idle_minutes", value=1, reason="测试")
    allow_response(403, r"^/accounts/unlock/$", reason="the wrong password is refused")
    page.clock.install()
    sign_in(page, "xujun")
    page.goto(f"/approvals/{demo.pk}/")
    page.fill("textarea[name=comment]", "尚未保存的意见")
    page.clock.fast_forward("01:05")
    expect(page.locator("#lock-overlay")).to_be_visible()
    page.fill("#lock-form input[name=password]", "not-my-password")
    page.click("#lock-form button[type=submit]")
    expect(page.locator("#lock-error")).to_be_visible()
    page.fill("#lock-form input[name=password]", DEMO_PASSWORD)
    page.click("#lock-form button[type=submit]")
    expect(page.locator("#lock-overlay")).to_be_hidden()
    expect(page.locator("textarea[name=comment]")).to_have_value("尚未保存的意见")
    page.click(APPROVE)
    expect(page.locator("main .state")).to_have_class(re.compile("state-approved"))
    demo.refresh_from_db()
    assert demo.state == "approved" and demo.comment == "尚未保存的意见"


# the brand's right edge, the left and right edges of what the menu shows at the top level, the
# user menu's left edge, and the page's width
MENU_EDGES = """() => {
    const boxes = [...document.querySelectorAll('nav.menu > .nav-item, nav.menu > a')]
        .map((e) => e.getBoundingClientRect());
    return [document.querySelector('.baomi-brand').getBoundingClientRect().right,
            Math.min(...boxes.map((b) => b.left)), Math.max(...boxes.map((b) => b.right)),
            document.querySelector('.baomi-user-menu').getBoundingClientRect().left,
            document.documentElement.scrollWidth,
            // the brand shown whole, not cut short under the menu
            document.querySelector('.baomi-brand').scrollWidth
                <= document.querySelector('.baomi-brand').clientWidth];
}"""


@pytest.mark.parametrize("width", [1280, 1440])
def test_every_roles_menu_fits_beside_the_user_menu_on_a_desktop(page, shot, demo, width):
    page.set_viewport_size({"width": width, "height": 800})
    # the clerk has the longest menu; a leader-clerk, the security officer, each administrator
    for username in ("yangxue", "chenmin", "zhouqiang", "sysadmin", "secadmin", "auditor"):
        page.context.clear_cookies()
        sign_in(page, username)
        expect(page.locator("nav.menu")).to_be_visible()
        for language in ("zh-hans", "en"):
            if language == "en":  # the choice submits the form, and the page loads again
                with page.expect_navigation():
                    page.select_option("select[name=language]", language)
            expect(page.locator("html")).to_have_attribute("lang", language)
            if username == "yangxue" and language == "zh-hans":
                # the pages one opens now and then wait under "More"
                page.click("nav.menu >> text=更多")
                expect(page.locator("#nav-more >> text=保密规则")).to_be_visible()
                shot(f"clerk-menu-{width}-more", full_page=False)
                page.keyboard.press("Escape")
            brand_right, menu_left, menu_right, user_left, scroll_width, whole = page.evaluate(
                MENU_EDGES
            )
            assert whole, (username, language, "the brand is cut short")
            assert brand_right <= menu_left, (username, language, brand_right, menu_left)
            assert menu_right < user_left, (username, language, menu_right, user_left)
            assert scroll_width <= width, (username, language, scroll_width)
