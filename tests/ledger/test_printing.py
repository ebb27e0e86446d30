"""DOC.PRINT.SCOPE: a print run's count and recipients come from a leader's approval of its
distribution (发送范围), never from a number the clerk types in."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from baomi import policy
from baomi.approvals.models import Approval
from baomi.approvals.services import approve
from baomi.audit.models import AuditEvent
from baomi.ledger.models import Copy, Document
from baomi.ledger.services import ask_to_print, register_internal
from tests.support import api, rule_ids
from tests.support.factories import ISSUED, print_approved, room_head

pytestmark = pytest.mark.django_db

RUN = {
    "title": "2027年度工作要点（征求意见稿）",
    "issuer": "委机关",
    "issued_on": ISSUED,
    "marking": "秘密★1年",
}


def run(org, **kw):
    return register_internal(
        actor=org["people"]["clerk"], cabinet=org["cabinet"], **{**RUN, "copies": 3, **kw}
    )


@pytest.mark.refuses("DOC.PRINT.SCOPE")
def test_DOC_PRINT_SCOPE_a_print_run_without_an_approved_distribution_is_refused(org):
    with pytest.raises(policy.RuleViolation) as raised:
        run(org)
    assert rule_ids(raised) == ["DOC.PRINT.SCOPE"]
    assert raised.value.decision.approvals == ("document.print",)
    assert not Document.objects.exists() and not Copy.objects.exists()
    assert not AuditEvent.objects.filter(action="document.registered").exists()


@pytest.mark.refuses("DOC.PRINT.SCOPE")
def test_DOC_PRINT_SCOPE_more_formal_copies_than_approved_are_refused_and_nothing_is_used(org):
    approval = print_approved(org, 3, ("综合规划科", "存档"))
    with pytest.raises(policy.RuleViolation) as raised:
        run(org, copies=4, approval=approval)
    [violation] = raised.value.violations
    assert violation.rule_id == "DOC.PRINT.SCOPE" and violation.lift is None
    assert violation.values == {"copies": 4, "approved": 3}
    approval.refresh_from_db()
    assert approval.state == Approval.State.APPROVED  # still there for the right run
    assert not Document.objects.exists()


def test_DOC_PRINT_SCOPE_the_approved_distribution_gives_the_count_and_the_recipients(org):
    approval = print_approved(org, 3, ("综合规划科", "财务审计科", "存档"))
    document = run(org, approval=approval, drafts=1)
    assert document.approved_count == 3 and document.recipients == "综合规划科、财务审计科、存档"
    assert list(document.copies.values_list("variant", flat=True)) == [
        "formal",
        "formal",
        "formal",
        "draft",
    ]
    approval.refresh_from_db()
    assert approval.state == Approval.State.CONSUMED and approval.consumed_by == "document.print"
    data = json.loads(AuditEvent.objects.get(action="document.registered").body)["data"]
    assert data["approval"] == approval.pk and data["approved_count"] == 3
    assert data["recipients"] == ["综合规划科", "财务审计科", "存档"]
    with pytest.raises(policy.RuleViolation) as again:  # one approval, one print run
        run(org, approval=approval)
    assert rule_ids(again) == ["DOC.PRINT.SCOPE"]
    assert Document.objects.count() == 1


def test_fewer_copies_than_approved_may_be_printed(org):
    document = run(org, copies=2, approval=print_approved(org, 3))
    assert document.copies.count() == 2 and document.approved_count == 3


def test_asking_for_a_distribution_names_the_count_and_its_recipients(org):
    clerk = org["people"]["clerk"]
    room_head(org)
    asked = ask_to_print(actor=clerk, summary="印制工作要点", count=2, recipients=["甲", " ", "乙"])
    assert asked.kind == "document.print" and asked.payload == {
        "count": 2,
        "recipients": ["甲", "乙"],
    }
    assert asked.approver_unit == clerk.department
    event = AuditEvent.objects.get(action="approval.requested").event["data"]
    assert event["kind"] == "document.print" and event["payload"] == asked.payload
    bad = [
        ({"count": 0, "recipients": ["甲"]}, "count"),
        ({"count": True, "recipients": ["甲"]}, "count"),
        ({"count": 2, "recipients": [" "]}, "recipients"),
        ({"count": 1, "recipients": ["甲", "乙"]}, "recipients"),
    ]
    for args, field in bad:
        with translation.override("en"), pytest.raises(ValidationError) as raised:
            ask_to_print(actor=clerk, summary="印制", **args)
        assert field in raised.value.message_dict, args
    with pytest.raises(policy.RuleViolation) as raised:  # only a clerk asks
        ask_to_print(actor=org["people"]["insider"], summary="印制", count=1, recipients=["甲"])
    assert rule_ids(raised) == ["ACC.ROLE"]
    assert Approval.objects.count() == 1


def test_a_distribution_asked_for_and_printed_through_the_pages(client, org):
    head = room_head(org)
    client.force_login(org["people"]["clerk"])
    asked = client.post(
        "/ledger/internal/ask/",
        {"summary": "印制工作要点", "count": "2", "recipients": "综合规划科\n存档"},
    )
    approval = Approval.objects.get(kind="document.print")
    assert asked.status_code == 302 and asked["Location"] == f"/approvals/{approval.pk}/"
    bad = client.post(
        "/ledger/internal/ask/",
        {"summary": "印制", "count": "1", "recipients": "甲\n乙"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert bad.status_code == 200 and "recipients" in bad.context["form"].errors
    offered = client.get("/ledger/internal/new/").context["form"].fields["approval"].queryset
    assert not offered.exists()  # not offered before it is approved
    approve(actor=head, approval=approval)
    page = client.get("/ledger/internal/new/")
    assert list(page.context["form"].fields["approval"].queryset) == [approval]
    assert "综合规划科、存档" in page.content.decode()
    form = {
        "title": "工作要点",
        "issuer": "委机关",
        "issued_on": ISSUED.isoformat(),
        "kind": "state",
        "marking": "秘密★1年",
        "urgency": "0",
        "form": "paper",
        "page_count": "1",
        "copies": "2",
        "cabinet": org["cabinet"].pk,
        "approval": approval.pk,
    }
    made = client.post("/ledger/internal/new/", form)
    assert made.status_code == 302, made.content.decode()
    assert Document.objects.get().recipients == "综合规划科、存档"


def test_a_distribution_through_the_api(org):
    room_head(org)
    clerk = api(org["people"]["clerk"])
    url = "/api/v1/documents/print-requests/"
    asked = clerk.post(url, {"summary": "印制", "count": 2, "recipients": ["甲"]}, format="json")
    assert asked.status_code == 201 and asked.json()["kind"] == "document.print"
    bad = clerk.post(url, {"summary": "印制", "count": 1, "recipients": ["甲", "乙"]})
    assert bad.status_code == 400 and "recipients" in bad.json()["errors"]
    refused = api(org["people"]["insider"]).post(
        url, {"summary": "印制", "count": 1, "recipients": ["甲"]}, format="json"
    )
    assert refused.status_code == 403
