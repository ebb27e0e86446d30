"""Loss pages: report a copy missing; the security office's open reports with their report
clocks, the report to the competent authority, found or written off."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baomi import policy
from baomi.core import clock
from baomi.core.visibility import visible_or_404
from baomi.people.views import AuthedRequest

from .. import services
from ..models import (
    LossReport,
)
from ..record_lists import LOSSES
from ._common import _back
from .desk import act_on_scanned


@login_required
@require_POST
def report_lost(request: AuthedRequest) -> HttpResponse:
    def action(copy: Any) -> Any:
        return services.report_lost(
            actor=request.user,
            copy=copy,
            circumstances=request.POST.get("circumstances", ""),
        )

    return act_on_scanned(
        request,
        "report_lost",
        action,
        _("Reported missing; the security office has been told."),
    )


@login_required
def losses(request: AuthedRequest) -> HttpResponse:
    """丢失: open loss reports with their clocks, for the security office to resolve."""
    policy.require("security.manage", actor=request.user)  # a refused role: 403 naming the rule
    return LOSSES.response(request)


@login_required
@require_POST
def resolve_loss(request: AuthedRequest, pk: int) -> HttpResponse:
    report_ = visible_or_404(LossReport, request.user, pk=pk)
    text = request.POST.get("note", "")
    if request.POST.get("outcome") == "found":
        return _back(
            request,
            lambda: services.mark_found(actor=request.user, report=report_, note=text),
            _("Found: back with its holder."),
            "flows:losses",
        )
    return _back(
        request,
        lambda: services.write_off(actor=request.user, report=report_, resolution=text),
        _("Written off."),
        "flows:losses",
    )


def _reported_at(request: AuthedRequest) -> Any:
    """When the report to the authority was made, as typed (local time), or None for now."""
    text = request.POST.get("reported_at", "").strip()
    if not text:
        return None
    try:
        value = parse_datetime(text)
    except ValueError:  # well formed but no such moment (month 13)
        value = None
    if value is None:
        raise ValidationError({"reported_at": _("Give the date and time the report was made.")})
    return value if value.tzinfo else clock.at(value.date(), value.strftime("%H:%M"))


@login_required
@require_POST
def report_to_authority(request: AuthedRequest, pk: int) -> HttpResponse:
    report_ = visible_or_404(LossReport, request.user, pk=pk)
    return _back(
        request,
        lambda: services.record_authority_report(
            actor=request.user,
            report=report_,
            authority=request.POST.get("authority", ""),
            reference=request.POST.get("reference", ""),
            reported_at=_reported_at(request),
        ),
        _("The report to the competent authority is recorded."),
        "flows:losses",
    )
