"""Meeting pages: plan a meeting, its security plan, the security office's sign-off and the
leader's approval, participants and check-in at the door, the discipline announced, documents
handed out and collected by label, recess, the venue check, copies reported missing, close and
the chase list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baomi import policy
from baomi.core import clock
from baomi.core.errors import act_then_show, report
from baomi.core.inputs import COPIES_MAX, posted_ids, posted_int
from baomi.core.levels import Level
from baomi.core.models import OrgUnit
from baomi.core.visibility import visible_or_404
from baomi.ledger.models import Cabinet
from baomi.ledger.queries import scanned_copy
from baomi.people.names import one_staff_named, staff_named
from baomi.people.views import AuthedRequest

from . import services
from .lists import MEETINGS
from .models import Meeting, Participant, SecuritySignOff
from .rules import signoff_level


def _organizes(person: Any) -> bool:
    return policy.check("meeting.organize", actor=person).allowed


def _meeting(request: AuthedRequest, pk: int) -> Meeting:
    return visible_or_404(Meeting, request.user, pk=pk)


def _act(request: AuthedRequest, pk: int, action: Callable[[], Any], done: str) -> HttpResponse:
    return act_then_show(request, action, done, "meetings:meeting", pk=pk)


def _cabinet(request: AuthedRequest) -> Cabinet:
    found = Cabinet.objects.filter(pk=posted_int(request, "cabinet", default=0)).first()
    if found is None:
        raise ValidationError({"cabinet": _("Choose the cabinet.")})
    return found


@login_required
def meetings(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        post = request.POST
        try:
            starts = dt.datetime.fromisoformat(post.get("starts_at", ""))
        except ValueError:
            report(request, ValidationError({"starts_at": _("Give the date and time.")}))
            return redirect("meetings:meetings")
        try:
            meeting = services.plan_meeting(
                actor=request.user,
                title=post.get("title", ""),
                level=posted_int(request, "level", low=0, high=max(Level), default=0),
                venue=post.get("venue", ""),
                starts_at=starts
                if starts.tzinfo
                else clock.at(starts.date(), starts.strftime("%H:%M")),
                security_lead=one_staff_named(post.get("security_lead", ""), "security_lead"),
                secure_cabinet=_cabinet(request),
                relay_scope=OrgUnit.objects.filter(pk__in=posted_ids(request, "relay_scope")),
            )
        except (ValidationError, policy.RuleViolation) as exc:
            report(request, exc)
            return redirect("meetings:meetings")
        return redirect("meetings:meeting", pk=meeting.pk)
    return MEETINGS.response(
        request,
        organizes=_organizes(request.user),
        levels=[(v, label) for v, label in Level.choices if Level(v).is_classified],
        cabinets=Cabinet.objects.filter(for_classified=True).order_by("code"),
        units=OrgUnit.objects.order_by("path"),
    )


@login_required
def meeting(request: AuthedRequest, pk: int) -> HttpResponse:
    """A meeting's object page: its level and state in the header with the steps of its session,
    and tabs for its details (plan, sign-off, approval), participants, documents, proceedings
    and history; each act offered to those whose post or part in the meeting its rule allows."""
    found = _meeting(request, pk)
    return render(
        request,
        "meetings/meeting.html",
        {
            "meeting": found,
            "organizes": _organizes(request.user),
            "writes_plan": policy.check(
                "meeting.write_plan", actor=request.user, meeting=found
            ).allowed,
            "approves": policy.check("meeting.approve", actor=request.user).allowed,
            "signs_off": policy.check("security.manage", actor=request.user).allowed,
            "needs_signoff": found.level >= signoff_level(),
            "signoff": found.current_signoff(),
            "microphones": SecuritySignOff.Microphones.choices,
            "announcements": found.announcements.select_related("announced_by", "recorded_by"),
            "venue_checks": found.venue_checks.select_related("checked_by", "recorded_by"),
            "participants": found.participants.select_related("person"),
            # a document listed by title only to those who may know it
            "documents": found.documents.visible_to(request.user)
            .select_related("document")
            .prefetch_related("document__copies"),
            "outstanding": services.outstanding(found),
            "roles": Participant.Role.choices,
            "units": found.relay_scope.order_by("path"),
            "relays": found.relays.select_related("unit", "relayed_by"),
        },
    )


@login_required
@require_POST
def plan(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _meeting(request, pk)
    return _act(
        request,
        pk,
        lambda: services.write_plan(
            actor=request.user,
            meeting=found,
            plan=request.POST.get("plan", ""),
            recording_planned=bool(request.POST.get("recording_planned")),
        ),
        _("Plan saved."),
    )


@login_required
@require_POST
def sign_off(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _meeting(request, pk)
    return _act(
        request,
        pk,
        lambda: services.sign_off_security(
            actor=request.user,
            meeting=found,
            venue_inspection=request.POST.get("venue_inspection", ""),
            microphones=request.POST.get("microphones", ""),
            measures=request.POST.get("measures", ""),
        ),
        _("Signed off for the security office."),
    )


@login_required
@require_POST
def approve(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _meeting(request, pk)
    return _act(
        request,
        pk,
        lambda: services.approve_plan(actor=request.user, meeting=found),
        _("Approved."),
    )


@login_required
@require_POST
def add(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _meeting(request, pk)

    def action() -> Any:
        for person in staff_named(request.POST.get("people", ""), "people"):
            services.add_participant(
                actor=request.user, meeting=found, person=person, role=request.POST.get("role", "")
            )

    return _act(request, pk, action, _("Added to the list."))


@login_required
@require_POST
def check_in(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _meeting(request, pk)
    name = request.POST.get("name", "").strip()
    try:
        person = one_staff_named(name, "name") if name else None
    except ValidationError:
        person = None  # a name that is not one member of staff: a walk-in, refused on record
    return _act(
        request,
        pk,
        lambda: services.check_in(actor=request.user, meeting=found, person=person, name=name),
        _("Checked in."),
    )


@login_required
@require_POST
def open_(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _meeting(request, pk)
    return _act(
        request,
        pk,
        lambda: services.open_meeting(actor=request.user, meeting=found),
        _("The meeting is open."),
    )


@login_required
@require_POST
def discipline(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _meeting(request, pk)
    return _act(
        request,
        pk,
        lambda: services.announce_discipline(
            actor=request.user,
            meeting=found,
            announced_by=one_staff_named(request.POST.get("announced_by", ""), "announced_by"),
        ),
        _("The announcement of the discipline is recorded."),
    )


@login_required
@require_POST
def venue_check(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _meeting(request, pk)
    return _act(
        request,
        pk,
        lambda: services.check_venue(
            actor=request.user,
            meeting=found,
            checked_by=one_staff_named(request.POST.get("checked_by", ""), "checked_by"),
            places=request.POST.get("places", ""),
            papers_found=posted_int(request, "papers_found", low=0, high=COPIES_MAX, default=0),
            notebooks_found=posted_int(
                request, "notebooks_found", low=0, high=COPIES_MAX, default=0
            ),
            findings=request.POST.get("findings", ""),
        ),
        _("The venue check is recorded."),
    )


@login_required
@require_POST
def report_missing(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _meeting(request, pk)
    return _act(
        request,
        pk,
        lambda: services.report_missing(
            actor=request.user,
            meeting=found,
            copy=_copy(request),
            circumstances=request.POST.get("circumstances", ""),
        ),
        _("Reported missing: the security office is told."),
    )


@login_required
@require_POST
def document(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _meeting(request, pk)
    return _act(
        request,
        pk,
        lambda: services.register_meeting_document(
            actor=request.user,
            meeting=found,
            title=request.POST.get("title", ""),
            marking=request.POST.get("marking", ""),
        ),
        _("Registered, one copy per participant."),
    )


def _copy(request: AuthedRequest) -> Any:
    return scanned_copy(request.user, request.POST.get("code", ""))


@login_required
@require_POST
def hand_out(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _meeting(request, pk)
    return _act(
        request,
        pk,
        lambda: services.hand_out(
            actor=request.user,
            meeting=found,
            copy=_copy(request),
            person=one_staff_named(request.POST.get("person", ""), "person"),
        ),
        _("Handed out."),
    )


@login_required
@require_POST
def collect(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _meeting(request, pk)
    return _act(
        request,
        pk,
        lambda: services.collect(actor=request.user, meeting=found, copy=_copy(request)),
        _("Collected."),
    )


@login_required
@require_POST
def session(request: AuthedRequest, pk: int) -> HttpResponse:
    """Recess, resume or close, by the button pressed."""
    found = _meeting(request, pk)
    step = request.POST.get("step")
    if step == "recess":
        return _act(
            request, pk, lambda: services.adjourn(actor=request.user, meeting=found), _("Recess.")
        )
    if step == "resume":
        return _act(
            request, pk, lambda: services.resume(actor=request.user, meeting=found), _("Resumed.")
        )
    if step == "close":
        return _act(
            request,
            pk,
            lambda: services.close_meeting(actor=request.user, meeting=found),
            _("The meeting is closed."),
        )
    raise Http404


@login_required
@require_POST
def record(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _meeting(request, pk)
    return _act(
        request,
        pk,
        lambda: services.register_recording(
            actor=request.user,
            meeting=found,
            title=request.POST.get("title", ""),
            marking=request.POST.get("marking", ""),
        ),
        _("The recording is registered as a carrier."),
    )


@login_required
@require_POST
def relay(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _meeting(request, pk)
    unit = OrgUnit.objects.filter(pk=request.POST.get("unit") or 0).first()
    if unit is None:
        raise Http404
    return _act(
        request,
        pk,
        lambda: services.relay(actor=request.user, meeting=found, unit=unit),
        _("Relay recorded."),
    )


@login_required
@require_POST
def news(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _meeting(request, pk)
    return _act(
        request,
        pk,
        lambda: services.submit_news_copy(
            actor=request.user,
            meeting=found,
            title=request.POST.get("title", ""),
            text=request.POST.get("text", ""),
        ),
        _("Sent to the pre-publication review."),
    )
