"""A classified meeting in the browser: the plan approved, check-in at the door (a walk-in
refused), documents handed out, a 绝密 copy collected at the recess, the close with one copy
missing (reported, on the chase list) until it is found and returned."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from baomi.demo import load_demo
from baomi.flows.models import LossReport
from baomi.ledger.models import Cabinet
from baomi.meetings.models import Meeting

from .test_circulation import sign_out
from .test_shell import sign_in


@pytest.fixture
def demo(committed_db):  # type: ignore[no-untyped-def]
    load_demo()


def test_a_meeting_from_plan_approval_to_the_return_of_a_missing_copy(page, demo):
    sign_in(page, "yangxue")  # 杨雪, confidential clerk, organizes
    page.goto("/meetings/")
    page.fill("input[name=title]", "重大项目布局专题会")
    page.select_option("select[name=level]", "4")
    page.fill("input[name=venue]", "机关三号会议室")
    page.fill("input[name=starts_at]", "2026-11-25T09:00")
    page.fill("input[name=security_lead]", "周强")
    page.select_option("select[name=cabinet]", str(Cabinet.objects.get(code="JYS-01").pk))
    page.click("form.card button[type=submit]")
    expect(page.locator("h1")).to_have_text("重大项目布局专题会")
    meeting = Meeting.objects.get()

    page.fill("textarea[name=plan]", "会场封闭管理，手机统一存放。")
    for check in (
        "venue_checked",
        "no_wireless_microphones",
        "venue_not_shared",
        "discipline_prepared",
    ):
        page.check(f"input[name={check}]")
    page.click(f"form[action='/meetings/{meeting.pk}/plan/'] button")
    page.fill("input[name=people]", "张伟、刘洋")
    page.click(f"form[action='/meetings/{meeting.pk}/participants/'] button")
    page.fill(f"form[action='/meetings/{meeting.pk}/documents/'] input[name=title]", "布局方案")
    page.fill("input[name=marking]", "绝密★长期")
    page.click(f"form[action='/meetings/{meeting.pk}/documents/'] button")
    sign_out(page)

    sign_in(page, "zhangwei")  # 张伟, leader, approves the plan
    page.goto(f"/meetings/{meeting.pk}/")
    page.click("#approve")
    expect(page.locator("#state")).to_have_text("方案已批准")
    sign_out(page)

    sign_in(page, "yangxue")
    page.goto(f"/meetings/{meeting.pk}/")
    for name in ("张伟", "刘洋"):
        page.fill("#check-in input[name=name]", name)
        page.click("#check-in button")
    page.fill("#check-in input[name=name]", "孙丽")  # not on the list
    page.click("#check-in button")
    expect(page.locator("main")).to_contain_text("MTG.ATTENDEES")
    page.check("#open input[name=discipline]")
    page.click("#open button")
    expect(page.locator("#state")).to_have_text("会议进行中")

    document = meeting.documents.get().document
    first, second = (c.scan_code for c in document.copies.order_by("copy_no"))

    def scan(form: str, code: str, person: str = "") -> None:
        page.fill(f"{form} input[name=code]", code)
        if person:
            page.fill(f"{form} input[name=person]", person)
        page.click(f"{form} button")

    scan("#hand-out", first, "张伟")
    scan("#hand-out", second, "刘洋")
    page.click("#session button[value=recess]")
    scan("#collect", first)
    page.click("#session button[value=resume]")  # 刘洋 still has a 绝密 copy
    expect(page.locator("main")).to_contain_text("MTG.DOCS")
    scan("#collect", second)
    page.click("#session button[value=resume]")
    expect(page.locator("#state")).to_have_text("会议进行中")
    scan("#hand-out", first, "张伟")
    scan("#hand-out", second, "刘洋")
    scan("#collect", first)
    page.check("#session input[name=left_behind]")
    page.click("#session button[value=close]")
    expect(page.locator("#state")).to_have_text("已闭会")
    expect(page.locator("#chase")).to_contain_text(second)
    expect(page.locator("#chase")).to_contain_text("刘洋")

    page.goto("/flows/")  # the missing copy is an incident at once
    lost = page.locator("form[action='/flows/lost/']")
    lost.locator("input[name=code]").fill(second)
    lost.locator("input[name=circumstances]").fill("闭会清退时未交回")
    lost.locator("button").click()
    assert LossReport.objects.filter(state="open").count() == 1
    page.goto(f"/meetings/{meeting.pk}/")
    expect(page.locator("#chase")).to_contain_text("已报失")
    sign_out(page)

    sign_in(page, "zhouqiang")  # 周强, security officer: it was found
    page.goto("/flows/losses/")
    page.fill("input[name=note]", "在刘洋办公室找到")
    page.click("button[value=found]")
    sign_out(page)

    sign_in(page, "yangxue")
    page.goto(f"/meetings/{meeting.pk}/")
    scan("#collect", second)
    expect(page.locator("#chase")).to_contain_text("收回")
