"""Circulation pages: open a route, hand the copy to the next reader, take it back; the reader
signs on the page, or before the clerk with their own password or one-time code."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baomi.core.timefmt import when
from baomi.core.visibility import visible_or_404
from baomi.people.names import staff_named
from baomi.people.views import AuthedRequest

from .. import services
from ..models import (
    Circulation,
    CirculationStep,
)
from .desk import act_on_copy, act_on_scanned


@login_required
@require_POST
def circulate(request: AuthedRequest) -> HttpResponse:
    def action(copy: Any) -> Any:
        return services.start_circulation(
            actor=request.user,
            copy=copy,
            readers=staff_named(request.POST.get("readers", ""), "readers"),
        )

    return act_on_scanned(request, "circulate", action, _("Circulation opened."))


@login_required
@require_POST
def hand(request: AuthedRequest, pk: int) -> HttpResponse:
    circulation = visible_or_404(Circulation, request.user, pk=pk)
    return act_on_copy(
        request,
        circulation.copy,
        "hand",
        lambda: services.hand_to_reader(actor=request.user, circulation=circulation),
        lambda step: (
            _("Handed to the next reader, %(reader)s; back by %(due)s.")
            % {"reader": step.reader, "due": when(step.due_at)}
        ),
    )


@login_required
@require_POST
def take_back(request: AuthedRequest, pk: int) -> HttpResponse:
    circulation = visible_or_404(Circulation, request.user, pk=pk)
    return act_on_copy(
        request,
        circulation.copy,
        "take_back",
        lambda: services.take_back(actor=request.user, circulation=circulation),
        _("Taken back."),
    )


@login_required
@require_POST
def sign(request: AuthedRequest, pk: int) -> HttpResponse:
    step = visible_or_404(CirculationStep.objects.filter(reader=request.user), request.user, pk=pk)
    return act_on_copy(
        request,
        step.circulation.copy,
        "sign",
        lambda: services.sign_for_copy(actor=request.user, step=step),
        _("Signed for."),
    )


@login_required
@require_POST
def sign_present(request: AuthedRequest, pk: int) -> HttpResponse:
    """The reader, before the clerk, signs on the clerk's screen with their own password or
    one-time code (DOC.CIRC.IN_PERSON)."""
    step = visible_or_404(CirculationStep, request.user, pk=pk)
    return act_on_copy(
        request,
        step.circulation.copy,
        "sign_present",
        lambda: services.sign_before_clerk(
            actor=request.user, step=step, secret=request.POST.get("secret", "")
        ),
        _("The reader signed for the copy."),
    )
