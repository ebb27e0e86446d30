from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .checkpoints import printable_context, read_checkpoint
from .models import Checkpoint


@login_required
@permission_required("audit.view_checkpoint", raise_exception=True)
def checkpoint_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable page of one signed checkpoint, with a QR code of the head."""
    stored = get_object_or_404(Checkpoint, pk=pk)
    return render(
        request, "audit/checkpoint.html", printable_context(read_checkpoint(stored.document))
    )


@login_required
@permission_required("audit.view_checkpoint", raise_exception=True)
def checkpoint_download(request: HttpRequest, pk: int) -> HttpResponse:
    stored = get_object_or_404(Checkpoint, pk=pk)
    response = HttpResponse(stored.document, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="checkpoint-{stored.tree_size}.json"'
    return response
