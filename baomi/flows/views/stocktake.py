"""Stocktake pages: open one for a cabinet, scan what is seen, close it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baomi import policy
from baomi.core.errors import report
from baomi.core.visibility import visible_or_404
from baomi.ledger.models import Cabinet
from baomi.people.views import AuthedRequest

from .. import services
from ..models import (
    Stocktake,
)
from ._common import (
    _back,
    _by_id,
)


@login_required
@require_POST
def open_stocktake(request: AuthedRequest) -> HttpResponse:
    cabinet = _by_id(Cabinet.objects.all(), request, "cabinet")
    try:
        stocktake = services.open_stocktake(actor=request.user, cabinet=cabinet)
    except (ValidationError, policy.RuleViolation) as exc:
        report(request, exc)
        return redirect("flows:workbench")
    return redirect("flows:stocktake", pk=stocktake.pk)


@login_required
def stocktake(request: AuthedRequest, pk: int) -> HttpResponse:
    """清查: scan every label in the cabinet; the lists fill as you go."""
    found = visible_or_404(Stocktake, request.user, pk=pk)
    if request.method == "POST":
        cabinet = _by_id(Cabinet.objects.all(), request, "cabinet")

        def action() -> Any:
            if cabinet is None:
                raise ValidationError({"cabinet": _("Choose the cabinet being checked.")})
            return services.record_seen(
                actor=request.user,
                stocktake=found,
                code=request.POST.get("code", ""),
                cabinet=cabinet,
            )

        return _back(request, action, _("Seen."), f"/flows/stocktakes/{pk}/")
    return render(
        request,
        "flows/stocktake.html",
        {
            "stocktake": found,
            "result": services.stocktake_result(found),
            "seen": found.lines.filter(seen_at__isnull=False).count(),
            "expected": found.lines.filter(expected_in__isnull=False).count(),
            "cabinets": Cabinet.objects.order_by("code"),
        },
    )


@login_required
@require_POST
def close_stocktake(request: AuthedRequest, pk: int) -> HttpResponse:
    found = visible_or_404(Stocktake, request.user, pk=pk)
    return _back(
        request,
        lambda: services.close_stocktake(actor=request.user, stocktake=found),
        _("Stocktake closed; what was not found is reported missing."),
        f"/flows/stocktakes/{pk}/",
    )
