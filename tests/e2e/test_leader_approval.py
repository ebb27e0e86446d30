"""A leader's approval from the dashboard: 徐军 signs in, finds the request on his dashboard,
opens it, reads what it is for (the document's marking and copy, where it goes and until when,
the rule that needs the approval) and approves; 孙丽, who asked, then sees the clerk's next step.
The screenshots are the user guide's pictures of a leader's day (docs/guide/img/leader-*.png)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from baomi.approvals.models import Approval
from baomi.approvals.services import request_approval
from baomi.core import clock
from baomi.demo import load_demo
from baomi.ledger.models import Document
from baomi.people.models import Person

from .test_shell import APPROVE, sign_in

TITLE = "关于2027年重大项目布局的请示"


@pytest.fixture
def asked(committed_db):  # type: ignore[no-untyped-def]
    """The demo, and 孙丽's request to carry copy 000003 of a 机密 document to a meeting."""
    load_demo()
    copy = Document.objects.get(title=TITLE).copies.get(copy_no=3)
    due = clock.now().replace(hour=9, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    return request_approval(
        actor=Person.objects.get(username="sunli"),
        kind="copy.carry_out",
        summary="赴市政府参加规划协调会，会后当日带回",
        subject=copy,
        payload={"destination": "市政府三楼第一会议室", "due_at": due.isoformat()},
    )


def test_a_leader_approves_from_the_dashboard_and_the_requester_sees_what_comes_next(
    page, shot, asked
):
    sign_in(page, "xujun")  # 徐军, leader of 综合规划科, where 孙丽 works
    card = page.locator("[data-card=approvals]")
    expect(card).to_contain_text("待我审批")
    expect(card.locator("a.h1")).to_have_text("2")  # hers, and the demo's other one
    expect(card).to_contain_text("机密★10年")
    expect(card).to_contain_text(TITLE)
    shot("leader-dashboard")

    card.locator(f"a[href='/approvals/{asked.pk}/']").click()
    expect(page).to_have_url(re.compile(rf"/approvals/{asked.pk}/$"))
    subject = page.locator(".card.subject")
    for text in ("机密★10年", TITLE, "000003", "市政府三楼第一会议室", "孙丽", "会后当日带回"):
        expect(subject).to_contain_text(text)
    expect(subject.locator(f"a[href='/ledger/documents/{_document_pk()}/']")).to_be_visible()
    rule = page.locator(".card.rule")
    expect(rule).to_contain_text("DOC.CARRY_OUT")
    expect(page.locator(".card.next-step")).to_contain_text("机要人员在工作台")
    expect(page.locator("main")).not_to_contain_text("copy.carry_out")
    shot("leader-approval")

    page.fill("textarea[name=comment]", "同意，会后当日带回入柜。")
    page.click(APPROVE)
    expect(page.locator(".page-title .state")).to_have_class(re.compile("state-approved"))
    expect(page.locator("main")).to_contain_text("已批准")
    shot("leader-approved")
    asked.refresh_from_db()
    assert asked.state == Approval.State.APPROVED and asked.decided_by.username == "xujun"

    page.click("header form[action$='/logout/'] button")
    sign_in(page, "sunli")
    mine = page.locator(".card.my-requests")
    expect(mine).to_contain_text("已批准")
    mine.locator(f"a[href='/approvals/{asked.pk}/']").click()
    next_step = page.locator(".card.next-step")
    expect(next_step).to_contain_text("批准后，由机要人员在工作台注明本审批登记带出")
    expect(next_step.locator("a[href='/flows/']")).to_be_visible()
    expect(page.locator(".card.subject")).to_contain_text("徐军")
    shot("leader-requester-next-step")


def _document_pk() -> int:
    return Document.objects.get(title=TITLE).pk
