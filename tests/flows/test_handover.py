"""Handover on a change of post: a checked, signed list; nothing passes on trust."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from baomi import policy
from baomi.audit.models import AuditEvent
from baomi.flows.models import Handover
from baomi.flows.services import (
    check_handover_item,
    held_by,
    open_handover,
    sign_handover,
)
from baomi.ledger.models import Cabinet, Copy
from baomi.people.services import update_person
from tests.support import recorded, rule_ids
from tests.support.factories import lend

pytestmark = pytest.mark.django_db


@pytest.mark.refuses("DOC.HANDOVER")
def test_DOC_HANDOVER_a_person_holding_copies_cannot_change_post(org, copy):
    insider = org["people"]["insider"]
    lend(org, copy, insider)
    with pytest.raises(policy.RuleViolation) as raised:
        update_person(actor=None, person=insider, is_active=False)
    [violation] = raised.value.violations
    assert violation.rule_id == "DOC.HANDOVER"
    assert violation.values == {"copies": 1, "open_handovers": 0}
    insider.refresh_from_db()
    assert insider.is_active


def test_DOC_HANDOVER_after_a_checked_and_signed_handover_the_change_goes_through(org, copy):
    clerk, insider, reader2 = (org["people"][n] for n in ("clerk", "insider", "reader2"))
    lend(org, copy, insider)
    handover = open_handover(actor=clerk, person=insider, receiver=reader2)
    assert [i.copy for i in handover.items.all()] == [copy]
    recorded(
        "handover.opened",
        handover,
        actor=clerk,
        person=insider.pk,
        receiver=reader2.pk,
        copies=[copy.pk],
    )
    with pytest.raises(policy.RuleViolation):  # the list is open
        update_person(actor=None, person=insider, is_active=False)
    sign_handover(actor=insider, handover=handover)
    recorded("handover.signed", handover, actor=insider)
    with pytest.raises(ValidationError):  # not checked: no handover on trust
        sign_handover(actor=reader2, handover=handover)
    check_handover_item(actor=reader2, handover=handover, copy=copy)
    recorded("handover.item_checked", handover, actor=reader2, copy=copy.pk)
    sign_handover(actor=reader2, handover=handover)
    handover.refresh_from_db()
    copy.refresh_from_db()
    assert handover.completed_at is not None
    assert (copy.state, copy.holder) == (Copy.State.ON_LOAN, reader2)
    recorded(
        "copy.handed_over",
        copy,
        actor=reader2,
        state="on_loan",
        holder=reader2.pk,
        handover=handover.pk,
    )
    recorded("handover.completed", handover, actor=reader2, cabinets=[])
    update_person(actor=None, person=insider, is_active=False)
    assert not list(held_by(insider))


def test_a_leaving_custodian_hands_over_the_cabinet_with_its_copies(org, copy):
    clerk, officer = org["people"]["clerk"], org["people"]["officer"]
    handover = open_handover(actor=clerk, person=clerk, receiver=officer)
    expected = set(Copy.objects.filter(cabinet__custodian=clerk).values_list("pk", flat=True))
    assert {i.copy_id for i in handover.items.all()} == expected
    for item in handover.items.all():
        check_handover_item(actor=officer, handover=handover, copy=item.copy)
    with pytest.raises(ValidationError):
        check_handover_item(
            actor=officer, handover=handover, copy=Copy(pk=999999, document=copy.document)
        )
    sign_handover(actor=officer, handover=handover)
    sign_handover(actor=clerk, handover=handover)
    assert set(Cabinet.objects.values_list("custodian__username", flat=True)) == {"officer"}
    recorded(
        "cabinet.custodian_changed",
        org["cabinet"],
        actor=clerk,
        code="JYS-01",
        old=clerk.pk,
        new=officer.pk,
        handover=handover.pk,
    )
    recorded("handover.completed", handover, actor=clerk, cabinets=["BGS-01", "JYS-01"])
    assert Handover.objects.get().completed_at is not None


@pytest.mark.refuses("DOC.HANDOVER")
def test_only_the_receiver_checks_and_only_the_two_sign(org, copy):
    clerk, insider, reader2 = (org["people"][n] for n in ("clerk", "insider", "reader2"))
    lend(org, copy, insider)
    handover = open_handover(actor=clerk, person=insider, receiver=reader2)
    with pytest.raises(policy.RuleViolation) as raised:
        check_handover_item(actor=insider, handover=handover, copy=copy)
    assert rule_ids(raised) == ["DOC.HANDOVER"]
    with pytest.raises(policy.RuleViolation) as raised:
        sign_handover(actor=clerk, handover=handover)
    assert rule_ids(raised) == ["DOC.HANDOVER"]
    assert not AuditEvent.objects.filter(action__in=["handover.signed", "handover.item_checked"])
    with pytest.raises(ValidationError):  # one open list per person at a time
        open_handover(actor=clerk, person=insider, receiver=reader2)


@pytest.mark.refuses("DOC.HANDOVER")
def test_a_handover_goes_to_another_active_member_of_staff(org, copy):
    clerk, insider = org["people"]["clerk"], org["people"]["insider"]
    auditor = org["people"]["auditor"]
    lend(org, copy, insider)
    with pytest.raises(policy.RuleViolation) as raised:
        open_handover(actor=clerk, person=insider, receiver=insider)
    assert rule_ids(raised) == ["DOC.HANDOVER"]
    with pytest.raises(policy.RuleViolation) as raised:
        open_handover(actor=clerk, person=insider, receiver=auditor)
    assert rule_ids(raised) == ["ACC.SOD"]
    assert raised.value.violations[0].values["as"] == "receiver"
    org["people"]["reader2"].is_active = False
    org["people"]["reader2"].save()
    with pytest.raises(policy.RuleViolation) as raised:
        open_handover(actor=clerk, person=insider, receiver=org["people"]["reader2"])
    assert rule_ids(raised) == ["DOC.STORE"]
    assert not Handover.objects.exists()


def test_a_withdrawn_handover_no_longer_blocks_and_a_new_one_can_open(org, copy):
    from baomi.flows.services import cancel_handover

    clerk, insider, reader2 = (org["people"][n] for n in ("clerk", "insider", "reader2"))
    handover = open_handover(actor=clerk, person=insider, receiver=reader2)
    with pytest.raises(ValidationError):
        cancel_handover(actor=clerk, handover=handover, reason=" ")
    cancel_handover(actor=clerk, handover=handover, reason="调岗取消")
    with pytest.raises(ValidationError):
        sign_handover(actor=insider, handover=handover)
    update_person(actor=None, person=insider, is_active=False)  # holds nothing, nothing open
    assert not Handover.objects.filter(cancelled_at__isnull=True).exists()


def test_a_lower_clearance_while_holding_a_copy_needs_a_handover(org, copy):
    lend(org, copy, org["people"]["insider"])
    with pytest.raises(policy.RuleViolation):
        update_person(actor=None, person=org["people"]["insider"], tier="general")


def test_a_receiver_outside_a_cabinet_copys_scope_checks_it_on_the_page_and_signs(
    client, org, copy
):
    """Cleared for the level is enough to take over a cabinet: the receiver scans its copies
    on the list though he may not know their documents, and the page keeps their numbers
    from him."""
    from baomi.ledger.models import Document

    clerk, important = org["people"]["clerk"], org["people"]["important"]
    assert not Document.objects.visible_to(important).filter(pk=copy.document_id).exists()
    handover = open_handover(actor=clerk, person=clerk, receiver=important)
    items = list(handover.items.select_related("copy"))
    assert copy.pk in {i.copy_id for i in items}
    client.force_login(important)
    page = client.get(f"/flows/handovers/{handover.pk}/").content.decode()
    assert "示政办〔2026〕12号" not in page and copy.scan_code in page
    for item in items:
        client.post(f"/flows/handovers/{handover.pk}/", {"code": item.copy.scan_code})
    assert not handover.items.filter(checked_at__isnull=True).exists()
    client.force_login(clerk)
    assert "示政办〔2026〕12号" in client.get(f"/flows/handovers/{handover.pk}/").content.decode()
    client.post(f"/flows/handovers/{handover.pk}/sign/")
    client.force_login(important)
    client.post(f"/flows/handovers/{handover.pk}/sign/")
    handover.refresh_from_db()
    assert handover.completed_at is not None
    assert set(Cabinet.objects.values_list("custodian__username", flat=True)) == {"important"}


def test_the_clerk_withdraws_an_open_list_on_the_page_and_through_the_api(client, org, copy):
    from rest_framework.test import APIClient

    from baomi.audit.models import AuditEvent

    clerk, insider, reader2 = (org["people"][n] for n in ("clerk", "insider", "reader2"))
    handover = open_handover(actor=clerk, person=insider, receiver=reader2)
    client.force_login(reader2)  # the receiver sees the list, but withdrawing is the clerk's
    assert (
        f"/flows/handovers/{handover.pk}/cancel/"
        not in client.get(f"/flows/handovers/{handover.pk}/").content.decode()
    )
    client.post(f"/flows/handovers/{handover.pk}/cancel/", {"reason": "不交了"})
    handover.refresh_from_db()
    assert handover.cancelled_at is None
    client.force_login(clerk)
    page = client.get(f"/flows/handovers/{handover.pk}/").content.decode()
    assert f"/flows/handovers/{handover.pk}/cancel/" in page
    client.post(f"/flows/handovers/{handover.pk}/cancel/", {"reason": " "})
    handover.refresh_from_db()
    assert handover.cancelled_at is None
    client.post(f"/flows/handovers/{handover.pk}/cancel/", {"reason": "调岗取消"})
    handover.refresh_from_db()
    assert handover.cancelled_at is not None
    event = AuditEvent.objects.filter(action="handover.cancelled").get()
    assert event.event["data"] == {"reason": "调岗取消"} and event.actor_id == str(clerk.pk)
    page = client.get(f"/flows/handovers/{handover.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Withdrawn on" in page.content.decode() and "Sign the list" not in page.content.decode()

    second = open_handover(actor=clerk, person=insider, receiver=reader2)
    api = APIClient(headers={"accept-language": "en"})
    api.force_login(clerk)
    refused = api.post(f"/api/v1/handovers/{second.pk}/cancel/", {"reason": ""})
    assert refused.status_code == 400 and "reason" in refused.json()["errors"]
    done = api.post(f"/api/v1/handovers/{second.pk}/cancel/", {"reason": "名单重做"})
    assert done.status_code == 200 and done.json()["cancelled_at"] is not None
    again = api.post(f"/api/v1/handovers/{second.pk}/cancel/", {"reason": "名单重做"})
    assert again.status_code == 400
