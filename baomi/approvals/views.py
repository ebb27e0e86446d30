"""The approval pages: 待我审批 (awaiting my decision), 我已审批 (decided by me), my own requests,
and one request with what it is for, the rule that needs it, what follows, and its forms.

Views only call services; a request outside what the person may see answers 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from baomi import policy
from baomi.core.errors import add_to_form
from baomi.core.http import form_checks_text
from baomi.core.visibility import visible_or_404
from baomi.people.models import Person
from baomi.policy import RuleViolation, engine
from baomi.policy.catalog import catalog

from . import kinds, services
from .forms import DecisionForm, RemindForm, WithdrawForm
from .lists import BOXES, DECIDED, INBOX, MINE
from .models import Approval
from .subjects import Lookup, describe

RELATED = ("requester", "approver", "approver_unit", "decided_by")
#: kinds the requester applies from the request's own page once approved (the document's page
#: takes the approval and applies it at once)
APPLIED_ON_THE_DOCUMENT = ("scope.widen", "document.change")


def _person(request: HttpRequest) -> Person:
    return cast(Person, request.user)


def _visible(request: HttpRequest, pk: int) -> Approval:
    return visible_or_404(Approval.objects.select_related(*RELATED), _person(request), pk=pk)


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """待我审批: pending requests this person may decide, soonest due first."""
    return INBOX.response(request, boxes=BOXES)


@login_required
@require_GET
def decided(request: HttpRequest) -> HttpResponse:
    """我已审批: the requests this person approved or rejected, the latest first."""
    return DECIDED.response(request, boxes=BOXES)


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The person's own requests, in every state, newest first."""
    return MINE.response(request, boxes=BOXES)


def _rule(approval: Approval) -> dict[str, str] | None:
    """The rule that needs the approval: its id, title and clause, and where it is listed."""
    try:
        rule_id = kinds.get(approval.kind).rule_id
    except LookupError:
        return None
    meta = catalog().get(rule_id)
    if meta is None:
        return None
    return {
        "id": rule_id,
        "title": meta.title,
        "summary": meta.summary,
        "clause": engine.clause(rule_id),
        "url": f"{reverse('policy:rules')}#{rule_id}",
    }


def _apply_url(approval: Approval, person: Person, subject: Any) -> str:
    """Where the requester applies an approved request at once, when its kind is applied on
    the document's page and the document is theirs to know."""
    if (
        approval.kind in APPLIED_ON_THE_DOCUMENT
        and approval.state == Approval.State.APPROVED
        and not approval.is_expired
        and approval.requester_id == person.pk
        and approval.object_type == "ledger.document"
        and not subject.hidden
    ):
        return reverse("ledger:apply", args=[int(approval.object_id), approval.pk])
    return ""


def _detail_page(
    request: HttpRequest,
    approval: Approval,
    *,
    decision_form: DecisionForm | None = None,
    withdraw_form: WithdrawForm | None = None,
    remind_form: RemindForm | None = None,
) -> HttpResponse:
    person = _person(request)
    subject = describe(approval, Lookup(person, [approval]))
    may_remind = approval.is_open and (
        approval.requester_id == person.pk or policy.check("custody.manage", actor=person).allowed
    )
    context: dict[str, Any] = {
        "approval": approval,
        "subject": subject,
        "rule": _rule(approval),
        "apply_url": _apply_url(approval, person, subject),
        "reminders": approval.reminders.select_related("sent_by").order_by("-sent_at"),
        "remind_hours": policy.params("APPR.REMIND")["min_hours"],
        "can_decide": approval.is_open
        and approval.requester_id != person.pk
        and approval.is_approver(person),
        "can_withdraw": approval.is_open and approval.requester_id == person.pk,
        "can_remind": may_remind,
        "used_for": kinds.title(approval.kind) if approval.consumed_by else "",
        "decision_form": decision_form or DecisionForm(),
        "withdraw_form": withdraw_form or WithdrawForm(),
        "remind_form": remind_form or RemindForm(),
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


@form_checks_text
@login_required
@require_POST
def remind(request: HttpRequest, pk: int) -> HttpResponse:
    """催办: remind the approver (APPR.REMIND says who, and how often)."""
    approval = _visible(request, pk)
    form = RemindForm(request.POST)
    try:
        reminder = services.remind_approver(actor=_person(request), approval=approval)
    except (RuleViolation, ValidationError) as exc:
        form.is_valid()
        add_to_form(form, exc)
        return _detail_page(request, approval, remind_form=form)
    messages.success(
        request,
        _("The approver was reminded (%(n)s told).") % {"n": reminder.told},
    )
    return redirect("approvals:detail", pk=approval.pk)
