"""Archiving: the year's completed documents into volumes; what is still out when due."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from baomi.flows.services import archive_copies, due_for_archiving
from baomi.ledger.models import Copy
from tests.support import recorded
from tests.support.factories import lend

pytestmark = pytest.mark.django_db


def test_DOC_ARCHIVE_copies_back_in_the_cabinet_are_archived_into_a_volume(org):
    clerk = org["people"]["clerk"]
    first, second, third = org["document"].copies.order_by("copy_no")
    lend(org, third, org["people"]["insider"], actor=clerk)
    args = {
        "actor": clerk,
        "year": 2026,
        "title": "2026年收文",
        "department": org["cabinet"].department,
        "cabinet": org["cabinet"],
    }
    with pytest.raises(ValidationError):  # the third copy is out: nothing is archived
        archive_copies(copies=[first, third], **args)
    assert not Copy.objects.filter(state=Copy.State.ARCHIVED).exists()
    volume = archive_copies(copies=[first, second], **args)
    assert set(volume.copies.values_list("state", flat=True)) == {Copy.State.ARCHIVED}
    recorded(
        "copy.archived", second, actor=clerk, state="archived", cabinet="JYS-01", volume=volume.pk
    )
    recorded("archive.volume_created", volume, actor=clerk, year=2026, copies=[first.pk, second.pk])


@pytest.mark.applied("DOC.ARCHIVE")
def test_DOC_ARCHIVE_copies_of_last_year_still_out_after_march_are_listed(org, copy):
    clerk = org["people"]["clerk"]
    lend(org, copy, org["people"]["insider"], actor=clerk)
    assert list(due_for_archiving(clerk, today=dt.date(2027, 3, 31))) == []
    assert list(due_for_archiving(clerk, today=dt.date(2027, 4, 1))) == [copy]
    assert list(due_for_archiving(org["people"]["important"], today=dt.date(2027, 4, 1))) == []


def test_classified_copies_are_not_archived_into_an_ordinary_cabinet(org, copy):
    from baomi import policy

    with pytest.raises(policy.RuleViolation) as raised:
        archive_copies(
            actor=org["people"]["clerk"],
            year=2026,
            title="2026年收文",
            department=org["cabinet"].department,
            cabinet=org["plain"],
            copies=[copy],
        )
    assert "DOC.STORE" in [v.rule_id for v in raised.value.violations]
    copy.refresh_from_db()
    assert copy.state == Copy.State.IN_CABINET


def test_a_volume_by_label_on_the_archive_page_and_the_due_list(client, org, copy, clock_at):
    clerk = org["people"]["clerk"]
    first, second, third = org["document"].copies.order_by("copy_no")
    lend(org, third, org["people"]["insider"], actor=clerk)
    client.force_login(clerk)
    form = {
        "year": "2026",
        "title": "2026年收文",
        "department": org["cabinet"].department.pk,
        "cabinet": org["cabinet"].pk,
        "codes": f"{first.scan_code}\n{second.scan_code}",
    }
    client.post("/flows/archive/", {**form, "year": "2999"})  # refused: nothing archived
    assert not Copy.objects.filter(state=Copy.State.ARCHIVED).exists()
    client.post("/flows/archive/", form)
    assert set(Copy.objects.filter(state=Copy.State.ARCHIVED)) == {first, second}
    page = client.get("/flows/archive/").content.decode()
    assert "2026年收文" in page and f"/ {third.label}" not in page  # not due before April
    clock_at(dt.datetime(2027, 4, 1, 9, 0, tzinfo=dt.UTC))
    client.force_login(clerk)  # a new working day, a new sign-in
    page = client.get("/flows/archive/").content.decode()
    assert f"/ {third.label}" in page
    client.force_login(org["people"]["important"])  # outside the scope: no volume, no copy
    page = client.get("/flows/archive/").content.decode()
    assert "2026年收文" not in page and f"/ {third.label}" not in page


def test_archive_volumes_and_the_due_list_through_the_api(org, copy):
    from rest_framework.test import APIClient

    clerk = org["people"]["clerk"]
    client = APIClient(headers={"accept-language": "en"})
    client.force_login(clerk)
    request = {
        "year": 2026,
        "title": "2026年收文",
        "department": org["cabinet"].department.pk,
        "cabinet": org["cabinet"].code,
        "copies": [copy.pk],
    }
    refused = client.post("/api/v1/archive-volumes/", {**request, "title": " "}, format="json")
    assert refused.status_code == 400 and not Copy.objects.filter(state="archived").exists()
    made = client.post("/api/v1/archive-volumes/", request, format="json")
    assert made.status_code == 201, made.content
    assert made.json()["copies"] == [copy.pk]
    assert client.get("/api/v1/archive-volumes/").json()["count"] == 1
    assert client.get("/api/v1/archive-volumes/due/").json()["count"] == 0
    client.force_login(org["people"]["important"])
    assert client.get("/api/v1/archive-volumes/").json()["count"] == 0
