"""Services of the duty roster (正副班), the shift handover (交接班) and what the head of the
confidential room is told of them: shifts nobody holds, shifts taken over without a handover."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from baomi import audit, policy
from baomi.core import clock
from baomi.core.notices import notify
from baomi.people.models import Person, Post

from ..models import DutyGap, DutyHandover, DutyShift, DutyTakeover
from .board import duty_board

REASON_MAX = 300


def changeover() -> str:
    """The local time one duty day hands over to the next ("08:30", DUTY.ROSTER)."""
    return str(policy.params("DUTY.ROSTER")["changeover"])


def duty_day_span(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """When a duty day's shifts are staffed: from the changeover, for the hours of DUTY.ROSTER
    (24 by the template: the room is never unstaffed)."""
    at = changeover()
    start = clock.at(day, at)
    hours = policy.params("DUTY.ROSTER")["hours"]
    if hours >= 24:  # to the next changeover, whatever a change of clocks does to the day
        return start, clock.at(day + dt.timedelta(days=1), at)
    return start, start + dt.timedelta(hours=hours)


def duty_day(moment: dt.datetime) -> dt.date:
    """The duty day a moment falls in (before the changeover it is still yesterday's)."""
    day = clock.local(moment).date()
    return day if moment >= clock.at(day, changeover()) else day - dt.timedelta(days=1)


def room_heads() -> list[Person]:
    """The heads of the confidential room: the leaders of the departments its confidential
    clerks belong to."""
    rooms = Person.objects.holding(Post.CLERK).values("department_id")
    return list(Person.objects.holding(Post.LEADER).filter(department_id__in=rooms).distinct())


@transaction.atomic(durable=True)
def assign_duty(*, actor: Person, day: dt.date, primary: Any, secondary: Any) -> list[DutyShift]:
    """正副班: one duty day's two shifts, two different people (DUTY.ROSTER); an earlier
    assignment of the day is replaced."""
    policy.require("custody.manage", actor=actor)
    policy.require("duty.assign", day=day, staffed={"primary": primary, "secondary": secondary})
    start, end = duty_day_span(day)
    DutyShift.objects.filter(day=day).delete()
    shifts = [
        DutyShift.objects.create(
            day=day, role=role, person=person, starts_at=start, ends_at=end, assigned_by=actor
        )
        for role, person in (("primary", primary), ("secondary", secondary))
    ]
    audit.record(actor, "duty.assigned", None, day=day, primary=primary.pk, secondary=secondary.pk)
    return shifts


def on_duty(moment: dt.datetime | None = None) -> list[DutyShift]:
    moment = moment or clock.now()
    return list(
        DutyShift.objects.filter(starts_at__lte=moment, ends_at__gt=moment)
        .select_related("person")
        .order_by("role")
    )


# -- shifts nobody holds -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Gap:
    """A shift of a duty day within the roster's horizon that nobody is assigned to."""

    day: dt.date
    role: str

    @property
    def role_label(self) -> str:
        return str(DutyShift.Role(self.role).label)


def roster_gaps(moment: dt.datetime | None = None) -> list[Gap]:
    """Every shift with nobody assigned, day by day, from the current duty day for the days of
    the roster's horizon (DUTY.ROSTER)."""
    p = policy.params("DUTY.ROSTER")
    today = duty_day(moment or clock.now())
    days = [today + dt.timedelta(days=i) for i in range(int(p["horizon_days"]))]
    staffed = set(DutyShift.objects.filter(day__in=days).values_list("day", "role"))
    return [Gap(day, role) for day in days for role in p["shifts"] if (day, role) not in staffed]


@transaction.atomic(durable=True)
def warn_unstaffed_shifts() -> int:
    """Tell the heads of the room, once per shift, of every shift within the roster's horizon
    that nobody holds (DUTY.ROSTER); returns how many shifts were newly reported."""
    gaps = roster_gaps()
    if not gaps:
        return 0
    known = set(DutyGap.objects.filter(day__in={g.day for g in gaps}).values_list("day", "role"))
    heads = room_heads()
    now = clock.now()
    found = 0
    for gap in gaps:
        if (gap.day, gap.role) in known:
            continue
        row = DutyGap.objects.create(day=gap.day, role=gap.role, found_at=now)
        notify(heads, "duty.unstaffed", row, day=gap.day.isoformat(), role=gap.role)
        audit.record(
            None,
            "duty.unstaffed_found",
            row,
            day=gap.day,
            role=gap.role,
            told=[h.pk for h in heads],
        )
        found += 1
    return found


# -- taking over the desk ----------------------------------------------------------------------


def _people_on(day: dt.date) -> set[int]:
    return set(DutyShift.objects.filter(day=day).values_list("person_id", flat=True))


def takeover_pending(actor: Any, moment: dt.datetime | None = None) -> dt.date | None:
    """The duty day the actor's shift has not yet taken over, or None.

    An officer on duty who was not on the previous duty day comes on from someone else: the
    shift's first action on the desk waits for a handover signed by one of its officers since
    the previous duty day began, or for their record that they took over without one. An
    officer who stays on duty needs no handover to themselves; a day after an empty roster has
    no one to hand over."""
    moment = moment or clock.now()
    day = duty_day(moment)
    people = _people_on(day)
    before = _people_on(day - dt.timedelta(days=1))
    if actor.pk not in people or actor.pk in before or not before:
        return None
    previous_start, _end = duty_day_span(day - dt.timedelta(days=1))
    handed = DutyHandover.objects.filter(
        taken_by_id__in=people, taken_signed_at__isnull=False, opened_at__gte=previous_start
    )
    if handed.exists() or DutyTakeover.objects.filter(day=day).exists():
        return None
    return day


def at_the_desk(actor: Any) -> None:
    """What every action on the desk requires: a custody post (ACC.ROLE) and, for the first
    action of a shift, that the shift was handed over or took over on record (DUTY.ROSTER)."""
    policy.require("custody.manage", actor=actor)
    policy.require("duty.act", actor=actor, pending=takeover_pending(actor))


@transaction.atomic(durable=True)
def take_over_without_handover(*, actor: Person, reason: str) -> DutyTakeover:
    """接班无交接: an officer of the shift on duty records that it took over without a handover
    and why; the record stands for the shift and is listed for the head of the room."""
    policy.require("custody.manage", actor=actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why there was no handover.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("At most %(max)s characters.") % {"max": REASON_MAX}})
    now = clock.now()
    day = takeover_pending(actor, now)
    if day is None:
        raise ValidationError(_("Your shift has nothing to take over: it was handed over."))
    takeover = DutyTakeover.objects.create(day=day, taken_by=actor, reason=reason, recorded_at=now)
    notify(room_heads(), "duty.taken_over_without_handover", takeover, day=day.isoformat())
    audit.record(actor, "duty.taken_over_without_handover", takeover, day=day, reason=reason)
    return takeover


