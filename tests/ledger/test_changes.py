"""Early declassification, extension, upgrade and downgrade: through review with approval."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from baomi import policy
from baomi.approvals.services import approve
from baomi.audit.models import AuditEvent
from baomi.core.levels import Level, Tier
from baomi.core.models import Notification
from baomi.ledger.models import Document
from baomi.ledger.services import ask_to_change_classification, change_classification
from baomi.people.models import Post
from tests.support.factories import person, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(org):
    return person("room_leader", org["cabinet"].department, posts=(Post.LEADER,), tier=Tier.CORE)


def change(org, leader, document, kind, marking=""):
    clerk = org["people"]["clerk"]
    request = ask_to_change_classification(
        actor=clerk, document=document, change=kind, marking=marking, reason="年度定密审核"
    )
    approve(actor=leader, approval=request, comment="同意")
    return change_classification(actor=clerk, document=document, approval=request)


@pytest.mark.parametrize(
    ("kind", "marking", "level", "until"),
    [
        ("extend", "机密★15年", Level.SECRET, dt.date(2041, 11, 2)),
        ("upgrade", "绝密★20年", Level.TOP_SECRET, dt.date(2046, 11, 2)),
        ("downgrade", "秘密★5年", Level.CONFIDENTIAL, dt.date(2031, 11, 2)),
    ],
)
def test_an_approved_change_sets_level_marking_and_period(org, leader, kind, marking, level, until):
    document = change(org, leader, register(org), kind, marking)
    assert (document.level, document.marking, document.declassify_on) == (level, marking, until)
    assert AuditEvent.objects.filter(action="document.reclassified").count() == 1
    assert Notification.objects.filter(object_id=str(document.pk)).exists()


def test_early_declassification_opens_the_document_to_all_staff(org, leader):
    document = change(org, leader, register(org), "declassify")
    assert document.state == Document.State.DECLASSIFIED
    assert Document.objects.visible_to(org["people"]["general"]).filter(pk=document.pk).exists()


@pytest.mark.parametrize(
    ("kind", "marking"),
    [
        ("upgrade", "秘密★5年"),
        ("downgrade", "绝密★20年"),
        ("extend", "机密★5年"),
        ("extend", "秘密★20年"),
        ("rename", ""),
    ],
)
def test_a_change_that_does_not_fit_its_kind_is_refused(org, kind, marking):
    document = register(org)
    with pytest.raises((ValidationError, policy.RuleViolation)):
        ask_to_change_classification(
            actor=org["people"]["clerk"],
            document=document,
            change=kind,
            marking=marking,
            reason="x",
        )


def test_no_change_without_the_approval(org, leader):
    document = register(org)
    request = ask_to_change_classification(
        actor=org["people"]["clerk"], document=document, change="declassify", reason="已公开"
    )
    with pytest.raises(policy.RuleViolation, match=r"CLS\.REVIEW"):
        change_classification(actor=org["people"]["clerk"], document=document, approval=request)
    assert Document.objects.get(pk=document.pk).state == Document.State.ACTIVE
