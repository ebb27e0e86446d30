"""Services of the telegram desk and the duty roster: one function per action, each checking
the rules, changing state and recording its audit event in one transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from baomi import audit, policy
from baomi.core import clock
from baomi.core.access import Audience
from baomi.core.levels import Level, Urgency
from baomi.core.notices import notify
from baomi.core.rules import parse_marking
from baomi.ledger.models import Cabinet
from baomi.ledger.services import receive_incoming
from baomi.people.models import Person, Post

from .models import DutyHandover, DutyShift, Telegram
from .rules import ack_due, latest_completion, must_report

#: when one duty day hands over to the next
CHANGEOVER = "08:30"
#: how long before a clock runs out the people on duty are warned
WARN_ACK = dt.timedelta(minutes=5)
WARN_DUE = dt.timedelta(hours=2)


def head_of_room(department_id: int | None, level: int) -> Person | None:
    """The leader of the confidential room (the registering clerk's department) cleared for a
    telegram of `level`: one who may hold it once in its knowledge scope by name (ACC.CLEARANCE,
    ACC.SOD). None when the room has no such leader."""
    leaders = Person.objects.holding(Post.LEADER).filter(department_id=department_id)
    for leader in leaders.order_by("pk"):
        admitted = Audience(persons=frozenset({leader.pk}))
        if policy.check("copy.hold", person=leader, level=level, audience=admitted).allowed:
            return leader
    return None


@transaction.atomic(durable=True)
def register_telegram(
    *,
    actor: Person,
    number: str,
    traffic: str,
    urgency: int,
    correspondent: str,
    subject: str,
    cabinet: Cabinet,
    marking: str = "",
    important: bool = False,
    due_at: dt.datetime | None = None,
) -> Telegram:
    """来电登记: a received telegram enters the ledger (its copy in the cabinet) and starts its
    clocks: the acknowledgement from receipt (TEL.RECEIPT) and its handling by urgency
    (TEL.DEADLINE); important and very urgent or flash ones are reported to the head of the
    confidential room at once (TEL.ESCALATE). A cipher telegram is classified: it carries its
    marking."""
    policy.require("custody.manage", actor=actor)
    if not number.strip():
        raise ValidationError({"number": _("Give the telegram's number.")})
    if traffic not in Telegram.Traffic.values:
        raise ValidationError({"traffic": _("Choose cipher or plain.")})
    if urgency not in Urgency.values:
        raise ValidationError({"urgency": _("Choose the urgency.")})
    if traffic == Telegram.Traffic.CIPHER and not marking.strip():
        raise ValidationError({"marking": _("A cipher telegram carries its marking.")})
    if Telegram.objects.filter(
        direction=Telegram.Direction.INCOMING, number=number.strip()
    ).exists():
        raise ValidationError(
            {"number": _("Telegram %(n)s is registered already.") % {"n": number}}
        )
    received = clock.now()
    latest = latest_completion(received, urgency)
    policy.require("telegram.register", due_at=due_at, latest=latest, urgency=urgency)
    # the level the ledger will give it: from the marking, or unclassified
    level = (
        parse_marking(marking, issued=clock.today()).level if marking.strip() else Level.INTERNAL
    )
    head = head_of_room(actor.department_id, level) if must_report(important, urgency) else None
    document = receive_incoming(
        actor=actor,
        # the confidential room handles it; the head it is reported to reads it
        scope_departments=[actor.department] if actor.department_id else [],
        scope_persons=[head] if head else [],
        title=subject,
        issuer=correspondent,
        issued_on=clock.today(),
        copies=1,
        cabinet=cabinet,
        marking=marking,
        level=None if marking.strip() else Level.INTERNAL,
        urgency=min(int(urgency), Urgency.VERY_URGENT),
        doc_number=number.strip(),
    )
    telegram = Telegram.objects.create(
        direction=Telegram.Direction.INCOMING,
        number=number.strip(),
        traffic=traffic,
        urgency=urgency,
        level=document.level,
        important=important,
        correspondent=correspondent.strip(),
        document=document,
        registered_by=actor,
        registered_at=received,
        ack_due_at=ack_due(received),
        due_at=due_at or latest,
        escalated_to=head,
        escalated_at=received if head else None,
    )
    if head is not None:
        notify([head], "telegram.reported", telegram, urgency=int(urgency), important=important)
    audit.record(
        actor,
        "telegram.received",
        telegram,
        document=document.pk,
        traffic=traffic,
        urgency=int(urgency),
        important=important,
        ack_due_at=telegram.ack_due_at,
        due_at=telegram.due_at,
        reported_to=head.pk if head else None,
    )
    return telegram


def _locked(telegram: Telegram) -> Telegram:
    return Telegram.objects.select_for_update().get(pk=telegram.pk)


@transaction.atomic(durable=True)
def acknowledge_telegram(*, actor: Person, telegram: Telegram) -> Telegram:
    """回单: the acknowledgement to the sender; one sent late is on record as late (the post
    counted as unmanned, TEL.RECEIPT)."""
    policy.require("custody.manage", actor=actor)
    telegram = _locked(telegram)
    if telegram.acked_at is not None:
        raise ValidationError(_("This telegram was acknowledged already."))
    now = clock.now()
    telegram.acked_at, telegram.acked_by = now, actor
    telegram.save(update_fields=["acked_at", "acked_by"])
    late = telegram.ack_due_at is not None and now > telegram.ack_due_at
    audit.record(actor, "telegram.acknowledged", telegram, late=late)
    return telegram


def _not_reportable(telegram: Telegram) -> str | None:
    """Why a clerk may not report this telegram to a leader now, or None when they may."""
    if telegram.document_id is None or telegram.done_at is not None:
        return _("Only a received telegram still open is reported.")
    if not must_report(telegram.important, telegram.urgency):
        return _("Only important and very urgent or flash telegrams are reported (TEL.ESCALATE).")
    if telegram.head_seen_at is not None:
        return _("%(head)s has seen it already.") % {"head": telegram.escalated_to}
    return None


def reportable(telegrams: Any) -> set[int]:
    """Of these telegrams, those a clerk may report to a leader now (`report_telegram`)."""
    return {t.pk for t in telegrams if _not_reportable(t) is None}


@transaction.atomic(durable=True)
def report_telegram(*, actor: Person, telegram: Telegram, leader: Any) -> Telegram:
    """TEL.ESCALATE where the room has no head cleared for the telegram, or its head is away:
    the clerk reports it to another leader, who joins its knowledge scope (a leader cleared for
    the level, ACC.CLEARANCE and ACC.SOD) and must see it before it is completed. Reporting it
    again moves the report to the new leader."""
    from baomi.ledger.services.access import admit_leader

    policy.require("custody.manage", actor=actor)
    telegram = _locked(telegram)
    if refused := _not_reportable(telegram):
        raise ValidationError(refused)
    if leader is None:
        raise ValidationError({"leader": _("Name the leader it is reported to.")})
    assert telegram.document is not None  # a received telegram is in the ledger
    admit_leader(document=telegram.document, leader=leader)
    telegram.escalated_to, telegram.escalated_at = leader, clock.now()
    telegram.save(update_fields=["escalated_to", "escalated_at"])
    notify([leader], "telegram.reported", telegram, urgency=telegram.urgency)
    audit.record(actor, "telegram.reported", telegram, leader=leader.pk)
    return telegram


@transaction.atomic(durable=True)
def head_has_seen(*, actor: Person, telegram: Telegram) -> Telegram:
    """The head of the confidential room has seen a telegram reported to them."""
    telegram = _locked(telegram)
    policy.require("telegram.mark_seen", actor=actor, telegram=telegram)
    if telegram.head_seen_at is None:
        telegram.head_seen_at = clock.now()
        telegram.save(update_fields=["head_seen_at"])
        audit.record(actor, "telegram.seen_by_head", telegram)
    return telegram


@transaction.atomic(durable=True)
def complete_telegram(*, actor: Person, telegram: Telegram, outcome: str) -> Telegram:
    """办结: only after the acknowledgement (TEL.RECEIPT) and, for a reported telegram, once the
    head has seen it (TEL.ESCALATE); one completed past its deadline is on record as late."""
    policy.require("custody.manage", actor=actor)
    telegram = _locked(telegram)
    if telegram.done_at is not None:
        raise ValidationError(_("This telegram was completed already."))
    if not outcome.strip():
        raise ValidationError({"outcome": _("Say how it was handled.")})
    policy.require("telegram.complete", telegram=telegram)
    now = clock.now()
    telegram.done_at, telegram.done_by, telegram.outcome = now, actor, outcome.strip()[:300]
    telegram.save(update_fields=["done_at", "done_by", "outcome"])
    audit.record(
        actor,
        "telegram.completed",
        telegram,
        late=telegram.due_at is not None and now > telegram.due_at,
    )
    return telegram


@transaction.atomic(durable=True)
def reply_telegram(
    *, actor: Person, original: Telegram, number: str, traffic: str, level: int
) -> Telegram:
    """复电: 明来明复，密来密复 — a reply goes by the original's traffic, at no lower level."""
    policy.require("custody.manage", actor=actor)
    if not number.strip():
        raise ValidationError({"number": _("Give the telegram's number.")})
    if Telegram.objects.filter(
        direction=Telegram.Direction.OUTGOING, number=number.strip()
    ).exists():
        raise ValidationError(
            {"number": _("Telegram %(n)s is registered already.") % {"n": number}}
        )
    policy.require("telegram.reply", original=original, traffic=traffic, level=level)
    reply = Telegram.objects.create(
        direction=Telegram.Direction.OUTGOING,
        number=number.strip(),
        traffic=traffic,
        urgency=original.urgency,
        level=level,
        correspondent=original.correspondent,
        in_reply_to=original,
        registered_by=actor,
        registered_at=clock.now(),
    )
    audit.record(actor, "telegram.sent", reply, in_reply_to=original.pk, traffic=traffic)
    return reply


# -- the duty roster ---------------------------------------------------------------------------


def duty_day_span(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """When a duty day's shifts are staffed: from the changeover, for the hours of DUTY.ROSTER
    (24 by the template: the room is never unstaffed)."""
    start = clock.at(day, CHANGEOVER)
    hours = policy.params("DUTY.ROSTER")["hours"]
    if hours >= 24:  # to the next changeover, whatever a change of clocks does to the day
        return start, clock.at(day + dt.timedelta(days=1), CHANGEOVER)
    return start, start + dt.timedelta(hours=hours)


def duty_day(moment: dt.datetime) -> dt.date:
    """The duty day a moment falls in (before the changeover it is still yesterday's)."""
    local = clock.local(moment)
    day = local.date()
    return day if moment >= clock.at(day, CHANGEOVER) else day - dt.timedelta(days=1)


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


@dataclass(frozen=True, slots=True)
class Clock:
    """A running clock of the duty board."""

    telegram: Telegram
    kind: str  # "ack" or "due"
    due_at: dt.datetime
    overdue: bool


def visible_telegrams(person: Any) -> Any:
    """The telegrams a person may know of: a received one as its ledger document, a reply as
    the telegram it answers."""
    return Telegram.objects.visible_to(person)


def open_telegrams(person: Any = None) -> Any:
    """Received telegrams not yet completed (for a person: those they may know of)."""
    rows = visible_telegrams(person) if person is not None else Telegram.objects.all()
    return rows.filter(direction=Telegram.Direction.INCOMING, done_at__isnull=True).select_related(
        "escalated_to"
    )


def duty_board(person: Any = None, moment: dt.datetime | None = None) -> list[Clock]:
    """Every running clock, soonest first: acknowledgements not yet sent, handling not yet
    complete (for a person: of the telegrams they may know of)."""
    moment = moment or clock.now()
    clocks = []
    for t in open_telegrams(person):
        if t.acked_at is None and t.ack_due_at is not None:
            clocks.append(Clock(t, "ack", t.ack_due_at, moment > t.ack_due_at))
        if t.due_at is not None:
            clocks.append(Clock(t, "due", t.due_at, moment > t.due_at))
    return sorted(clocks, key=lambda c: (c.due_at, c.kind, c.telegram.pk))


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


@transaction.atomic(durable=True)
def warn_running_clocks() -> int:
    """Tell the people on duty, once per clock, when an acknowledgement or a deadline is about
    to run out, and again when it has; returns how many warnings went out."""
    now = clock.now()
    duty = [s.person for s in on_duty(now)]
    sent = 0
    for t in (
        open_telegrams()
        .select_for_update(of=("self",))
        .filter(
            Q(acked_at__isnull=True, ack_due_at__lte=now + WARN_ACK) | Q(due_at__lte=now + WARN_DUE)
        )
    ):
        warned_before = t.warned
        for kind, due, warn in (("ack", t.ack_due_at, WARN_ACK), ("due", t.due_at, WARN_DUE)):
            if due is None or (kind == "ack" and t.acked_at is not None):
                continue
            state = f"{kind}_late" if now > due else kind
            if due - warn <= now and state not in t.warned:
                t.warned = [*t.warned, state]
                notify([*duty, t.escalated_to], f"telegram.{state}", t, due_at=due.isoformat())
                sent += 1
        if t.warned != warned_before:
            t.save(update_fields=["warned"])
    return sent
