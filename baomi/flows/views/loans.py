"""Loan pages: ask the office head to borrow, lend a scanned copy, take it back."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baomi import policy
from baomi.core.errors import report
from baomi.core.timefmt import when
from baomi.core.visibility import visible_or_404
from baomi.ledger.models import Document
from baomi.people.views import AuthedRequest

from .. import services
from ..models import (
    Loan,
)
from ._common import _due, _one
from .desk import act_on_copy, act_on_scanned


@login_required
@require_POST
def ask_to_borrow(request: AuthedRequest, pk: int) -> HttpResponse:
    """From the document's page, the reader asks the office head to approve lending them a copy
    (DOC.LOAN.APPROVAL); the clerk lends it once it is approved."""
    from django.contrib import messages

    document = visible_or_404(Document, request.user, pk=pk)
    try:
        services.ask_to_borrow(
            actor=request.user, document=document, reason=request.POST.get("reason", "")
        )
    except (ValidationError, policy.RuleViolation) as exc:
        report(request, exc)
    else:
        messages.success(request, _("Your request went to the approver."))
    return redirect("ledger:document", pk=pk)


@login_required
@require_POST
def lend(request: AuthedRequest) -> HttpResponse:
    def action(copy: Any) -> Any:
        borrower = _one(request, "borrower", _("Choose the borrower."))
        return services.lend_copy(
            actor=request.user,
            copy=copy,
            borrower=borrower,
            due_at=_due(request) if request.POST.get("due_at", "").strip() else None,
            place=request.POST.get("place", Loan.Place.OFFICE),
        )

    return act_on_scanned(
        request,
        "lend",
        action,
        lambda loan: (
            _("Lent to %(person)s; due back %(due)s.")
            % {"person": loan.borrower, "due": when(loan.due_at)}
        ),
    )


@login_required
@require_POST
def return_loan(request: AuthedRequest, pk: int) -> HttpResponse:
    loan = visible_or_404(Loan, request.user, pk=pk)
    return act_on_copy(
        request,
        loan.copy,
        "return",
        lambda: services.return_loan(actor=request.user, loan=loan),
        _("Returned."),
    )
