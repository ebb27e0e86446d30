"""Losses: a copy missing past the period of DOC.LOSS.DEEMED_LEAK becomes a deemed leak; the
report to the competent authority is a recorded step with its clock (DOC.LOSS)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from baomi import policy
from baomi.audit.models import AuditEvent
from baomi.core.jobs import jobs
from baomi.core.models import Notification
from baomi.flows.models import LossReport
from baomi.flows.services import (
    deem_leak,
    deem_leaks_due,
    mark_found,
    record_authority_report,
    report_lost,
    warn_unreported_losses,
    write_off,
)
from baomi.ledger.models import Copy
from tests.support import api, recorded, rule_ids

from .conftest import MORNING, SHANGHAI

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
    # a deemed leak is still missing: the security office may still close it, once reported
    officer = org["people"]["officer"]
    record_authority_report(actor=officer, report=report, authority="保密局", reference="1号")
    write_off(actor=org["people"]["officer"], report=report, resolution="按泄密处理")
    report.refresh_from_db()
    assert report.state == LossReport.State.WRITTEN_OFF


def _deemed_leak(org, copy, clock_at):
    report = report_lost(actor=org["people"]["insider"], copy=copy, circumstances="柜中缺失")
    clock_at(MORNING + dt.timedelta(days=60))
    assert deem_leaks_due() == 1
    report.refresh_from_db()
    return report


@pytest.mark.refuses("DOC.LOSS")
def test_a_deemed_leak_is_not_closed_before_its_report_to_the_authority(org, copy, clock_at):
    report = _deemed_leak(org, copy, clock_at)
    officer = org["people"]["officer"]
    for close in (
        lambda: write_off(actor=officer, report=report, resolution="无法找回"),
        lambda: mark_found(actor=officer, report=report, note="在档案柜找到"),
    ):
        with pytest.raises(policy.RuleViolation) as raised:
            close()
        assert rule_ids(raised) == ["DOC.LOSS"]
        violation = raised.value.violations[0]
        due = (MORNING + dt.timedelta(days=61)).isoformat(timespec="minutes")
        assert violation.values["report_due_at"] == due
    report.refresh_from_db()
    copy.refresh_from_db()
    assert report.state == LossReport.State.DEEMED_LEAK and report.resolved_at is None
    assert copy.state == Copy.State.REPORTED_LOST
    assert not AuditEvent.objects.filter(action__in=["copy.found", "copy.written_off"]).exists()


def test_the_report_to_the_authority_is_recorded_and_then_a_deemed_leak_closes(org, copy, clock_at):
    report = _deemed_leak(org, copy, clock_at)
    officer = org["people"]["officer"]
    made = MORNING + dt.timedelta(days=60, hours=3)
    clock_at(made + dt.timedelta(hours=1))
    record_authority_report(
        actor=officer,
        report=report,
        authority=" 市国家保密局 ",
        reference="保报〔2026〕7号",
        reported_at=made,
    )
    report.refresh_from_db()
    assert (report.authority_reported_by, report.authority_reported_at) == (officer, made)
    assert (report.authority, report.authority_reference) == ("市国家保密局", "保报〔2026〕7号")
    assert report.authority_report_due_at is None  # the clock has stopped
    recorded(
        "loss.authority_reported",
        report,
        actor=officer,
        authority="市国家保密局",
        reference="保报〔2026〕7号",
        reported_at=made.isoformat(timespec="minutes"),
    )
    with pytest.raises(ValidationError):  # once only
        record_authority_report(actor=officer, report=report, authority="甲", reference="乙")
    write_off(actor=officer, report=report, resolution="按泄密处理")
    report.refresh_from_db()
    assert report.state == LossReport.State.WRITTEN_OFF


def test_a_loss_not_deemed_a_leak_closes_without_the_report(org, copy):
    report = report_lost(actor=org["people"]["insider"], copy=copy, circumstances="柜中缺失")
    mark_found(actor=org["people"]["officer"], report=report, note="夹在卷宗中")
    report.refresh_from_db()
    assert report.state == LossReport.State.FOUND and report.authority_reported_at is None


def test_a_report_to_the_authority_needs_its_fields_and_a_possible_time(org, copy, clock_at):
    report = report_lost(actor=org["people"]["insider"], copy=copy, circumstances="柜中缺失")
    officer = org["people"]["officer"]
    cases = [
        ({"authority": " ", "reference": "1号"}, "authority"),
        ({"authority": "保密局", "reference": ""}, "reference"),
        ({"authority": "局" * 101, "reference": "1号"}, "authority"),
        ({"authority": "保密局", "reference": "号" * 61}, "reference"),
        (
            {"authority": "保密局", "reference": "1号", "reported_at": MORNING + dt.timedelta(1)},
            "reported_at",
        ),
        (
            {"authority": "保密局", "reference": "1号", "reported_at": MORNING - dt.timedelta(1)},
            "reported_at",
        ),
    ]
    for given, field in cases:
        with pytest.raises(ValidationError) as raised:
            record_authority_report(actor=officer, report=report, **given)
        assert field in raised.value.message_dict
    with pytest.raises(policy.RuleViolation) as raised:  # the security office's step
        record_authority_report(
            actor=org["people"]["clerk"], report=report, authority="保密局", reference="1号"
        )
    assert "ACC.ROLE" in rule_ids(raised)
    report.refresh_from_db()
    assert report.authority_reported_at is None and report.authority == ""
    assert not AuditEvent.objects.filter(action="loss.authority_reported").exists()


@pytest.mark.applied("DOC.LOSS")
def test_tick_warns_the_security_officers_before_and_after_the_report_clock_runs_out(
    org, copy, clock_at
):
    assert "loss reports to the authority chased" in {j.name for j in jobs()}
    report = report_lost(actor=org["people"]["insider"], copy=copy, circumstances="柜中缺失")
    officer = org["people"]["officer"]

    def notices(kind):
        return list(Notification.objects.filter(kind=kind, object_id=str(report.pk)))

    clock_at(MORNING + dt.timedelta(hours=19, minutes=59))  # due 09:00 tomorrow, warned 4h ahead
    assert warn_unreported_losses() == 0
    clock_at(MORNING + dt.timedelta(hours=20))
    assert warn_unreported_losses() == 1 and warn_unreported_losses() == 0
    (due,) = notices("loss.report_due")
    assert due.person == officer
    assert dt.datetime.fromisoformat(due.data["due"]) == MORNING + dt.timedelta(hours=24)
    recorded("loss.report_warned", report, kind="loss.report_due")
    clock_at(MORNING + dt.timedelta(hours=24))
    assert warn_unreported_losses() == 1 and warn_unreported_losses() == 0
    assert [n.person for n in notices("loss.report_overdue")] == [officer]
    # the deemed leak's clock is a new one, warned of again
    clock_at(MORNING + dt.timedelta(days=60))
    deem_leaks_due()
    clock_at(MORNING + dt.timedelta(days=60, hours=21))
    assert warn_unreported_losses() == 1
    assert len(notices("loss.report_due")) == 2
    # once recorded, the clock stops and nothing more is said
    record_authority_report(actor=officer, report=report, authority="保密局", reference="1号")
    clock_at(MORNING + dt.timedelta(days=61, hours=1))
    assert warn_unreported_losses() == 0
    assert len(notices("loss.report_overdue")) == 1


def _signed_in(person):
    """A new session: moving the clock by hours would find an old one idle-locked (SYS.LOCK)."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person)
    return client


