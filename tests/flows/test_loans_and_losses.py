"""Loans, losses and the end-of-day custody check."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from baomi import policy
from baomi.approvals.services import approve, request_approval
from baomi.audit.models import AuditEvent
from baomi.core.models import Notification
from baomi.flows.models import Loan, LossReport
from baomi.flows.services import (
    ask_to_borrow,
    check_custody_at_closing,
    lend_copy,
    mark_found,
    overdue_loans,
    report_lost,
    return_loan,
    write_off,
)
from baomi.ledger.models import Copy
from tests.support import recorded, rule_ids
from tests.support.factories import lend as support_lend
from tests.support.factories import loan_approved

from .conftest import MORNING, SHANGHAI

pytestmark = pytest.mark.django_db
EVENING = MORNING.replace(hour=19)


def lend(org, copy, **kw):
    """Lend with the office head's approval asked for and given first (DOC.LOAN.APPROVAL)."""
    return support_lend(org, copy, kw.pop("borrower", None), **kw)


def test_a_loan_makes_the_borrower_the_only_holder_until_returned(org, copy, clock_at):
    loan = lend(org, copy)
    copy.refresh_from_db()
    assert (copy.state, copy.holder, copy.cabinet) == (Copy.State.ON_LOAN, loan.borrower, None)
    assert loan.due_at == dt.datetime(2026, 11, 25, 18, 0, tzinfo=SHANGHAI)
    recorded(
        "copy.lent",
        copy,
        actor=org["people"]["clerk"],
        state="on_loan",
        holder=loan.borrower_id,
        cabinet=None,
        loan=loan.pk,
        place="office",
        due_at="2026-11-25T18:00+08:00",
    )
    with pytest.raises(ValidationError):
        lend(org, copy)  # not in the cabinet
    clock_at(MORNING + dt.timedelta(days=6))
    assert list(overdue_loans(org["people"]["clerk"])) == [loan]
    return_loan(actor=org["people"]["clerk"], loan=loan)
    copy.refresh_from_db()
    assert (copy.state, copy.cabinet) == (Copy.State.IN_CABINET, org["cabinet"])
    recorded(
        "copy.returned",
        copy,
        actor=org["people"]["clerk"],
        state="in_cabinet",
        cabinet="JYS-01",
        holder=None,
        loan=loan.pk,
    )
    assert list(overdue_loans(org["people"]["clerk"])) == []


@pytest.mark.refuses("ACC.NEED_TO_KNOW", "ACC.CLEARANCE")
def test_a_borrower_outside_the_scope_or_without_clearance_is_refused(org, copy):
    for name, rule in (("important", "ACC.NEED_TO_KNOW"), ("planning_general", "ACC.CLEARANCE")):
        with pytest.raises(policy.RuleViolation) as raised:
            lend_copy(actor=org["people"]["clerk"], copy=copy, borrower=org["people"][name])
        assert rule in rule_ids(raised)
    assert not Loan.objects.exists()


@pytest.mark.refuses("DOC.READ.PLACE")
def test_DOC_READ_PLACE_taking_a_copy_home_needs_approval(org, copy):
    with pytest.raises(policy.RuleViolation) as raised:
        lend(org, copy, place="home")
    assert rule_ids(raised) == ["DOC.READ.PLACE"]
    assert raised.value.violations[0].lift == "copy.carry_out"
    assert not Loan.objects.exists()


def test_DOC_READ_PLACE_an_approved_home_reading_is_lent(org, copy):
    insider = org["people"]["insider"]
    asked = request_approval(actor=insider, kind="copy.carry_out", summary="带回家中阅读，次日交回")
    approve(actor=org["people"]["leader"], approval=asked)
    loan = lend(org, copy, place="home", approval=asked)
    assert loan.place == "home" and loan.approval == asked
    with pytest.raises(policy.RuleViolation):  # used up
        lend(org, org["document"].copies.get(copy_no=2), place="home", approval=asked)


@pytest.mark.refuses("DOC.READ.SAME_DAY")
def test_DOC_READ_SAME_DAY_a_top_secret_loan_is_due_the_same_evening(org):
    from baomi.ledger.models import ScopeEntry
    from tests.support.factories import register

    top = register(org, marking="绝密★30年", copies=1).copies.get()
    leader = org["people"]["leader"]
    ScopeEntry.objects.create(document=top.document, person=leader)  # fixture: in scope
    with pytest.raises(policy.RuleViolation) as raised:
        lend(org, top, borrower=leader, due_at=MORNING + dt.timedelta(days=1))
    assert rule_ids(raised) == ["DOC.READ.SAME_DAY"]
    loan = lend(org, top, borrower=leader)
    assert loan.due_at == dt.datetime(2026, 11, 20, 18, 0, tzinfo=SHANGHAI)


