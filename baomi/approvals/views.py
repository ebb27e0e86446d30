"""The approval pages: the inbox (待我审批) and one request with its decision forms.

Views only call services; a request outside what the person may see answers 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from baomi.core.errors import add_to_form
from baomi.core.http import form_checks_text
from baomi.core.visibility import visible_or_404
from baomi.people.models import Person
from baomi.policy import RuleViolation

from . import services
from .forms import DecisionForm, WithdrawForm
from .models import Approval

MINE_PER_PAGE = 25
RELATED = ("requester", "approver", "approver_unit", "decided_by")


def _person(request: HttpRequest) -> Person:
    return cast(Person, request.user)


def _visible(request: HttpRequest, pk: int) -> Approval:
    return visible_or_404(Approval.objects.select_related(*RELATED), _person(request), pk=pk)


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """Requests waiting for this person's decision, and the person's own requests."""
    person = _person(request)
    awaiting = Approval.objects.awaiting(person).select_related(*RELATED)
    mine = Paginator(
        Approval.objects.requested_by(person).select_related(*RELATED), MINE_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(request, "approvals/inbox.html", {"awaiting": awaiting, "mine": mine})


def _detail_page(
    request: HttpRequest,
    approval: Approval,
    *,
    decision_form: DecisionForm | None = None,
    withdraw_form: WithdrawForm | None = None,
) -> HttpResponse:
    person = _person(request)
    context: dict[str, Any] = {
        "approval": approval,
        "can_decide": approval.is_open
        and approval.requester_id != person.pk
        and approval.is_approver(person),
        "can_withdraw": approval.is_open and approval.requester_id == person.pk,
        "decision_form": decision_form or DecisionForm(),
        "withdraw_form": withdraw_form or WithdrawForm(),
    }
    return render(request, "approvals/detail.html", context)


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _visible(request, pk))


def _decide(
    request: HttpRequest, pk: int, service: Callable[..., Approval], done: str
) -> HttpResponse:
    approval = _visible(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            service(actor=_person(request), approval=approval, comment=form.cleaned_data["comment"])
        except (RuleViolation, ValidationError) as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, done)
            return redirect("approvals:detail", pk=approval.pk)
    return _detail_page(request, approval, decision_form=form)


@form_checks_text
@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, services.approve, _("Approved."))


@form_checks_text
@login_required
@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, services.reject, _("Rejected."))


@form_checks_text
@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    approval = _visible(request, pk)
    form = WithdrawForm(request.POST)
    try:
        services.withdraw(actor=_person(request), approval=approval)
    except (RuleViolation, ValidationError) as exc:
        form.is_valid()
        add_to_form(form, exc)
        return _detail_page(request, approval, withdraw_form=form)
    messages.success(request, _("Withdrawn."))
    return redirect("approvals:detail", pk=approval.pk)
