"""Services of the telegram desk: one function per action, each checking the rules, changing
state and recording its audit event in one transaction."""

from __future__ import annotations

import datetime as dt
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

from ..models import DutyAbsence, Telegram
from ..rules import ack_due, latest_completion, must_report, reported
from .board import WARN, open_telegrams
from .duty import at_the_desk, duty_day, on_duty, room_heads

#: how long before a clock runs out the people on duty are warned
WARN_ACK = WARN["ack"]
WARN_DUE = WARN["due"]


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
    kind: str = Telegram.Kind.ORDINARY,
) -> Telegram:
    """来电登记: a received telegram enters the ledger (its copy in the cabinet) and starts its
    clocks: the acknowledgement from receipt (TEL.RECEIPT) and its handling by urgency
    (TEL.DEADLINE); important and very urgent or flash ones are reported to the head of the
    confidential room at once (TEL.ESCALATE), and so is an alert notice (预警通知), of which the
    head takes charge before any other step. A cipher telegram is classified: it carries its
    marking."""
    at_the_desk(actor)
    if kind not in Telegram.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of telegram.")})
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
    alert = kind == Telegram.Kind.ALERT
    head = (
        head_of_room(actor.department_id, level)
        if alert or must_report(important, urgency)
        else None
    )
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
        kind=kind,
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
        kind=kind,
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
    """回单: the acknowledgement to the sender. One sent later than the minutes of TEL.RECEIPT
    is on record as late, and the post counts as unmanned (缺岗): an absence is recorded
    against each person on duty when it fell due, and the heads of the room are told."""
    at_the_desk(actor)
    telegram = _locked(telegram)
    policy.require("telegram.step", telegram=telegram)
    if telegram.acked_at is not None:
        raise ValidationError(_("This telegram was acknowledged already."))
    now = clock.now()
    telegram.acked_at, telegram.acked_by = now, actor
    telegram.save(update_fields=["acked_at", "acked_by"])
    due = telegram.ack_due_at
    late = due is not None and now > due
    absent = _absent_from_post(telegram, now) if late else []
    audit.record(actor, "telegram.acknowledged", telegram, late=late, absent=absent)
    return telegram


def _absent_from_post(telegram: Telegram, acked_at: dt.datetime) -> list[int]:
    """缺岗 (TEL.RECEIPT): one absence per person on duty when the acknowledgement fell due;
    the heads of the room are told. Returns who was on duty."""
    policy.applying("TEL.RECEIPT")
    assert telegram.ack_due_at is not None
    people = [s.person for s in on_duty(telegram.ack_due_at)]
    rows = [
        DutyAbsence.objects.create(
            telegram=telegram,
            person=person,
            day=duty_day(telegram.ack_due_at),
            ack_due_at=telegram.ack_due_at,
            acked_at=acked_at,
        )
        for person in people
    ]
    late_by = int((acked_at - telegram.ack_due_at).total_seconds() // 60)
    notify(
        room_heads(),
        "duty.absent_from_post",
        telegram,
        on_duty=[p.pk for p in people],
        late_minutes=late_by,
    )
    return [row.person_id for row in rows]


def _not_reportable(telegram: Telegram) -> str | None:
    """Why a clerk may not report this telegram to a leader now, or None when they may."""
    if telegram.document_id is None or telegram.done_at is not None:
        return _("Only a received telegram still open is reported.")
    if not reported(telegram):
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

    at_the_desk(actor)
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
    at_the_desk(actor)
    telegram = _locked(telegram)
    policy.require("telegram.step", telegram=telegram)
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
    """复电: 明来明复，密来密复 — a reply goes by the original's traffic, at no lower level, and
    enters the telegram register (TEL.REGISTER)."""
    at_the_desk(actor)
    policy.require("telegram.step", telegram=original)
    if not number.strip():
        raise ValidationError({"number": _("Give the telegram's number.")})
    if Telegram.objects.filter(
        direction=Telegram.Direction.OUTGOING, number=number.strip()
    ).exists():
        raise ValidationError(
            {"number": _("Telegram %(n)s is registered already.") % {"n": number}}
        )
    policy.require("telegram.reply", original=original, traffic=traffic, level=level)
    policy.require("telegram.send", traffic=traffic, level=level)
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


@transaction.atomic(durable=True)
def take_charge_of_telegram(*, actor: Person, telegram: Telegram) -> Telegram:
    """坐镇指挥: the head of the room an alert telegram was reported to takes charge of it, on
    record; until then no other step is taken on it (TEL.ESCALATE). Taking charge is seeing."""
    telegram = _locked(telegram)
    policy.require("telegram.take_charge", actor=actor, telegram=telegram)
    if telegram.in_charge_at is not None:
        raise ValidationError(_("You are in charge of this telegram already."))
    now = clock.now()
    telegram.in_charge_by, telegram.in_charge_at = actor, now
    telegram.head_seen_at = telegram.head_seen_at or now
    telegram.save(update_fields=["in_charge_by", "in_charge_at", "head_seen_at"])
    audit.record(actor, "telegram.taken_charge_of", telegram)
    return telegram


@transaction.atomic(durable=True)
def send_telegram(
    *,
    actor: Person,
    number: str,
    traffic: str,
    urgency: int,
    level: int,
    correspondent: str,
    subject: str,
) -> Telegram:
    """发电登记: a telegram the room sends on its own, not as a reply, enters the telegram
    register (收发电报登记簿) with its number, traffic, urgency, level, recipient and subject;
    a plain telegram carries nothing above the level of TEL.REGISTER."""
    at_the_desk(actor)
    number, correspondent, subject = number.strip(), correspondent.strip(), subject.strip()
    if not number:
        raise ValidationError({"number": _("Give the telegram's number.")})
    if traffic not in Telegram.Traffic.values:
        raise ValidationError({"traffic": _("Choose cipher or plain.")})
    if urgency not in Urgency.values:
        raise ValidationError({"urgency": _("Choose the urgency.")})
    if level not in Level.values:
        raise ValidationError({"level": _("Choose the level.")})
    if not correspondent:
        raise ValidationError({"correspondent": _("Name whom it is sent to.")})
    if not subject:
        raise ValidationError({"subject": _("Say what it is about.")})
    if len(subject) > 200 or len(correspondent) > 100 or len(number) > 40:
        raise ValidationError(_("The number, recipient or subject is too long."))
    if Telegram.objects.filter(direction=Telegram.Direction.OUTGOING, number=number).exists():
        raise ValidationError(
            {"number": _("Telegram %(n)s is registered already.") % {"n": number}}
        )
    policy.require("telegram.send", traffic=traffic, level=level)
    sent = Telegram.objects.create(
        direction=Telegram.Direction.OUTGOING,
        number=number,
        traffic=traffic,
        urgency=urgency,
        level=level,
        correspondent=correspondent,
        subject=subject,
        registered_by=actor,
        registered_at=clock.now(),
    )
    audit.record(
        actor, "telegram.sent", sent, traffic=traffic, level=int(level), urgency=int(urgency)
    )
    return sent


def absences_from_post(person: Any, limit: int = 50) -> Any:
    """缺岗 on record that `person` may know of, latest first: who was on duty, which telegram,
    how late (TEL.RECEIPT)."""
    return (
        DutyAbsence.objects.visible_to(person)
        .select_related("person", "telegram")
        .order_by("-ack_due_at", "-id")[:limit]
    )


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
