from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from baomi.approvals.models import Approval
from baomi.core import clock
from baomi.demo import load_demo

pytestmark = pytest.mark.django_db


def tick() -> str:
    out = StringIO()
    call_command("tick", stdout=out)
    return out.getvalue()


def test_tick_expires_due_approvals_once():
    load_demo()
    pending = set(Approval.objects.filter(state="pending").values_list("pk", flat=True))
    settled = dict(Approval.objects.exclude(pk__in=pending).values_list("pk", "state"))
    assert len(pending) == 2
    assert "approvals expired: 0" in tick()
    with time_machine.travel(clock.now() + dt.timedelta(days=40)):
        assert "approvals expired: 2" in tick()
        assert "approvals expired: 0" in tick()
    states = dict(Approval.objects.values_list("pk", "state"))
    assert {states[pk] for pk in pending} == {"expired"}
    # an approval already decided or used keeps its state: only a pending one expires
    assert {pk: states[pk] for pk in settled} == settled
