"""The duty desk in the browser: 杨雪, on duty, watches a received telegram's 15-minute receipt
count down, turn to a warning in its last five minutes and to danger in its last one, with the
alarm banner and, once she has switched sound on, its beeps; a telegram registered meanwhile
appears without her reloading the page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from playwright.sync_api import expect

from baomi.core import clock
from baomi.core.levels import Urgency
from baomi.demo import load_demo
from baomi.ledger.models import Cabinet
from baomi.people.models import Person
from baomi.telegrams.models import Telegram
from baomi.telegrams.services import register_telegram

from .test_shell import sign_in

NUMBER = "中办〔2026〕电12号"


@pytest.fixture
def demo(committed_db):  # type: ignore[no-untyped-def]
    load_demo()


def _receive(number: str) -> Telegram:
    return register_telegram(
        actor=Person.objects.get(username="yangxue"),
        number=number,
        traffic="cipher",
        urgency=Urgency.NORMAL,
        correspondent="中共中央办公厅",
        subject="关于做好元旦春节期间值班工作的通知",
        cabinet=Cabinet.objects.get(code="JYS-01"),
        marking="秘密★6个月",
    )


def _beeps(page) -> int:  # type: ignore[no-untyped-def]
    return int(page.locator("[data-duty-alarm]").get_attribute("data-beeps") or 0)


def test_the_duty_desk_counts_a_receipt_down_and_warns_before_it_is_missed(page, demo, shot):
    # received 9½ minutes ago: five and a half are left for the receipt (回单)
    with time_machine.travel(clock.now() - dt.timedelta(minutes=9, seconds=30), tick=False):
        telegram = _receive(NUMBER)
    page.clock.install()  # the page's own clock, moved below; the server's stays where it is
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "yangxue")  # 杨雪, confidential clerk, on duty today
    page.goto("/telegrams/")
    row = page.locator(f"tr[data-clock=ack][data-telegram='{telegram.pk}']")
    countdown = row.locator("[data-countdown]")
    alarm = page.locator("[data-duty-alarm]")
    # calm, in the organization's local time, and ticking
    expect(row).to_contain_text(NUMBER)
    expect(row).to_contain_text(clock.local(telegram.ack_due_at).strftime("%H:%M"))
    expect(countdown).to_have_text(re.compile(r"^还剩 05:\d\d$"))
    expect(countdown).to_have_class(re.compile(r"\bbg-success-lt\b"))
    shown = countdown.text_content()
    expect(countdown).not_to_have_text(shown or "")
    expect(alarm).to_be_hidden()

    # sound is switched on by a click, the gesture a browser needs before it plays anything
    page.click("button[data-duty-sound]")
    expect(page.locator("body")).to_have_attribute("data-duty-sound-state", "on")
    expect(page.locator("button[data-duty-sound]")).to_have_attribute("aria-pressed", "true")
    beeps = _beeps(page)

    # inside the last five minutes: a warning, the banner naming the telegram, and a beep
    page.clock.fast_forward("00:45")
    expect(countdown).to_have_text(re.compile(r"^还剩 04:\d\d$"))
    expect(countdown).to_have_class(re.compile(r"\btext-bg-warning\b"))
    expect(row).to_have_class(re.compile(r"\btable-warning\b"))
    expect(alarm).to_be_visible()
    expect(alarm).to_contain_text("回单时限将到")
    expect(alarm).to_contain_text(NUMBER)
    expect(alarm).to_have_class(re.compile(r"\balert-warning\b"))
    assert _beeps(page) > beeps
    shot("duty-desk")

    # the last minute: danger, and the banner turns red
    page.mouse.move(200, 300)  # she is at the desk: the idle lock does not close the page
    page.clock.fast_forward("04:00")
    expect(countdown).to_have_text(re.compile(r"^还剩 00:\d\d$"))
    expect(countdown).to_have_class(re.compile(r"\btext-bg-danger\b"))
    expect(row).to_have_class(re.compile(r"\btable-danger\b"))
    expect(alarm).to_have_class(re.compile(r"\balert-danger\b"))
    beeps = _beeps(page)

    # missed: the clock counts how long it is overdue, and keeps beeping
    page.mouse.move(300, 200)
    page.clock.fast_forward("01:00")
    expect(countdown).to_have_text(re.compile(r"^已超时 00:\d\d$"))
    expect(countdown).to_have_class(re.compile(r"\btext-bg-danger\b"))
    expect(alarm).to_contain_text("已超时")
    assert _beeps(page) > beeps

    # a telegram registered meanwhile appears at the next refresh, on its own calm clock
    second = _receive("中办〔2026〕电13号")
    page.mouse.move(250, 250)
    page.clock.fast_forward("00:30")
    fresh = page.locator(f"tr[data-clock=ack][data-telegram='{second.pk}']")
    expect(fresh).to_contain_text("中办〔2026〕电13号")
    expect(fresh.locator("[data-countdown]")).to_have_class(re.compile(r"\bbg-success-lt\b"))
    expect(page.locator(f"[data-duty-telegrams] tr[data-telegram='{second.pk}']")).to_be_visible()
    expect(countdown).to_have_class(re.compile(r"\btext-bg-danger\b"))  # the first still in danger

    # acknowledged, its clock stops and the banner goes
    row.locator("form[action$='/acknowledge/'] button").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(row).to_have_count(0)
    expect(alarm).to_be_hidden()
    telegram.refresh_from_db()
    assert telegram.acked_at is not None and telegram.acked_by.username == "yangxue"
