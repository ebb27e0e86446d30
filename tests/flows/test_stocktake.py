"""Stocktake: scan every label; missing, unexpected and misplaced copies; gaps become losses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from baomi.flows.models import LossReport
from baomi.flows.services import (
    close_stocktake,
    open_stocktake,
    recall_list,
    record_seen,
    stocktake_result,
)
from baomi.ledger.models import Cabinet, Copy
from tests.support import recorded
from tests.support.factories import lend

from .conftest import MORNING

pytestmark = pytest.mark.django_db


def test_DOC_STOCKTAKE_a_stocktake_finds_what_is_missing_unexpected_or_misplaced(org):
    clerk = org["people"]["clerk"]
    first, second, third = org["document"].copies.order_by("copy_no")
    other = Cabinet.objects.create(  # fixture: a second cabinet of the room
        name="二号柜", code="JYS-02", department=org["cabinet"].department, custodian=clerk
    )
    stocktake = open_stocktake(actor=clerk, cabinet=org["cabinet"])
    assert stocktake.lines.count() == 3
    recorded("stocktake.opened", stocktake, actor=clerk, cabinets=["JYS-01"], expected=3)
    lend(org, third, org["people"]["insider"], actor=clerk)
    record_seen(actor=clerk, stocktake=stocktake, code=first.scan_code, cabinet=org["cabinet"])
    record_seen(actor=clerk, stocktake=stocktake, code=second.scan_code, cabinet=other)
    recorded("stocktake.seen", stocktake, actor=clerk, copy=second.pk, cabinet="JYS-02")
    with pytest.raises(ValidationError):
        record_seen(actor=clerk, stocktake=stocktake, code="BMC-999-000001", cabinet=other)
    result = stocktake_result(stocktake)
    assert [x.copy for x in result.missing] == [third]
    assert [x.copy for x in result.misplaced] == [second]
    assert result.unexpected == []
    close_stocktake(actor=clerk, stocktake=stocktake)
    recorded(
        "stocktake.closed",
        stocktake,
        actor=clerk,
        missing=[third.pk],
        unexpected=[],
        misplaced=[second.pk],
    )
    # the third copy went out on loan after the list was made: on loan, not lost
    assert not LossReport.objects.exists()
    with pytest.raises(ValidationError):
        record_seen(actor=clerk, stocktake=stocktake, code=first.scan_code, cabinet=other)


def test_DOC_STOCKTAKE_a_copy_not_found_becomes_a_loss_report(org):
    clerk = org["people"]["clerk"]
    stocktake = open_stocktake(actor=clerk, department=org["cabinet"].department)
    for copy in org["document"].copies.exclude(copy_no=2):
        record_seen(actor=clerk, stocktake=stocktake, code=copy.scan_code, cabinet=org["cabinet"])
    close_stocktake(actor=clerk, stocktake=stocktake)
    report = LossReport.objects.get()
    assert report.copy.copy_no == 2 and report.copy.state == Copy.State.REPORTED_LOST
    assert str(stocktake.pk) in report.circumstances


def test_copies_out_past_their_date_are_listed_for_recall(org, copy, clock_at):
    import datetime as dt

    loan = lend(org, copy, org["people"]["insider"])
    assert list(recall_list(org["people"]["clerk"])["loans"]) == []
    clock_at(MORNING + dt.timedelta(days=10))
    assert list(recall_list(org["people"]["clerk"])["loans"]) == [loan]
    assert list(recall_list(org["people"]["important"])["loans"]) == []


@pytest.mark.applied("DOC.STOCKTAKE")
def test_DOC_STOCKTAKE_a_stocktake_is_due_every_few_months_and_clerks_are_told_once(org):
    from baomi.core.models import Notification
    from baomi.flows.services import remind_stocktake, stocktake_due

    due = stocktake_due(today=dt.date(2026, 11, 20))
    assert due.due
    assert due.values == {"last": None, "interval_months": 6}
    with translation.override("en"):
        assert due.message() == "No stocktake has been closed in the last 6 months."
    assert remind_stocktake(today=dt.date(2026, 11, 20)) == 1  # the one clerk
    assert remind_stocktake(today=dt.date(2026, 11, 20)) == 0
    notice = Notification.objects.get(kind="stocktake.due")
    assert notice.person == org["people"]["clerk"]
    assert notice.data == {
        "day": "2026-11-20",
        "rules": ["DOC.STOCKTAKE"],
        "last": None,
        "interval_months": 6,
    }


def test_DOC_STOCKTAKE_a_recent_stocktake_satisfies_it_until_a_holiday_nears(org):
    from baomi.flows.services import stocktake_due

    clerk = org["people"]["clerk"]
    close_stocktake(actor=clerk, stocktake=open_stocktake(actor=clerk, cabinet=org["cabinet"]))
    assert not stocktake_due(today=dt.date(2026, 11, 25)).due
    before_new_year = stocktake_due(today=dt.date(2026, 12, 24))
    assert before_new_year.due and before_new_year.values["holiday"] == "元旦"
    before_spring = stocktake_due(today=dt.date(2027, 2, 1))
    assert before_spring.values["on"] == "2027-02-06"


def test_DOC_STOCKTAKE_the_holiday_notice_is_the_organizations_parameter(org, security_admin):
    from baomi.flows.services import stocktake_due
    from baomi.policy.services import set_parameter

    clerk = org["people"]["clerk"]
    close_stocktake(actor=clerk, stocktake=open_stocktake(actor=clerk, cabinet=org["cabinet"]))
    assert stocktake_due(today=dt.date(2026, 12, 24)).due  # 8 days before 元旦
    set_parameter(
        actor=security_admin,
        rule_id="DOC.STOCKTAKE",
        name="holiday_notice_days",
        value=5,
        reason="节前五天内检查",
    )
    assert not stocktake_due(today=dt.date(2026, 12, 24)).due
    assert stocktake_due(today=dt.date(2026, 12, 27)).params["holiday_notice_days"] == 5
