"""Automatic declassification at the end of the period (自行解密), through `baomi tick`."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from baomi.audit.models import AuditEvent
from baomi.core.models import Notification
from baomi.ledger.models import Document
from tests.support.factories import register

pytestmark = pytest.mark.django_db


def tick() -> str:
    out = StringIO()
    call_command("tick", stdout=out)
    return out.getvalue()


def test_tick_declassifies_once_at_period_end_and_tells_the_holders(org):
    document = register(org, marking="秘密★6个月")
    assert document.declassify_on == dt.date(2027, 5, 2)
    general = org["people"]["general"]
    assert not Document.objects.visible_to(general).exists()
    with time_machine.travel(dt.datetime(2027, 5, 1, 12, tzinfo=dt.UTC)):
        assert "documents declassified: 0" in tick()
    with time_machine.travel(dt.datetime(2027, 5, 2, 1, tzinfo=dt.UTC)):
        assert "documents declassified: 1" in tick()
        assert "documents declassified: 0" in tick()
    document.refresh_from_db()
    assert document.state == Document.State.DECLASSIFIED
    [event] = AuditEvent.objects.filter(action="document.declassified")
    assert json.loads(event.body)["data"]["reason"] == "period_end"
    # the clerk is both the registrar and the cabinet's custodian: one notice
    notices = Notification.objects.filter(kind="document.declassified")
    assert [n.person.username for n in notices] == ["clerk"]
    assert Document.objects.visible_to(general).filter(pk=document.pk).exists()


def test_documents_without_an_end_date_are_never_declassified_by_tick(org):
    register(org, marking="机密★会议开始前")
    register(org, marking="机密★长期")
    with time_machine.travel(dt.datetime(2090, 1, 1, tzinfo=dt.UTC)):
        assert "documents declassified: 0" in tick()
