"""Transfer and carry-out pages: send by an approved channel and confirm delivery; take a copy
out and bring it back."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baomi.core.visibility import visible_or_404
from baomi.people.names import staff_named
from baomi.people.views import AuthedRequest

from .. import services
from ..models import (
    CarryOut,
    Channel,
    Transfer,
)
from ._common import _approval_of, _by_id, _due, _one
from .desk import act_on_copy, act_on_scanned


@login_required
@require_POST
def send(request: AuthedRequest) -> HttpResponse:
    def action(copy: Any) -> Any:
        channel = _by_id(Channel.objects.filter(active=True), request, "channel")
        if channel is None:
            raise ValidationError({"channel": _("Choose the channel.")})
        return services.send_copy(
            actor=request.user,
            copy=copy,
            channel=channel,
            couriers=staff_named(request.POST.get("couriers", ""), "couriers"),
            recipient=request.POST.get("recipient", ""),
        )

    return act_on_scanned(
        request, "send", action, _("Sent; the courier holds it until the recipient signs.")
    )


@login_required
@require_POST
def deliver(request: AuthedRequest, pk: int) -> HttpResponse:
    transfer = visible_or_404(Transfer, request.user, pk=pk)
    return act_on_copy(
        request,
        transfer.copy,
        "deliver",
        lambda: services.confirm_delivery(
            actor=request.user, transfer=transfer, signed_by=request.POST.get("signed_by", "")
        ),
        _("Delivered."),
    )


@login_required
@require_POST
def carry(request: AuthedRequest) -> HttpResponse:
    def action(copy: Any) -> Any:
        person = _one(request, "person", _("Name who takes it out."))
        return services.carry_out(
            actor=request.user,
            copy=copy,
            person=person,
            companions=staff_named(request.POST.get("companions", ""), "companions"),
            destination=request.POST.get("destination", ""),
            due_at=_due(request),
            abroad=bool(request.POST.get("abroad")),
            approval=_approval_of(request, person),
        )

    return act_on_scanned(request, "carry_out", action, _("Taken out."))


@login_required
@require_POST
def bring_back(request: AuthedRequest, pk: int) -> HttpResponse:
    record = visible_or_404(CarryOut, request.user, pk=pk)
    return act_on_copy(
        request,
        record.copy,
        "bring_back",
        lambda: services.bring_back(actor=request.user, record=record),
        _("Brought back."),
    )
