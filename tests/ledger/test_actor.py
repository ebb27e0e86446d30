"""The actor of every service is a signed-in person: anything else is refused before it acts."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from baomi.audit.models import AuditEvent
from baomi.ledger.models import Document
from baomi.people.models import person_of
from tests.support.factories import register

pytestmark = pytest.mark.django_db


def test_only_a_signed_in_person_is_an_actor(org):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with pytest.raises(PermissionDenied):
        person_of(request)
    request.user = org["people"]["clerk"]
    assert person_of(request) == org["people"]["clerk"]


def test_work_filed_under_a_department_is_refused_for_an_account_without_one(org):
    clerk = org["people"]["clerk"]
    clerk.department = None
    clerk.save()
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as raised:
        register(org, marking="秘密★5年")
    assert "department" in raised.value.message_dict
    assert not Document.objects.exists() and AuditEvent.objects.count() == before
