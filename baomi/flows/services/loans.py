"""借阅 and 带出 ending: loans and the overdue list."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from baomi import policy
from baomi.core import clock
from baomi.ledger import custody
from baomi.ledger.models import Copy, Document
from baomi.ledger.services.access import may_hold, must_see

from ..models import (
    Loan,
)
from ..rules import latest_return, loan_needs_office_head
from .common import FROM_CABINET, OUT_ON_LOAN, S, _due_ahead, _locked_copy, _must_be, _not_sealed

if TYPE_CHECKING:
    from baomi.people.models import Person


@transaction.atomic(durable=True)
def lend_copy(
    *,
    actor: Person,
    copy: Copy,
    borrower: Any,
    due_at: dt.datetime | None = None,
    place: str = Loan.Place.OFFICE,
    approval: Any = None,
    loan_approval: Any = None,
) -> Loan:
    """借阅: lend a copy from its cabinet to a borrower who may know the document and is
    cleared for it. A classified copy is lent only with the office head's approval, which the
    borrower asked for (DOC.LOAN.APPROVAL): `loan_approval`, or else the borrower's approved,
    unused one for this document or copy. Read in the office unless taking it home is approved
    (DOC.READ.PLACE: `approval`); a 绝密 copy comes back the same evening (DOC.READ.SAME_DAY).
    Afterwards the borrower is the copy's only holder and every approval used is used up."""
    from baomi.approvals.services import consume

    copy = _locked_copy(actor, copy)
    document = copy.document
    due_at = due_at or latest_return(document)
    if loan_approval is None and loan_needs_office_head(document):
        loan_approval = _granted_loan(borrower, copy)
    granted: tuple[str, ...] = ()
    for given in (approval, loan_approval):
        if given is not None:
            # the borrower asked for it and uses it up, at the moment of lending
            used = consume(
                actor=borrower, approval=given, action="copy.lend", subjects=(copy, document)
            )
            granted += (used.kind,)
    if place not in Loan.Place.values:
        raise ValidationError({"place": _("Choose where the copy is read.")})
    policy.require("custody.manage", actor=actor)
    _not_sealed(actor, document)
    may_hold(borrower, document)
    policy.require(
        "copy.lend",
        document=document,
        due_at=due_at,
        place=place,
        approvals=granted,
    )
    _must_be(copy, *FROM_CABINET)
    _due_ahead(due_at)
    assert copy.cabinet is not None
    loan = Loan.objects.create(
        copy=copy,
        borrower=borrower,
        lent_by=actor,
        cabinet=copy.cabinet,
        place=place,
        lent_at=clock.now(),
        due_at=due_at,
        approval=approval,
        loan_approval=loan_approval,
    )
    custody.move(
        actor=actor,
        copy=copy,
        to=S.ON_LOAN,
        action="copy.lent",
        holder=borrower,
        loan=loan.pk,
        place=place,
        due_at=due_at.isoformat(timespec="minutes"),
    )
    return loan


def _granted_loan(borrower: Any, copy: Copy) -> Any:
    """The borrower's approved, unexpired, unused loan approval for this copy or its document,
    the one expiring first; None when there is none."""
    from baomi.approvals.models import Approval

    for_this = Q(object_type="ledger.document", object_id=str(copy.document_id)) | Q(
        object_type="ledger.copy", object_id=str(copy.pk)
    )
    return (
        Approval.objects.filter(
            for_this,
            requester_id=borrower.pk,
            kind="copy.loan",
            state=Approval.State.APPROVED,
            expires_at__gt=clock.now(),
        )
        .order_by("expires_at", "pk")
        .first()
    )


def ask_to_borrow(*, actor: Person, document: Document, reason: str) -> Any:
    """Ask the office head (办公室主任: the leader of the department that registered the
    document) to approve lending `actor` a copy of it (DOC.LOAN.APPROVAL). Only someone who may
    know the document and hold a copy asks; the approval serves the next loan of any of its
    copies to `actor`."""
    from baomi.approvals.services import request_approval

    must_see(actor, document.pk)
    may_hold(actor, document)
    return request_approval(
        actor=actor, kind="copy.loan", summary=reason, subject=document, unit=document.department
    )


@transaction.atomic(durable=True)
def return_loan(*, actor: Person, loan: Loan) -> Loan:
    """The clerk receives a lent copy back and puts it into the cabinet it came from."""
    return _back_in_cabinet(
        actor,
        loan,
        "returned_at",
        "copy.returned",
        _("This loan was already returned."),
        loan=loan.pk,
    )


def _back_in_cabinet(
    actor: Person, record: Any, field: str, action: str, refusal: str, **data: Any
) -> Any:
    """A loan or carry-out ends: the copy goes back into the cabinet it came from."""
    copy = _locked_copy(actor, record.copy)
    record = type(record).objects.select_for_update().get(pk=record.pk)
    policy.require("custody.manage", actor=actor)
    if getattr(record, field) is not None:
        raise ValidationError(refusal)
    _must_be(copy, *OUT_ON_LOAN)  # a copy reported lost meanwhile is found first
    setattr(record, field, clock.now())
    record.save(update_fields=[field])
    custody.move(
        actor=actor, copy=copy, to=S.IN_CABINET, action=action, cabinet=record.cabinet, **data
    )
    return record


def overdue_loans(person: Any) -> Any:
    """Loans past their due time, among the documents this person may know of."""
    return (
        Loan.objects.visible_to(person)
        .filter(
            returned_at__isnull=True,
            due_at__lt=clock.now(),
        )
        .select_related("borrower", "copy__document")
    )
