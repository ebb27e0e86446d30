"""The auditor's pages: the audit log, filtered; signed checkpoints, printed and downloaded."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baomi import policy

from . import checkpoints
from .checkpoints import printable_context, read_checkpoint
from .models import Checkpoint
from .queries import audit_events


@login_required
def log(request: HttpRequest) -> HttpResponse:
    """The auditor's page: browse and filter events, sign and download checkpoints."""
    policy.require("audit.read", actor=request.user)
    page = Paginator(audit_events(request.GET), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/log.html",
        {
            "page": page,
            "filters": request.GET,
            "query": query.urlencode(),
            "checkpoints": Checkpoint.objects.order_by("-tree_size")[:20],
        },
    )


@login_required
@require_POST
def sign_checkpoint(request: HttpRequest) -> HttpResponse:
    policy.require("audit.read", actor=request.user)
    cp = checkpoints.sign_checkpoint(actor=request.user)
    messages.success(request, _("Checkpoint signed: %(n)s events.") % {"n": cp.tree_size})
    return redirect("audit:log")


@login_required
def checkpoint_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable page of one signed checkpoint, with a QR code of the head."""
    policy.require("audit.read", actor=request.user)
    stored = get_object_or_404(Checkpoint, pk=pk)
    return render(
        request, "audit/checkpoint.html", printable_context(read_checkpoint(stored.document))
    )


@login_required
def checkpoint_download(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require("audit.read", actor=request.user)
    stored = get_object_or_404(Checkpoint, pk=pk)
    response = HttpResponse(stored.document, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="checkpoint-{stored.tree_size}.json"'
    return response
