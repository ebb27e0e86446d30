"""The duty desk: who is on duty, the running clocks soonest first, telegrams received and
answered, the roster and the shift handover. Each form calls one service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baomi import policy
from baomi.core import clock
from baomi.core.errors import act_then_show
from baomi.core.inputs import posted_int
from baomi.core.levels import Level, Urgency
from baomi.core.visibility import NotVisible, visible_or_404
from baomi.ledger.models import Cabinet
from baomi.people.names import one_staff_named
from baomi.people.views import AuthedRequest

from . import services
from .lists import ABSENCES, TELEGRAMS
from .models import DutyHandover, DutyShift, Telegram

DAYS_AHEAD = 7  # the roster shown
#: how often the desk's page asks again for its clocks and telegrams, so a new one appears
REFRESH_SECONDS = 30
#: the latest absences from post on the duty record's page; the rest are on their list page
RECORD_ABSENCES = 10


def _act(request: AuthedRequest, action: Callable[[], Any], done: str) -> HttpResponse:
    return act_then_show(request, action, done, "telegrams:desk")


@login_required
def desk(request: AuthedRequest) -> HttpResponse:
    reported = services.visible_telegrams(request.user).filter(
        escalated_to=request.user, head_seen_at__isnull=True
    )
    if not policy.check("custody.manage", actor=request.user).allowed:
        # the head of the confidential room comes here for what was reported to them
        closed = not reported.exists()
        context = {
            "closed": closed,
            "seen_by_me": reported,
            "head_only": True,
            "now": clock.now(),
            "refresh_seconds": REFRESH_SECONDS,
        }
        return render(request, "telegrams/desk.html", context, status=403 if closed else 200)
    now = clock.now()
    today = services.duty_day(now)
    roster: dict[dt.date, dict[str, Any]] = {
        today + dt.timedelta(days=i): {} for i in range(DAYS_AHEAD)
    }
    for shift in DutyShift.objects.filter(day__in=list(roster)).select_related("person"):
        roster[shift.day][shift.role] = shift.person
    recent = list(
        services.visible_telegrams(request.user).select_related("escalated_to", "in_reply_to")[:30]
    )
    return render(
        request,
        "telegrams/desk.html",
        {
            "on_duty": services.on_duty(),
            "gaps": services.roster_gaps(),
            "takeover_pending": services.takeover_pending(request.user),
            "now": now,
            "refresh_seconds": REFRESH_SECONDS,
            "board": services.duty_board(request.user, now),
            "roster": sorted(roster.items()),
            "recent": recent,
            "reportable": services.reportable(recent),
            "handovers": DutyHandover.objects.filter(taken_signed_at__isnull=True).select_related(
                "handed_by", "taken_by"
            )[:10],
            "seen_by_me": reported,
            "cabinets": Cabinet.objects.order_by("-for_classified", "code"),
            "urgencies": Urgency.choices,
            "levels": Level.choices,
            "traffics": Telegram.Traffic.choices,
            "kinds": Telegram.Kind.choices,
        },
    )


@login_required
@require_POST
def receive(request: AuthedRequest) -> HttpResponse:
    post = request.POST

    def action() -> Any:
        cabinet = Cabinet.objects.filter(pk=posted_int(request, "cabinet", default=0)).first()
        if cabinet is None:
            raise ValidationError({"cabinet": _("Choose the cabinet.")})
        urgency = posted_int(request, "urgency", low=0, high=max(Urgency), default=-1)
        return services.register_telegram(
            actor=request.user,
            number=post.get("number", ""),
            traffic=post.get("traffic", ""),
            urgency=urgency,
            correspondent=post.get("correspondent", ""),
            subject=post.get("subject", ""),
            cabinet=cabinet,
            marking=post.get("marking", ""),
            important=bool(post.get("important")),
            kind=post.get("kind", Telegram.Kind.ORDINARY),
        )

    return _act(request, action, _("Registered; the clocks are running."))


def _telegram(request: AuthedRequest, pk: int) -> Telegram:
    """A telegram the user may know of; any other answers 404, as in the API."""
    return visible_or_404(Telegram, request.user, pk=pk)


@login_required
@require_POST
def acknowledge(request: AuthedRequest, pk: int) -> HttpResponse:
    telegram = _telegram(request, pk)
    return _act(
        request,
        lambda: services.acknowledge_telegram(actor=request.user, telegram=telegram),
        _("Acknowledged."),
    )


@login_required
@require_POST
def seen(request: AuthedRequest, pk: int) -> HttpResponse:
    telegram = _telegram(request, pk)
    return _act(
        request, lambda: services.head_has_seen(actor=request.user, telegram=telegram), _("Seen.")
    )


@login_required
@require_POST
def report(request: AuthedRequest, pk: int) -> HttpResponse:
    telegram = _telegram(request, pk)
    return _act(
        request,
        lambda: services.report_telegram(
            actor=request.user,
            telegram=telegram,
            leader=one_staff_named(request.POST.get("leader", ""), "leader"),
        ),
        _("Reported."),
    )


@login_required
@require_POST
def complete(request: AuthedRequest, pk: int) -> HttpResponse:
    telegram = _telegram(request, pk)
    return _act(
        request,
        lambda: services.complete_telegram(
            actor=request.user, telegram=telegram, outcome=request.POST.get("outcome", "")
        ),
        _("Completed."),
    )


@login_required
@require_POST
def reply(request: AuthedRequest, pk: int) -> HttpResponse:
    telegram = _telegram(request, pk)
    return _act(
        request,
        lambda: services.reply_telegram(
            actor=request.user,
            original=telegram,
            number=request.POST.get("number", ""),
            traffic=request.POST.get("traffic", ""),
            level=posted_int(request, "level", low=0, high=max(Level), default=telegram.level),
        ),
        _("Reply registered."),
    )


@login_required
@require_POST
def take_charge(request: AuthedRequest, pk: int) -> HttpResponse:
    telegram = _telegram(request, pk)
    return _act(
        request,
        lambda: services.take_charge_of_telegram(actor=request.user, telegram=telegram),
        _("You are in charge of this alert telegram."),
    )


@login_required
@require_POST
def send(request: AuthedRequest) -> HttpResponse:
    post = request.POST
    return _act(
        request,
        lambda: services.send_telegram(
            actor=request.user,
            number=post.get("number", ""),
            traffic=post.get("traffic", ""),
            urgency=posted_int(request, "urgency", low=0, high=max(Urgency), default=-1),
            level=posted_int(request, "level", low=0, high=max(Level), default=-1),
            correspondent=post.get("correspondent", ""),
            subject=post.get("subject", ""),
        ),
        _("Sent telegram registered."),
    )


@login_required
def telegrams(request: AuthedRequest) -> HttpResponse:
    """Every telegram received and sent that the person may know of, as a list page; like the
    register it lists, it is the custody posts'."""
    if not policy.check("custody.manage", actor=request.user).allowed:
        return render(request, "telegrams/desk.html", {"closed": True}, status=403)
    return TELEGRAMS.response(request)


CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@login_required
def register_export(request: AuthedRequest, fmt: str) -> HttpResponse:
    """收发电报登记簿 as xlsx or PDF, as far as this person may know of the telegrams."""
    if fmt not in CONTENT_TYPES:
        raise Http404
    if not policy.check("custody.manage", actor=request.user).allowed:
        return render(request, "telegrams/desk.html", {"closed": True}, status=403)
    try:
        data = services.export_telegram_register(actor=request.user, fmt=fmt)
    except NotVisible as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("telegrams:desk")
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    name = quote(f"{services.REGISTER.name}.{fmt}")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


@login_required
@require_POST
def assign(request: AuthedRequest) -> HttpResponse:
    def action() -> Any:
        try:
            day = dt.date.fromisoformat(request.POST.get("day", ""))
        except ValueError as exc:
            raise ValidationError({"day": _("Give the day.")}) from exc
        return services.assign_duty(
            actor=request.user,
            day=day,
            primary=one_staff_named(request.POST.get("primary", ""), "primary"),
            secondary=one_staff_named(request.POST.get("secondary", ""), "secondary"),
        )

    return _act(request, action, _("Roster saved."))


@login_required
@require_POST
def hand_over(request: AuthedRequest) -> HttpResponse:
    return _act(
        request,
        lambda: services.hand_over_duty(
            actor=request.user,
            taken_by=one_staff_named(request.POST.get("taken_by", ""), "taken_by"),
        ),
        _("Handover listed; both of you sign it."),
    )


@login_required
@require_POST
def take_over(request: AuthedRequest) -> HttpResponse:
    return _act(
        request,
        lambda: services.take_over_without_handover(
            actor=request.user, reason=request.POST.get("reason", "")
        ),
        _("Recorded: your shift took over without a handover."),
    )


@login_required
def record(request: AuthedRequest) -> HttpResponse:
    """The duty record for the head of the room: shifts nobody holds within the roster's
    horizon, shifts taken over without a handover, absences from post (缺岗)."""
    if not services.may_read_duty_record(request.user):
        return render(request, "telegrams/record.html", {"closed": True}, status=403)
    context = {
        "gaps": services.roster_gaps(),
        "horizon": policy.params("DUTY.ROSTER")["horizon_days"],
        "takeovers": services.takeovers_without_handover(),
        "absences": services.absences_from_post(request.user, limit=RECORD_ABSENCES),
    }
    return render(request, "telegrams/record.html", context)


@login_required
def absences(request: AuthedRequest) -> HttpResponse:
    """Every absence from post (缺岗) on record, as a list page of the duty record."""
    if not services.may_read_duty_record(request.user):
        return render(request, "telegrams/record.html", {"closed": True}, status=403)
    return ABSENCES.response(request)


@login_required
@require_POST
def sign(request: AuthedRequest, pk: int) -> HttpResponse:
    handover = visible_or_404(DutyHandover, request.user, pk=pk)
    return _act(
        request,
        lambda: services.sign_duty_handover(actor=request.user, handover=handover),
        _("Signed."),
    )