def _page(client):
    # Django writes the clock's durations with no-break spaces ("2\xa0hours")
    return client.get("/flows/losses/").content.decode().replace("\xa0", " ")


def test_the_loss_page_shows_the_running_clock_and_records_the_report(org, copy, clock_at):
    report = report_lost(actor=org["people"]["insider"], copy=copy, circumstances="柜中缺失")
    officer = org["people"]["officer"]
    clock_at(MORNING + dt.timedelta(hours=21, minutes=30))
    page = _page(_signed_in(officer))
    # due 09:00 tomorrow in the organization's time zone (Asia/Shanghai), not UTC 01:00
    assert "Due by 2026-11-21 09:00" in page and "2 hours, 30 minutes left" in page
    clock_at(MORNING + dt.timedelta(hours=26))
    client = _signed_in(officer)
    page = _page(client)
    assert "Overdue by 2 hours" in page
    url = f"/flows/losses/{report.pk}/authority-report/"
    client.post(url, {"authority": "保密局", "reference": "1号", "reported_at": "2026-13-40T10:00"})
    report.refresh_from_db()
    assert report.authority_reported_at is None
    client.post(
        url,
        {"authority": "市国家保密局", "reference": "保报1号", "reported_at": "2026-11-21T10:15"},
    )
    report.refresh_from_db()
    assert report.authority_reported_at == dt.datetime(2026, 11, 21, 10, 15, tzinfo=SHANGHAI)
    page = _page(client)
    assert "To 市国家保密局, reference 保报1号" in page and "Overdue" not in page


def test_the_report_to_the_authority_through_the_api(org, copy):
    report = report_lost(actor=org["people"]["insider"], copy=copy, circumstances="柜中缺失")
    url = f"/api/v1/loss-reports/{report.pk}/authority-report/"
    officer = api(org["people"]["officer"])
    refused = officer.post(url, {"authority": "保密局"}, format="json")
    assert refused.status_code == 400 and "reference" in refused.content.decode()
    done = officer.post(url, {"authority": "市国家保密局", "reference": "保报1号"}, format="json")
    assert done.status_code == 200
    body = done.json()
    assert (body["authority"], body["authority_reference"]) == ("市国家保密局", "保报1号")
    assert body["authority_reported_by"] == org["people"]["officer"].pk
    assert body["authority_report_due_at"] is None
    listed = officer.get(f"/api/v1/loss-reports/{report.pk}/").json()
    assert listed["authority_reported_at"] == body["authority_reported_at"]
