"""清退单: the printed list a clerk takes round to get copies back — those handed out at a meeting
and not yet returned, or those held by a department's people — with a column to sign on return."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from baomi import policy
from baomi.core.inputs import ID_MAX
from baomi.core.models import OrgUnit
from baomi.core.visibility import visible_or_404
from baomi.ledger.models import Copy
from baomi.meetings.models import Handout, Meeting
from baomi.people.views import AuthedRequest

S = Copy.State
# a copy a person holds in hand, which the recall asks back
HELD = (S.CIRCULATING, S.ON_LOAN, S.RECEIVED)


def _chosen(request: AuthedRequest, name: str) -> int | None:
    value = request.GET.get(name, "").strip()
    if not value:
        return None
    if value.isascii() and value.isdigit() and 1 <= int(value) <= ID_MAX:
        return int(value)
    messages.error(request, _("Choose a meeting or a department from the list."))
    return None


@login_required
def recall_sheet(request: AuthedRequest) -> HttpResponse:
    """The recall list for `?meeting=ID` or `?department=ID`, of copies the person may see; the
    page offers both pickers when neither is chosen."""
    person = request.user
    policy.require("custody.manage", actor=person)
    meeting_id = _chosen(request, "meeting")
    department_id = _chosen(request, "department")
    rows: list[dict[str, object]] = []
    subject: object = None
    if meeting_id:
        subject = visible_or_404(Meeting, person, pk=meeting_id)
        handouts = (
            Handout.objects.visible_to(person)
            .filter(meeting=subject, returned_at=None)
            .select_related("copy__document", "person__department")
            .order_by("person__department__name", "person__full_name", "copy__document_id")
        )
        rows = [
            {
                "copy": h.copy,
                "holder": h.person,
                "since": h.handed_at,
                "department": h.person.department,
            }
            for h in handouts
        ]
    elif department_id:
        # the organization tree is known to everyone in it; what it holds is not
        subject = get_object_or_404(OrgUnit, pk=department_id)
        copies = (
            Copy.objects.visible_to(person)
            .filter(holder__department=subject, state__in=HELD)
            .select_related("document", "holder__department")
            .order_by("holder__full_name", "document_id", "copy_no")
        )
        rows = [
            {"copy": c, "holder": c.holder, "since": None, "department": subject} for c in copies
        ]
    return render(
        request,
        "flows/recall_sheet.html",
        {
            "subject": subject,
            "is_meeting": bool(meeting_id),
            "rows": rows,
            "meetings": Meeting.objects.visible_to(person).order_by("-starts_at")[:50],
            "departments": OrgUnit.objects.order_by("name"),
        },
    )
