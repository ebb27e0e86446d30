"""Destruction pages: batches listed by label, destroyed under supervision, with certificates."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baomi.core.visibility import visible_or_404
from baomi.people.names import one_staff_named, staff_named
from baomi.people.views import AuthedRequest

from .. import services
from ..models import (
    DestructionBatch,
)
from ..record_lists import BATCHES
from ._common import (
    _back,
    _by_id,
    _labels,
)


@login_required
def destruction(request: AuthedRequest) -> HttpResponse:
    """销毁: the batches listed, each destroyed under supervision, with its certificate."""
    if request.method == "POST":
        return _back(
            request,
            lambda: services.list_for_destruction(actor=request.user, copies=_labels(request)),
            _("Listed for destruction."),
            "flows:destruction",
        )
    return BATCHES.response(request)


@login_required
@require_POST
def destroy(request: AuthedRequest, pk: int) -> HttpResponse:
    batch = visible_or_404(DestructionBatch, request.user, pk=pk)

    def action() -> Any:
        from baomi.approvals.models import Approval

        escort = request.POST.get("escort", "").strip()
        approval = _by_id(Approval.objects.filter(requester=request.user), request, "approval")
        return services.destroy_batch(
            actor=request.user,
            batch=batch,
            method=request.POST.get("method", ""),
            place=request.POST.get("place", ""),
            on_site=bool(request.POST.get("on_site")),
            escort=one_staff_named(escort, "escort") if escort else None,
            supervisors=staff_named(request.POST.get("supervisors", ""), "supervisors"),
            approval=approval,
        )

    return _back(request, action, _("Destroyed."), "flows:destruction")


@login_required
def certificate(request: AuthedRequest, pk: int) -> HttpResponse:
    from ..certificate import destruction_certificate

    batch = visible_or_404(
        DestructionBatch.objects.filter(state=DestructionBatch.State.DESTROYED), request.user, pk=pk
    )
    response = HttpResponse(destruction_certificate(batch), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="XH-{batch.pk:06d}.pdf"'
    return response


@login_required
@require_POST
def destroy_picked(request: AuthedRequest) -> HttpResponse:
    """The register's bulk action: the copies in cabinets (or declassified) of the documents
    picked, listed as one destruction batch in one transaction; a copy that is out is left
    out, and the message names how many."""
    from baomi.ledger.models import Copy, Document

    picked = [int(v) for v in request.POST.getlist("pick") if v.isdigit()]
    documents = Document.objects.visible_to(request.user).filter(pk__in=picked)
    copies = Copy.objects.visible_to(request.user).filter(document__in=documents)
    ready = list(
        copies.filter(state__in=(Copy.State.IN_CABINET, Copy.State.DECLASSIFIED)).order_by(
            "document_id", "copy_no"
        )
    )
    left = copies.count() - len(ready)
    done = _("Listed %(n)s copies for destruction.") % {"n": len(ready)}
    if left:
        done += " " + _("%(n)s copies not in a cabinet were left out.") % {"n": left}
    return _back(
        request,
        lambda: services.list_for_destruction(actor=request.user, copies=ready),
        done,
        "flows:destruction",
    )
