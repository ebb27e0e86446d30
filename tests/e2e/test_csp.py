"""The main pages under the Content-Security-Policy: nothing on them is blocked, and what the
policy forbids (an inline style, an inline handler) would be blocked and reported."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from baomi.core import clock
from baomi.demo import load_demo
from baomi.ledger.models import Cabinet, Document
from baomi.meetings.services import plan_meeting
from baomi.people.models import Person
from baomi.review import scanning
from baomi.review.services import submit_manuscript

from .conftest import chromium_page
from .test_circulation import sign_out
from .test_shell import sign_in


@pytest.fixture
def demo(committed_db, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path
    load_demo()
    scanning.rebuild_index()
    people = {p.username: p for p in Person.objects.all()}
    meeting = plan_meeting(
        actor=people["yangxue"],
        title="年度保密工作会议",
        level=2,
        venue="机关三号会议室",
        starts_at=clock.now() + dt.timedelta(days=3),
        security_lead=people["zhouqiang"],
        secure_cabinet=Cabinet.objects.get(code="JYS-01"),
    )
    manuscript = submit_manuscript(
        actor=people["wuhui"], title="保密宣传月新闻稿", kind="text", text="全市保密宣传月启动。"
    )
    return {
        "document": Document.objects.get(title="关于2027年重大项目布局的请示"),
        "meeting": meeting,
        "manuscript": manuscript,
    }


def visit(page, path: str, shows: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(path)
    expect(page.locator("main")).to_contain_text(shows)
    page.wait_for_load_state("networkidle")


def test_the_main_pages_break_nothing_in_the_policy(live_url, demo):
    with chromium_page(live_url) as (page, problems):
        sign_in(page, "yangxue")  # 杨雪, confidential clerk: register, workbench, duty desk
        visit(page, "/", "杨雪")
        # htmx took its settings from the meta tag: no eval, no style element of its own
        config = "[htmx.config.allowEval, htmx.config.includeIndicatorStyles]"
        assert page.evaluate(config) == [False, False]
        visit(page, "/ledger/", "关于2027年重大项目布局的请示")
        visit(page, f"/ledger/documents/{demo['document'].pk}/", "示政办〔2026〕12号")
        visit(page, "/flows/", "")
        visit(page, "/approvals/", "")
        visit(page, "/telegrams/", "省委办〔2026〕电87号")
        visit(page, "/meetings/", "年度保密工作会议")
        visit(page, f"/meetings/{demo['meeting'].pk}/", "机关三号会议室")
        # the language switch is a script of ours now, no inline handler
        page.select_option("select[name=language]", "en")
        expect(page.locator("header")).to_contain_text("Sign out")
        page.select_option("select[name=language]", "zh-hans")
        expect(page.locator("header")).to_contain_text("退出")
        page.goto("/api/v1/documents/")  # JSON: the browsable API's inline styles are gone
        assert "示政办〔2026〕12号" in page.content()
        page.goto("/api/v1/docs/")
        # the page builds itself from the schema, which takes a while on a busy machine
        title = page.locator(".swagger-ui .info .title")
        expect(title).to_contain_text("Baomi API", timeout=15_000)
        expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
        page.goto("/")
        sign_out(page)

        sign_in(page, "wuhui")  # 吴慧, security officer: the review desk
        visit(page, "/review/", "保密宣传月新闻稿")
        visit(page, f"/review/{demo['manuscript'].pk}/", "全市保密宣传月启动")
        sign_out(page)

        sign_in(page, "auditor")
        visit(page, "/audit/", "")
        expect(page).to_have_url(re.compile(r"/audit/$"))
    assert problems == []


def test_what_the_policy_forbids_is_blocked_and_reported(live_url, demo):
    with chromium_page(live_url) as (page, problems):
        page.goto("/accounts/login/")
        page.evaluate(
            """() => {
                const style = document.createElement("style");
                style.textContent = "h1 { color: rgb(255, 0, 0); }";
                document.head.append(style);
                const div = document.createElement("div");
                div.innerHTML = '<img src="/nowhere.png" onerror="document.title = \\'ran\\'">';
                document.body.append(div);
            }"""
        )
        page.wait_for_timeout(300)
        assert page.title() != "ran"
        color = page.evaluate("getComputedStyle(document.querySelector('h1')).color")
        assert color != "rgb(255, 0, 0)"
    assert any("style-src" in p for p in problems), problems
    assert any("script-src" in p for p in problems), problems