# -- the shift handover ------------------------------------------------------------------------


@transaction.atomic(durable=True)
def hand_over_duty(*, actor: Person, taken_by: Any) -> DutyHandover:
    """交接班: the officer going off duty lists the unfinished items (generated from the running
    clocks) for the one coming on; both sign (DUTY.ROSTER)."""
    policy.require("custody.manage", actor=actor)
    if taken_by is None or taken_by.pk == actor.pk:
        raise ValidationError({"taken_by": _("Name who takes over the duty.")})
    now = clock.now()
    items = [
        {
            "telegram": c.telegram.pk,
            "number": c.telegram.number,
            "clock": c.kind,
            "due_at": clock.local(c.due_at).isoformat(timespec="minutes"),
            "overdue": c.overdue,
        }
        for c in duty_board(actor, now)
    ]
    handover = DutyHandover.objects.create(
        day=duty_day(now), handed_by=actor, taken_by=taken_by, opened_at=now, items=items
    )
    audit.record(actor, "duty.handover_opened", handover, taken_by=taken_by.pk, items=len(items))
    return handover


@transaction.atomic(durable=True)
def sign_duty_handover(*, actor: Person, handover: DutyHandover) -> DutyHandover:
    handover = DutyHandover.objects.select_for_update().get(pk=handover.pk)
    policy.require("duty.sign_handover", actor=actor, handover=handover)
    now = clock.now()
    if actor.pk == handover.handed_by_id and handover.handed_signed_at is None:
        handover.handed_signed_at = now
    elif actor.pk == handover.taken_by_id and handover.taken_signed_at is None:
        handover.taken_signed_at = now
    else:
        raise ValidationError(_("Only the two officers sign the handover, once each."))
    handover.save(update_fields=["handed_signed_at", "taken_signed_at"])
    audit.record(actor, "duty.handover_signed", handover)
    return handover


# -- what the head of the room reads -----------------------------------------------------------


def may_read_duty_record(person: Any) -> bool:
    """The duty record is the room's: its custody posts and its heads (DUTY.ROSTER)."""
    heads = {h.pk for h in room_heads()}
    return policy.check(
        "duty.read_record", actor=person, heads=heads, desk=_keeps_the_desk(person)
    ).allowed


def _keeps_the_desk(person: Any) -> bool:
    return bool(person.is_authenticated) and policy.check("custody.manage", actor=person).allowed


def takeovers_without_handover(limit: int = 50) -> Any:
    """Shifts taken over without a handover, latest first, with who recorded it and why."""
    return DutyTakeover.objects.select_related("taken_by").order_by("-recorded_at", "-id")[:limit]
