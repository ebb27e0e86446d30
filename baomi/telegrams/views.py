"""The duty desk: who is on duty, the running clocks soonest first, telegrams received and
answered, the roster and the shift handover. Each form calls one service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baomi import policy
from baomi.core import clock
from baomi.core.errors import act_then_show
from baomi.core.inputs import posted_int
from baomi.core.levels import Level, Urgency
from baomi.core.visibility import visible_or_404
from baomi.ledger.models import Cabinet
from baomi.people.names import one_staff_named
from baomi.people.views import AuthedRequest

from . import services
from .models import DutyHandover, DutyShift, Telegram

DAYS_AHEAD = 7  # the roster shown


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
        context = {"closed": closed, "seen_by_me": reported, "head_only": True}
        return render(request, "telegrams/desk.html", context, status=403 if closed else 200)
    today = services.duty_day(clock.now())
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
            "board": services.duty_board(request.user),
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
def sign(request: AuthedRequest, pk: int) -> HttpResponse:
    handover = visible_or_404(DutyHandover, request.user, pk=pk)
    return _act(
        request,
        lambda: services.sign_duty_handover(actor=request.user, handover=handover),
        _("Signed."),
    )
