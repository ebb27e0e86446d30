"""Rules of the telegram desk and the duty roster (TEL.*, DUTY.*), and 明来明复，密来密复."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from baomi.core import clock
from baomi.core.levels import Level, Urgency
from baomi.policy import Fail, params, rule

URGENCY_KEYS = {
    "normal": Urgency.NORMAL,
    "urgent": Urgency.URGENT,
    "very_urgent": Urgency.VERY_URGENT,
    "flash": Urgency.FLASH,
}
DAYS_PARAM = {
    Urgency.NORMAL: "normal_days",
    Urgency.URGENT: "urgent_days",
    Urgency.VERY_URGENT: "very_urgent_days",
    Urgency.FLASH: "flash_days",
}


def ack_due(received_at: dt.datetime) -> dt.datetime:
    """When the acknowledgement (回单) is due: minutes after receipt (TEL.RECEIPT)."""
    return received_at + dt.timedelta(minutes=int(params("TEL.RECEIPT")["ack_minutes"]))


def latest_completion(received_at: dt.datetime, urgency: int) -> dt.datetime:
    """When handling must be complete (TEL.DEADLINE): calendar days after receipt, nights and
    weekends included (the room is staffed round the clock); flash (0 days) at once."""
    days = int(params("TEL.DEADLINE")[DAYS_PARAM[Urgency(urgency)]])
    return received_at + dt.timedelta(days=days)


def must_report(important: bool, urgency: int) -> bool:
    """Whether the head of the confidential room is told (TEL.ESCALATE)."""
    lowest = URGENCY_KEYS[str(params("TEL.ESCALATE")["report_from_urgency"])]
    return important or urgency >= lowest


def reported(telegram: Any) -> bool:
    """Whether a telegram goes to the head of the room: important, urgent enough, or an alert
    notice (TEL.ESCALATE)."""
    return telegram.kind == "alert" or must_report(telegram.important, telegram.urgency)


def _when(moment: dt.datetime) -> str:
    return clock.local(moment).strftime("%Y-%m-%d %H:%M")


@rule("TEL.DEADLINE", actions=("telegram.register",))
def within_the_deadline(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    due, latest = ctx["due_at"], ctx["latest"]
    if due is None or due <= latest:
        return None
    return Fail(
        lambda: (
            _("A %(urgency)s telegram is completed by %(latest)s at the latest.")
            % {"urgency": Urgency(ctx["urgency"]).label, "latest": _when(latest)}
        ),
        {"due_at": _when(due), "latest": _when(latest), "urgency": int(ctx["urgency"])},
    )


@rule("TEL.RECEIPT", actions=("telegram.complete",))
def acknowledged_first(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    telegram = ctx["telegram"]
    if telegram.acked_at is not None:
        return None
    return Fail(
        lambda: (
            _("Acknowledge receipt to %(sender)s (回单) before completing the telegram.")
            % {"sender": telegram.correspondent}
        ),
        {"telegram": telegram.number, "ack_due_at": _when(telegram.ack_due_at)},
    )


@rule("TEL.ESCALATE", actions=("telegram.complete",))
def reported_to_the_head(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    telegram = ctx["telegram"]
    if not reported(telegram) or telegram.head_seen_at:
        return None
    head = telegram.escalated_to
    return Fail(
        lambda: (
            _("%(head)s, to whom it was reported, has not yet seen this telegram.") % {"head": head}
            if head
            else _("The room has no head cleared for this telegram: report it to a leader who is.")
        ),
        {"telegram": telegram.number, "head": head.pk if head else None},
    )


@rule("DUTY.ROSTER", actions=("duty.assign",))
def every_shift_staffed(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    staffed = ctx["staffed"]  # shift → person
    missing = [s for s in p["shifts"] if staffed.get(s) is None]
    people = [person.pk for person in staffed.values() if person is not None]
    if not missing and len(set(people)) == len(people):
        return None
    return Fail(
        lambda: _(
            "Each duty day has a primary and a secondary shift, held by two different people."
        ),
        {"missing": missing, "people": people, "day": str(ctx["day"])},
    )


@rule("DOC.TRANSFER.SYMMETRY", actions=("telegram.reply",))
def same_traffic_as_the_original(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    original, traffic, level = ctx["original"], ctx["traffic"], ctx["level"]
    if traffic != original.traffic:
        return Fail(
            lambda: _("A reply goes as the telegram came: plain for plain, cipher for cipher."),
            {"original": original.traffic, "reply": traffic},
        )
    if level < original.level:
        return Fail(
            lambda: (
                _("A reply travels at no lower level than what it answers (%(level)s).")
                % {"level": Level(original.level).zh}
            ),
            {"level": Level(level).zh, "answered": Level(original.level).zh},
        )
    return None


@rule("TEL.ESCALATE", actions=("telegram.mark_seen",))
def seen_by_the_head_it_went_to(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    """A reported telegram is marked seen by the head of the room it was reported to."""
    actor, telegram = ctx["actor"], ctx["telegram"]
    if telegram.escalated_to_id is not None and telegram.escalated_to_id == actor.pk:
        return None
    return Fail(
        lambda: _("This telegram was not reported to you."),
        {"reported_to": telegram.escalated_to_id or "", "actor": actor.pk},
    )


@rule("DUTY.ROSTER", actions=("duty.sign_handover",))
def the_two_officers_sign(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    """A shift handover is signed by the officer handing over and the one taking over."""
    actor, handover = ctx["actor"], ctx["handover"]
    if actor.pk in (handover.handed_by_id, handover.taken_by_id):
        return None
    return Fail(
        lambda: _("Only the two officers sign the handover, once each."),
        {"actor": actor.pk, "handed_by": handover.handed_by_id, "taken_by": handover.taken_by_id},
    )


@rule("DUTY.ROSTER", actions=("duty.act",))
def the_shift_was_handed_over(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    """交接班: the next shift's first action on the desk waits for the handover, or for its
    record that it took over without one."""
    pending = ctx["pending"]
    if pending is None:
        return None
    return Fail(
        lambda: _(
            "Your shift has not taken over the desk: sign the handover, or record that you took "
            "over without one and why."
        ),
        {"day": str(pending), "actor": ctx["actor"].pk},
    )


@rule("DUTY.ROSTER", actions=("duty.read_record",))
def the_rooms_record(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    """The duty record is read by the room's custody posts and its heads."""
    actor = ctx["actor"]
    if ctx["desk"] or actor.pk in ctx["heads"]:
        return None
    return Fail(
        lambda: _("The duty record is the confidential room's and its heads'."),
        {"actor": actor.pk},
    )


