"""Approvals that say what they approve: the subject in full (the document's marking and link,
copy numbers, destination, dates, counts, who asked and why), the rule that needs the approval,
and what happens after it; the lists 待我审批, 我已审批 and one's own requests."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from baomi.approvals import services
from baomi.approvals.models import Approval
from baomi.core import clock
from baomi.core.levels import Tier
from baomi.ledger.models import ScopeEntry
from baomi.ledger.services import ask_to_widen_scope
from baomi.people.models import Post
from tests.support import browser
from tests.support.factories import make_flows_org, person

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.approvals.urls")]


@pytest.fixture
def org(db):
    return make_flows_org()


def carry_out(org, **payload):
    copy = org["document"].copies.order_by("copy_no").first()
    return services.request_approval(
        actor=org["people"]["insider"],
        kind="copy.carry_out",
        summary="携带至市政府参加规划协调会",
        subject=copy,
        payload={"destination": "市政府三楼会议室", **payload},
    )


def page(who, approval):
    response = browser(who).get(reverse("approvals:detail", args=[approval.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_names_the_documents_marking_copy_destination_rule_and_next_step(org):
    due = clock.now() + dt.timedelta(days=1)
    asked = carry_out(org, due_at=due.isoformat())
    html = page(org["people"]["leader"], asked)
    document = org["document"]
    assert "机密★10年" in html
    assert document.title in html and reverse("ledger:document", args=[document.pk]) in html
    assert "示政办〔2026〕12号" in html and "000001" in html
    assert "市政府三楼会议室" in html and "Due back" in html
    assert "携带至市政府参加规划协调会" in html and "insider" in html
    # the rule that needs the approval, with its title and clause, linked to the rules page
    assert "DOC.CARRY_OUT" in html and reverse("policy:rules") + "#DOC.CARRY_OUT" in html
    assert "Taking a copy out" in html or "carry" in html.lower()
    assert "The rule that needs this approval" in html and "Clause" in html
    # what happens once approved: the clerk's next step
    assert "the clerk records the carrying-out at the workbench" in html
    # never a raw reference, code or ISO time
    assert "ledger.copy" not in html and "copy.carry_out" not in html
    assert due.isoformat()[:16] not in html


def test_a_scope_request_names_the_person_and_copies_and_applies_from_its_page(org):
    people = org["people"]
    # the head of the room keeps its register too, so she may know the document she decides on
    head = person(
        "roomhead", org["cabinet"].department, posts=(Post.LEADER, Post.CLERK), tier=Tier.CORE
    )
    asked = ask_to_widen_scope(
        actor=people["insider"],
        document=org["document"],
        person=people["important"],
        reason="参与选址论证",
    )
    html = page(head, asked)
    assert "000001、000002、000003 (3)" in html and "Copy numbers" in html
    assert "Person to admit" in html and "important" in html
    assert "ACC.NEED_TO_KNOW" in html and "knowledge scope from this page" in html

    services.approve(actor=head, approval=asked)
    html = page(people["insider"], asked)
    apply = reverse("ledger:apply", args=[org["document"].pk, asked.pk])
    assert apply in html and "Apply the approval now" in html
    assert apply not in page(head, asked)  # only the requester applies it
    browser(people["insider"]).post(apply)
    assert ScopeEntry.objects.filter(document=org["document"], person=people["important"]).exists()
    assert Approval.objects.get(pk=asked.pk).state == Approval.State.CONSUMED
    html = page(people["insider"], asked)
    assert apply not in html and "Used at" in html and "Widen a knowledge scope" in html


def test_an_approver_who_may_not_know_the_document_sees_nothing_of_it(org):
    people = org["people"]
    asked = ask_to_widen_scope(
        actor=people["insider"], document=org["document"], person=people["important"], reason="论证"
    )
    html = page(people["head"], asked)  # a leader of the room, holding no custody post
    assert org["document"].title not in html and "机密★10年" not in html
    assert "A document outside what you may know of" in html
    assert "论证" in html  # the requester's reason is still there to judge


def headers(html: str) -> set[str]:
    """The column headers of a page's table, as read (a sortable one is a link)."""
    cells = re.findall(r"<th[^>]*>(.*?)</th>", html, re.S)
    return {re.sub(r"<[^>]+>|[▲▼]", "", cell).strip() for cell in cells}


def test_the_three_lists_show_the_subject_with_column_headers(org):
    people = org["people"]
    asked = carry_out(org)
    other = carry_out(org)
    inbox = browser(people["leader"]).get(reverse("approvals:inbox")).content.decode()
    assert {"Kind", "Subject", "Reason", "Requester", "Requested at", "Expires at"} <= headers(
        inbox
    )
    assert "机密★10年" in inbox and org["document"].title in inbox
    text = re.sub(r"<[^>]+>", " ", inbox)  # the kind's code is the filter's value, never read
    assert "Take a copy out of the office" in text and "copy.carry_out" not in text

    services.approve(actor=people["leader"], approval=asked)
    services.reject(actor=people["leader"], approval=other, comment="改派他人")
    decided = browser(people["leader"]).get(reverse("approvals:decided")).content.decode()
    assert {"Decided at", "State"} <= headers(decided)
    assert decided.count(reverse("approvals:detail", args=[asked.pk])) >= 1
    assert "approved" in decided and "rejected" in decided
    assert (
        "Nothing is waiting"
        in browser(people["leader"]).get(reverse("approvals:inbox")).content.decode()
    )
    mine = browser(people["insider"]).get(reverse("approvals:mine")).content.decode()
    assert "Approver" in headers(mine) and org["document"].title in mine
    # someone else's decisions are not in one's own list
    assert (
        "携带" not in browser(people["reader2"]).get(reverse("approvals:decided")).content.decode()
    )


def test_the_inbox_costs_a_few_queries_however_many_documents_it_names(
    org, django_assert_max_num_queries
):
    for _ in range(6):
        carry_out(org)
    client = browser(org["people"]["leader"])
    # the shell's (session, person, posts, policy, menu), the list's (kept filter, count, page,
    # requester choices) and one per kind of subject named, whatever the number of rows
    with django_assert_max_num_queries(10):
        client.get(reverse("approvals:inbox"))


def test_kinds_are_named_in_chinese_on_chinese_pages(org):
    asked = carry_out(org)
    client = browser(org["people"]["leader"])
    html = client.get(
        reverse("approvals:detail", args=[asked.pk]), headers={"accept-language": "zh-hans"}
    ).content.decode()
    assert "Take a copy out of the office" not in html
    assert "携带" in html or "带出" in html
