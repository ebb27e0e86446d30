"""阅批 follow-up pages: the open instructions, and recording how they were carried out."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baomi import policy
from baomi.core import clock
from baomi.core.paging import slice_page
from baomi.core.visibility import visible_or_404
from baomi.ledger.models import Instruction
from baomi.people.views import AuthedRequest

from .. import services
from ..services.instructions import chase_due_at
from ._common import _back

LISTED = 50


@login_required
def open_instructions(request: AuthedRequest) -> HttpResponse:
    """Items routed to leaders whose instructions are not yet carried out, the longest waiting
    first: awaiting instructions (chased once overdue), or awaiting their carrying-out."""
    person = request.user
    page = slice_page(services.open_instructions(person), request.GET.get("page"), LISTED)
    now = clock.now()
    rows = [
        {
            "instruction": i,
            "title": i.document.title_for(person),
            "chase_due_at": chase_due_at(i),
            "overdue": i.written_at is None and chase_due_at(i) <= now,
            "chases": getattr(getattr(i, "follow_up", None), "chases", 0),
        }
        for i in page.object_list
    ]
    return render(
        request,
        "flows/instructions.html",
        {
            "page": page,
            "rows": rows,
            "records": policy.check("document.route", actor=person).allowed,
        },
    )


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
