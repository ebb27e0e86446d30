"""Handover pages: the list of what a person leaving holds, checked and signed by both."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Case, Value, When
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baomi import policy
from baomi.core.errors import report
from baomi.core.visibility import knows_document, visible_or_404
from baomi.people.views import AuthedRequest

from .. import services
from ..models import (
    Handover,
)
from ._common import (
    _back,
    _one,
)


@login_required
@require_POST
def open_handover(request: AuthedRequest) -> HttpResponse:
    try:
        handover = services.open_handover(
            actor=request.user,
            person=_one(request, "person", _("Name the person leaving and the receiver.")),
            receiver=_one(request, "receiver", _("Name the person leaving and the receiver.")),
        )
    except (ValidationError, policy.RuleViolation) as exc:
        report(request, exc)
        return redirect("flows:workbench")
    return redirect("flows:handover", pk=handover.pk)


def _handover_of(request: AuthedRequest, pk: int) -> Handover:
    return visible_or_404(Handover, request.user, pk=pk)


@login_required
def handover(request: AuthedRequest, pk: int) -> HttpResponse:
    """移交: the list, checked by the receiver label by label, then signed by both."""
    found = _handover_of(request, pk)
    if request.method == "POST":

        def action() -> Any:
            # the label is looked up on the list itself: a copy in a cabinet the receiver takes
            # over may lie outside what he may know of, and he still checks it
            copy = services.listed_copy(found, code=request.POST.get("code", ""))
            if copy is None:
                raise ValidationError({"code": _("This copy is not on the handover list.")})
            return services.check_handover_item(actor=request.user, handover=found, copy=copy)

        return _back(request, action, _("Checked."), f"/flows/handovers/{pk}/")
    # a document's number only where the viewer may know the document; otherwise the label
    items = found.items.select_related("copy__document", "copy__cabinet").annotate(
        known=Case(
            When(knows_document(request.user, "copy__document"), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )
    may_withdraw = policy.check("custody.manage", actor=request.user).allowed
    return render(
        request,
        "flows/handover.html",
        {"handover": found, "items": items, "may_withdraw": may_withdraw},
    )


@login_required
@require_POST
def sign_handover(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _handover_of(request, pk)
    return _back(
        request,
        lambda: services.sign_handover(actor=request.user, handover=found),
        _("Signed."),
        f"/flows/handovers/{pk}/",
    )


@login_required
@require_POST
def cancel_handover(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _handover_of(request, pk)
    return _back(
        request,
        lambda: services.cancel_handover(
            actor=request.user, handover=found, reason=request.POST.get("reason", "")
        ),
        _("Withdrawn."),
        f"/flows/handovers/{pk}/",
    )
