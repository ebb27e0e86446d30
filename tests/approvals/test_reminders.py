"""催办: the requester (or the clerk) reminds the approver of a pending request, not more often
than APPR.REMIND's interval; every approver is told, and the reminder is on record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from baomi import policy
from baomi.approvals import services
from baomi.approvals.models import Reminder
from baomi.core.models import Notification
from baomi.people.models import Post
from tests.support import actions, browser, recorded, rule_ids
from tests.support.factories import person

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.approvals.urls")]


@pytest.fixture
def asked(org):
    return services.request_approval(actor=org.staff, kind="copy.carry_out", summary="赴市局汇报")


def test_the_requester_reminds_every_approver_on_record(org, asked, frozen):
    reminder = services.remind_approver(actor=org.staff, approval=asked)
    assert (reminder.approval, reminder.sent_by, reminder.told) == (asked, org.staff, 2)
    told = Notification.objects.filter(kind="approval.reminded", object_id=str(asked.pk))
    assert sorted(n.person_id for n in told) == sorted([org.leader.pk, org.deputy.pk])
    recorded(
        "approval.reminded",
        asked,
        actor=org.staff,
        kind="copy.carry_out",
        reminder=reminder.pk,
        told=sorted([org.leader.pk, org.deputy.pk]),
    )


@pytest.mark.refuses("APPR.REMIND")
def test_no_one_but_the_requester_or_the_clerk_reminds(org, asked):
    with pytest.raises(policy.RuleViolation) as raised:
        services.remind_approver(actor=org.leader, approval=asked)
    assert rule_ids(raised) == ["APPR.REMIND"]
    assert not Reminder.objects.exists() and not Notification.objects.exists()
    assert actions("approval.") == ["approval.requested"]


def test_a_clerk_reminds_on_the_requesters_behalf(org, asked):
    clerk = person("clerk", org.office, posts=(Post.CLERK,))
    assert services.remind_approver(actor=clerk, approval=asked).sent_by == clerk


@pytest.mark.refuses("APPR.REMIND")
def test_a_request_is_reminded_once_in_the_interval(org, asked, frozen):
    services.remind_approver(actor=org.staff, approval=asked)
    hours = policy.params("APPR.REMIND")["min_hours"]
    frozen.shift(dt.timedelta(hours=hours) - dt.timedelta(minutes=1))
    with pytest.raises(policy.RuleViolation) as raised:
        services.remind_approver(actor=org.staff, approval=asked)
    assert rule_ids(raised) == ["APPR.REMIND"]
    assert Reminder.objects.count() == 1
    frozen.shift(dt.timedelta(minutes=1))
    services.remind_approver(actor=org.staff, approval=asked)
    assert Reminder.objects.count() == 2
    assert actions("approval.reminded") == ["approval.reminded"] * 2


def test_a_decided_request_is_not_reminded(org, asked):
    services.approve(actor=org.leader, approval=asked)
    with pytest.raises(ValidationError):
        services.remind_approver(actor=org.staff, approval=asked)
    assert not Reminder.objects.exists()


def test_the_page_reminds_and_lists_the_reminders(org, asked):
    client = browser(org.staff)
    url = reverse("approvals:remind", args=[asked.pk])
    assert url in client.get(reverse("approvals:detail", args=[asked.pk])).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "The approver was reminded (2 told)." in html and "2 people told" in html
    # a second reminder at once is refused as an error, naming the rule
    html = client.post(url).content.decode()
    assert 'class="alert alert-danger"' in html and "APPR.REMIND" in html
    assert Reminder.objects.count() == 1


def test_the_approver_is_offered_no_reminder_and_refused_one(org, asked):
    client = browser(org.leader)
    url = reverse("approvals:remind", args=[asked.pk])
    assert url not in client.get(reverse("approvals:detail", args=[asked.pk])).content.decode()
    html = client.post(url).content.decode()
    assert "APPR.REMIND" in html and not Reminder.objects.exists()


def test_a_request_one_may_not_see_is_not_reminded(org, asked):
    assert (
        browser(org.finance_leader).post(reverse("approvals:remind", args=[asked.pk])).status_code
        == 404
    )
    assert not Reminder.objects.exists()


def test_the_api_reminds_and_names_the_rule_when_refused(org, asked):
    from tests.support import api

    url = f"/api/v1/approvals/{asked.pk}/remind/"
    assert api(org.staff).post(url).status_code == 200
    refused = api(org.staff).post(url)
    assert refused.status_code == 403 and "APPR.REMIND" in refused.content.decode()
    assert Reminder.objects.count() == 1
