"""The shell's own page: the dashboard of what is waiting for each person."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from baomi.approvals.models import Approval
from baomi.core import clock
from baomi.core.models import Notification
from baomi.ledger.models import Document, Instruction
from baomi.people import services as people
from baomi.people.views import AuthedRequest


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """The dashboard: what is waiting for this person."""
    person = request.user
    awaiting = Approval.objects.awaiting(person).order_by("requested_at")
    mine = Approval.objects.requested_by(person).order_by("-requested_at")[:5]
    changed = person.password_changed_at
    days_left = (changed + people.password_max_age(person) - clock.now()).days if changed else 0
    to_instruct = Instruction.objects.filter(
        leader=person, written_at__isnull=True, document__in=Document.objects.visible_to(person)
    ).select_related("document")
    notices = Notification.objects.filter(person=person, read_at__isnull=True)[:10]
    return render(
        request,
        "web/home.html",
        {
            "awaiting": awaiting[:10],
            "awaiting_count": awaiting.count(),
            "mine": mine,
            "password_days_left": days_left,
            "to_instruct": to_instruct,
            "notices": notices,
        },
    )
