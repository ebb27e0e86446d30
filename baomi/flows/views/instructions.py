"""阅批 follow-up pages: the open instructions, and recording how they were carried out."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baomi.core.visibility import visible_or_404
from baomi.ledger.models import Instruction
from baomi.people.views import AuthedRequest

from .. import services
from ..office_lists import INSTRUCTIONS
from ._common import _back


@login_required
def open_instructions(request: AuthedRequest) -> HttpResponse:
    """Items routed to leaders whose instructions are not yet carried out, the longest waiting
    first: awaiting instructions (chased once overdue), or awaiting their carrying-out."""
    return INSTRUCTIONS.response(request)


@login_required
@require_POST
def carried_out(request: AuthedRequest, pk: int) -> HttpResponse:
    instruction = visible_or_404(Instruction, request.user, pk=pk)
    return _back(
        request,
        lambda: services.record_carrying_out(
            actor=request.user, instruction=instruction, text=request.POST.get("text", "")
        ),
        _("Recorded how the instructions were carried out; the leader has been told."),
        "flows:instructions",
    )
