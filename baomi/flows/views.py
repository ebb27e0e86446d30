"""The clerk's workbench: today's hand-outs and returns, what is overdue, what is outside a
cabinet, with a scan field for every action. Each form calls one service."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baomi import policy
from baomi.core.errors import report
from baomi.ledger.models import Document
from baomi.ledger.queries import copy_by_code
from baomi.people.models import Person
from baomi.people.views import AuthedRequest

from . import services
from .models import Circulation, CirculationStep, Loan


@login_required
def workbench(request: AuthedRequest) -> HttpResponse:
    person = request.user
    visible = Document.objects.visible_to(person)
    return render(
        request,
        "flows/workbench.html",
        {
            "to_sign": CirculationStep.objects.filter(
                reader=person, state=CirculationStep.State.HANDED, signed_at__isnull=True
            ).select_related("circulation__copy__document"),
            "circulations": Circulation.objects.filter(
                state=Circulation.State.OPEN, copy__document__in=visible
            )
            .select_related("copy__document")
            .prefetch_related("steps__reader")[:200],
            "loans": Loan.objects.filter(returned_at__isnull=True, copy__document__in=visible)
            .select_related("borrower", "copy__document")
            .order_by("due_at")[:200],
            "recall": services.recall_list(person),
            "outside": services.outside_cabinets().filter(document__in=visible)[:200],
            "staff": Person.objects.filter(is_active=True, admin_role="").order_by("username"),
        },
    )


def _act(request: AuthedRequest, action: Callable[[], Any], done: str) -> HttpResponse:
    try:
        action()
    except (ValidationError, policy.RuleViolation) as exc:
        report(request, exc)
    else:
        messages.success(request, done)
    return redirect("flows:workbench")


def _scanned(request: AuthedRequest) -> Any:
    copy = copy_by_code(request.user, request.POST.get("code", ""))
    if copy is None:
        raise ValidationError({"code": _("No copy you may know of has this label.")})
    return copy


def _people(request: AuthedRequest, name: str) -> list[Person]:
    ids = [int(x) for x in request.POST.getlist(name) if x.isdigit()]
    found = {p.pk: p for p in Person.objects.filter(pk__in=ids)}
    return [found[i] for i in ids if i in found]


@login_required
@require_POST
def lend(request: AuthedRequest) -> HttpResponse:
    def action() -> Any:
        borrower = _people(request, "borrower")
        if not borrower:
            raise ValidationError({"borrower": _("Choose the borrower.")})
        return services.lend_copy(
            actor=request.user,
            copy=_scanned(request),
            borrower=borrower[0],
            place=request.POST.get("place", Loan.Place.OFFICE),
        )

    return _act(request, action, _("Lent."))


def _named(text: str) -> list[Person]:
    """Readers typed in order, by user name or full name, separated by spaces, commas or 、."""
    staff = Person.objects.filter(is_active=True, admin_role="")
    found = []
    for name in (n for n in re.split(r"[\s,，、;；]+", text) if n):
        person = staff.filter(models.Q(username=name) | models.Q(full_name=name)).first()
        if person is None:
            raise ValidationError(
                {"readers": _("No member of staff is called %(name)s.") % {"name": name}}
            )
        found.append(person)
    return found


@login_required
@require_POST
def circulate(request: AuthedRequest) -> HttpResponse:
    def action() -> Any:
        return services.start_circulation(
            actor=request.user,
            copy=_scanned(request),
            readers=_named(request.POST.get("readers", "")),
        )

    return _act(request, action, _("Circulation opened."))


@login_required
@require_POST
def report_lost(request: AuthedRequest) -> HttpResponse:
    def action() -> Any:
        return services.report_lost(
            actor=request.user,
            copy=_scanned(request),
            circumstances=request.POST.get("circumstances", ""),
        )

    return _act(request, action, _("Reported missing; the security office has been told."))


@login_required
@require_POST
def hand(request: AuthedRequest, pk: int) -> HttpResponse:
    circulation = get_object_or_404(Circulation, pk=pk)
    return _act(
        request,
        lambda: services.hand_to_reader(actor=request.user, circulation=circulation),
        _("Handed to the next reader."),
    )


@login_required
@require_POST
def take_back(request: AuthedRequest, pk: int) -> HttpResponse:
    circulation = get_object_or_404(Circulation, pk=pk)
    return _act(
        request,
        lambda: services.take_back(actor=request.user, circulation=circulation),
        _("Taken back."),
    )


@login_required
@require_POST
def sign(request: AuthedRequest, pk: int) -> HttpResponse:
    step = get_object_or_404(CirculationStep, pk=pk, reader=request.user)
    return _act(
        request, lambda: services.sign_for_copy(actor=request.user, step=step), _("Signed for.")
    )


@login_required
@require_POST
def return_loan(request: AuthedRequest, pk: int) -> HttpResponse:
    loan = get_object_or_404(Loan, pk=pk)
    return _act(
        request, lambda: services.return_loan(actor=request.user, loan=loan), _("Returned.")
    )
