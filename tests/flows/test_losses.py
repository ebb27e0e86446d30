"""Losses: a copy missing past the period of DOC.LOSS.DEEMED_LEAK becomes a deemed leak."""

from __future__ import annotations

import datetime as dt

import pytest

from baomi.core.models import Notification
from baomi.flows.models import LossReport
from baomi.flows.services import deem_leak, deem_leaks_due, report_lost, write_off
from tests.support import recorded

from .conftest import MORNING

pytestmark = pytest.mark.django_db


@pytest.mark.applied("DOC.LOSS.DEEMED_LEAK")
def test_a_copy_missing_past_the_period_is_deemed_a_leak_once(org, copy, clock_at):
    report = report_lost(actor=org["people"]["insider"], copy=copy, circumstances="柜中缺失")
    clock_at(MORNING + dt.timedelta(days=59))  # 机密: 60 days
    assert deem_leaks_due() == 0
    report.refresh_from_db()
    assert report.state == LossReport.State.OPEN and report.leak_report_due_at is None
    day60 = MORNING + dt.timedelta(days=60)
    clock_at(day60)
    assert deem_leaks_due() == 1
    report.refresh_from_db()
    assert report.state == LossReport.State.DEEMED_LEAK
    assert report.leak_deemed_at == day60
    assert report.leak_report_due_at == day60 + dt.timedelta(hours=24)
    told = {n.person for n in Notification.objects.filter(kind="loss.deemed_leak")}
    assert org["people"]["officer"] in told
    recorded("loss.deemed_leak", report, copy=copy.pk)
    assert deem_leaks_due() == 0 and not deem_leak(report)  # once only
    assert Notification.objects.filter(kind="loss.deemed_leak").count() == len(told)
    # a deemed leak is still missing: the security office may still close it
    write_off(actor=org["people"]["officer"], report=report, resolution="按泄密处理")
    report.refresh_from_db()
    assert report.state == LossReport.State.WRITTEN_OFF
