from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from baomi import policy

from .checkpoints import printable_context, read_checkpoint
from .models import Checkpoint


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