def test_a_lost_copy_is_reported_at_once_and_found_back_with_its_holder(org, copy):
    loan = lend(org, copy)
    report = report_lost(actor=loan.borrower, copy=copy, circumstances="11月20日下午会后未找到")
    copy.refresh_from_db()
    assert copy.state == Copy.State.REPORTED_LOST and copy.holder == loan.borrower
    assert report.report_due_at == MORNING + dt.timedelta(hours=24)
    assert report.deemed_leak_on == dt.date(2027, 1, 19)  # 机密: 60 days
    recorded(
        "copy.reported_lost",
        copy,
        actor=loan.borrower,
        state="reported_lost",
        holder=loan.borrower_id,
        report=report.pk,
    )
    told = Notification.objects.filter(kind="copy.reported_lost")
    assert org["people"]["officer"] in {n.person for n in told}
    with pytest.raises(policy.RuleViolation):
        mark_found(actor=org["people"]["clerk"], report=report)  # the security office decides
    mark_found(actor=org["people"]["officer"], report=report, note="在会议室找到")
    copy.refresh_from_db()
    assert (copy.state, copy.holder) == (Copy.State.ON_LOAN, loan.borrower)
    recorded(
        "copy.found",
        copy,
        actor=org["people"]["officer"],
        state="on_loan",
        holder=loan.borrower_id,
        report=report.pk,
    )
    actions = AuditEvent.objects.filter(object_id=str(copy.pk), object_type="ledger.copy")
    assert list(actions.values_list("action", flat=True))[-2:] == [
        "copy.reported_lost",
        "copy.found",
    ]


def test_a_copy_not_found_is_written_off_and_leaves_every_flow(org, copy):
    report = report_lost(actor=org["people"]["insider"], copy=copy, circumstances="柜中缺失")
    with pytest.raises(ValidationError):
        write_off(actor=org["people"]["officer"], report=report, resolution=" ")
    write_off(actor=org["people"]["officer"], report=report, resolution="经查无法找回，按泄密处理")
    copy.refresh_from_db()
    assert copy.state == Copy.State.WRITTEN_OFF
    recorded(
        "copy.written_off",
        copy,
        actor=org["people"]["officer"],
        state="written_off",
        report=report.pk,
    )
    assert LossReport.objects.get().state == LossReport.State.WRITTEN_OFF
    with pytest.raises(ValidationError):
        lend(org, copy)


def test_the_closing_check_lists_copies_outside_a_cabinet_once_a_day(org, copy, clock_at):
    lend(org, copy)
    assert check_custody_at_closing() == 0  # before closing time: nothing yet
    clock_at(EVENING)
    assert check_custody_at_closing() == 1
    recorded("custody.checked", actor=None, exceptions=[copy.pk])
    assert check_custody_at_closing() == 0
    told = Notification.objects.filter(kind="custody.exception")
    assert {n.person.username for n in told} == {"insider", "clerk"}
    assert AuditEvent.objects.filter(action="custody.checked").count() == 1


def test_an_approved_home_reading_is_not_a_closing_exception(org, copy, clock_at):
    insider = org["people"]["insider"]
    asked = request_approval(actor=insider, kind="copy.carry_out", summary="带回家中阅读")
    approve(actor=org["people"]["leader"], approval=asked)
    lend(org, copy, place="home", approval=asked)
    clock_at(EVENING)
    assert check_custody_at_closing() == 0


@pytest.mark.refuses("DOC.LOAN.APPROVAL")
def test_DOC_LOAN_APPROVAL_a_classified_copy_is_not_lent_without_the_office_heads_approval(
    org, copy
):
    clerk, insider, reader2 = (org["people"][n] for n in ("clerk", "insider", "reader2"))
    with pytest.raises(policy.RuleViolation) as raised:
        lend_copy(actor=clerk, copy=copy, borrower=insider)
    assert rule_ids(raised) == ["DOC.LOAN.APPROVAL"]
    [violation] = raised.value.violations
    assert violation.lift == "copy.loan"
    assert violation.params["levels"] == ["top_secret", "secret", "confidential"]
    # asked for but not decided, or approved for someone else: still refused
    asked = ask_to_borrow(actor=insider, document=copy.document, reason="起草汇报材料")
    loan_approved(org, reader2, copy.document)
    with pytest.raises(policy.RuleViolation) as raised:
        lend_copy(actor=clerk, copy=copy, borrower=insider)
    assert rule_ids(raised) == ["DOC.LOAN.APPROVAL"]
    # the borrower's own department leader is not the office head
    with pytest.raises(policy.RuleViolation):
        approve(actor=org["people"]["leader"], approval=asked)
    assert not Loan.objects.exists()
    copy.refresh_from_db()
    assert copy.state == Copy.State.IN_CABINET


def test_DOC_LOAN_APPROVAL_the_office_heads_approval_lends_one_copy_once(org, copy):
    clerk, insider = org["people"]["clerk"], org["people"]["insider"]
    asked = ask_to_borrow(actor=insider, document=copy.document, reason="起草汇报材料")
    assert asked.approver_unit == copy.document.department
    approve(actor=org["people"]["head"], approval=asked)
    loan = lend_copy(actor=clerk, copy=copy, borrower=insider)
    asked.refresh_from_db()
    assert loan.loan_approval == asked and asked.state == "consumed"
    return_loan(actor=clerk, loan=loan)
    with pytest.raises(policy.RuleViolation) as raised:  # used up by the first loan
        lend_copy(actor=clerk, copy=copy, borrower=insider)
    assert rule_ids(raised) == ["DOC.LOAN.APPROVAL"]


def test_DOC_LOAN_APPROVAL_the_levels_that_need_it_are_the_organizations_parameter(
    org, copy, security_admin
):
    from baomi.policy.services import set_parameter

    set_parameter(
        actor=security_admin,
        rule_id="DOC.LOAN.APPROVAL",
        name="levels",
        value=["top_secret"],
        reason="仅绝密件借阅须经办公室主任批准",
    )
    loan = lend_copy(actor=org["people"]["clerk"], copy=copy, borrower=org["people"]["insider"])
    assert loan.loan_approval is None  # a 机密 copy no longer needs it
