"""A classified meeting in the browser, from plan to close through its recorded acts: the plan
written, signed off by the security office and then approved, check-in at the door (a walk-in
refused), the discipline announced before any document is handed out, a 绝密 copy collected at
the recess, the venue checked with what was found, one copy reported missing (a loss, on the
chase list) so the meeting closes, until the copy is found and returned."""

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


def test_a_meeting_from_plan_approval_to_the_return_of_a_missing_copy(page, demo, shot):
    sign_in(page, "yangxue")  # 杨雪, confidential clerk, organizes
    page.goto("/meetings/")
    page.fill("input[name=title]", "重大项目布局专题会")
    page.select_option("select[name=level]", "4")
    page.fill("input[name=venue]", "机关三号会议室")
    page.fill("input[name=starts_at]", "2026-11-25T09:00")
    page.fill("input[name=security_lead]", "周强")
    page.select_option("select[name=cabinet]", str(Cabinet.objects.get(code="JYS-01").pk))
    page.click("form.card button[type=submit]")
    expect(page.locator(".object-title")).to_have_text("重大项目布局专题会")
    meeting = Meeting.objects.get()

    def tab(name: str) -> None:  # the meeting page's tabs
        page.click(f"a[href='#tab-{name}']")

    page.fill("textarea[name=plan]", "会场封闭管理，手机统一存放。")
    page.click(f"form[action='/meetings/{meeting.pk}/plan/'] button")
    expect(page.locator("#plan")).to_contain_text("第 1 版")
    tab("participants")
    page.fill("input[name=people]", "张伟、刘洋")
    page.click(f"form[action='/meetings/{meeting.pk}/participants/'] button")
    tab("documents")
    page.fill(f"form[action='/meetings/{meeting.pk}/documents/'] input[name=title]", "布局方案")
    page.fill("input[name=marking]", "绝密★长期")
    page.click(f"form[action='/meetings/{meeting.pk}/documents/'] button")
    sign_out(page)

    sign_in(page, "zhangwei")  # 张伟, leader: a 绝密 plan waits for the security office
    page.goto(f"/meetings/{meeting.pk}/")
    page.click("#approve")
    expect(page.locator("main")).to_contain_text("MTG.SECURITY")
    expect(page.locator("#state")).not_to_have_text("方案已批准")
    sign_out(page)

    sign_in(page, "zhouqiang")  # 周强, security officer and the meeting's security lead
    page.goto(f"/meetings/{meeting.pk}/")
    page.fill("#sign-off textarea[name=venue_inspection]", "会场及音响设备已检查，未发现窃听装置")
    page.select_option("#sign-off select[name=microphones]", "wired")
    page.fill("#sign-off textarea[name=measures]", "封闭管理，不与外宾共用会场，会前宣布保密纪律")
    page.click("#sign-off button")
    expect(page.locator("#signoff")).to_contain_text("周强")
    expect(page.locator("#signoff")).to_contain_text("会场及音响设备已检查")
    sign_out(page)

    sign_in(page, "zhangwei")  # now the leader approves the signed-off plan
    page.goto(f"/meetings/{meeting.pk}/")
    page.click("#approve")
    expect(page.locator("#state")).to_have_text("方案已批准")
    expect(page.locator("#signoff")).to_contain_text("张伟")
    shot("meeting-approved")
    sign_out(page)

    sign_in(page, "yangxue")
    page.goto(f"/meetings/{meeting.pk}/")
    tab("participants")
    for name in ("张伟", "刘洋"):
        page.fill("#check-in input[name=name]", name)
        page.click("#check-in button")
    page.fill("#check-in input[name=name]", "孙丽")  # not on the list
    page.click("#check-in button")
    expect(page.locator("main")).to_contain_text("MTG.ATTENDEES")
    page.click("#open button")
    expect(page.locator("#state")).to_have_text("会议进行中")

    document = meeting.documents.get().document
    first, second = (c.scan_code for c in document.copies.order_by("copy_no"))

    def scan(form: str, code: str, person: str = "") -> None:
        tab("documents")
        page.fill(f"{form} input[name=code]", code)
        if person:
            page.fill(f"{form} input[name=person]", person)
        page.click(f"{form} button")

    scan("#hand-out", first, "张伟")  # the discipline is not announced yet
    expect(page.locator("main")).to_contain_text("MTG.DISCIPLINE")
    tab("proceedings")
    page.fill("#discipline input[name=announced_by]", "张伟")
    page.click("#discipline button")
    expect(page.locator("#discipline")).to_contain_text("张伟")
    expect(page.locator("#discipline")).to_contain_text("杨雪")  # who recorded it
    scan("#hand-out", first, "张伟")
    scan("#hand-out", second, "刘洋")
    expect(page.locator("#chase")).to_contain_text(second)
    shot("meeting-documents")
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
    page.click("#session button[value=close]")  # the venue not checked, a copy out
    expect(page.locator("main")).to_contain_text("MTG.RECALL")

    tab("proceedings")
    venue = page.locator("#venue-check form")
    venue.locator("input[name=checked_by]").fill("杨雪")
    venue.locator("input[name=places]").fill("三号会议室、代表住地")
    venue.locator("input[name=papers_found]").fill("1")
    venue.locator("input[name=findings]").fill("座位上一页草稿，已收回机要室")
    venue.locator("button").click()
    expect(page.locator("#venue-check")).to_contain_text("三号会议室、代表住地")
    expect(page.locator("#venue-check")).to_contain_text("杨雪")
    page.click("#session button[value=close]")  # 刘洋's copy is still out
    expect(page.locator("main")).to_contain_text("MTG.RECALL")
    expect(page.locator("#state")).to_have_text("会议进行中")

    tab("chase")
    page.fill("#report-missing input[name=code]", second)  # a loss, reported at once
    page.fill("#report-missing input[name=circumstances]", "闭会清退时未交回")
    page.click("#report-missing button")
    lost = LossReport.objects.get(state="open")
    assert lost.copy.scan_code == second
    expect(page.locator("#chase")).to_contain_text("已报失")
    page.click("#session button[value=close]")
    expect(page.locator("#state")).to_have_text("已闭会")
    expect(page.locator("#chase")).to_contain_text(second)
    expect(page.locator("#chase")).to_contain_text("刘洋")
    tab("chase")
    shot("meeting-closed")
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