@rule("TEL.REGISTER", actions=("telegram.send",))
def no_secrets_in_clear(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    """发电登记: a telegram sent in clear carries nothing above the level a plain telegram may."""
    from baomi.core.rules import LEVEL_KEYS

    highest = LEVEL_KEYS[str(p["plain_max_level"])]
    if ctx["traffic"] != "plain" or ctx["level"] <= highest:
        return None
    return Fail(
        lambda: (
            _("A %(level)s telegram goes in cipher: a plain telegram carries at most %(max)s.")
            % {"level": Level(ctx["level"]).zh, "max": Level(highest).zh}
        ),
        {"level": Level(ctx["level"]).zh, "plain_max_level": Level(highest).zh},
    )


@rule("TEL.ESCALATE", actions=("telegram.take_charge",))
def the_head_takes_charge(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    """预警通知: the head of the room it was reported to takes charge of an alert telegram."""
    actor, telegram = ctx["actor"], ctx["telegram"]
    if telegram.kind != "alert":
        return Fail(
            lambda: _("Only an alert telegram is taken charge of."),
            {"telegram": telegram.number, "kind": telegram.kind},
        )
    if telegram.escalated_to_id is not None and telegram.escalated_to_id == actor.pk:
        return None
    return Fail(
        lambda: _("This telegram was not reported to you."),
        {"reported_to": telegram.escalated_to_id or "", "actor": actor.pk},
    )


@rule("TEL.ESCALATE", actions=("telegram.step",))
def head_in_charge_first(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    """对于发预警通知的电报，机要室负责人必须坐镇指挥: no step on an alert telegram before the
    head of the room has taken charge of it."""
    telegram = ctx["telegram"]
    if telegram.kind != "alert" or telegram.in_charge_at is not None:
        return None
    head = telegram.escalated_to
    return Fail(
        lambda: (
            _("An alert telegram: %(head)s takes charge of it before any other step.")
            % {"head": head}
            if head
            else _("An alert telegram: report it to a leader cleared for it, who takes charge.")
        ),
        {"telegram": telegram.number, "head": head.pk if head else None},
    )
