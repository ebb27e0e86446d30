"""阅批 followed up (DOC.INSTRUCTIONS): an item routed to a leader for instructions is chased
until the leader writes them, and the clerk records how they were carried out (落实情况).

Routing and writing belong to the ledger (`route_for_instructions`, `write_instructions`); the
follow-up, the chase and the list of open instructions are here."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from baomi import audit, policy
from baomi.core import clock
from baomi.core.notices import notify
from baomi.core.visibility import NotVisible
from baomi.ledger.models import Instruction
from baomi.ledger.services.access import must_see

from ..models import InstructionFollowUp

if TYPE_CHECKING:
    from baomi.people.models import Person

#: the longest account of how instructions were carried out
CARRIED_OUT_MAX = 2000


def chase_due_at(instruction: Instruction) -> dt.datetime:
    """When a leader who has not written instructions on a routed item is first chased."""
    days = int(policy.params("DOC.INSTRUCTIONS")["days"])
    return instruction.routed_at + dt.timedelta(days=days)


def open_instructions(person: Person) -> Any:
    """Instructions not yet carried out, among the documents this person may know of, the
    longest waiting first: all of them for the posts that route items to leaders (ACC.ROLE),
    otherwise those addressed to the person."""
    rows = (
        Instruction.objects.visible_to(person)
        .filter(follow_up__recorded_at__isnull=True)
        .select_related("document", "leader", "follow_up")
        .order_by("routed_at", "pk")
    )
    if policy.check("document.route", actor=person).allowed:
        return rows
    return rows.filter(leader=person)


@transaction.atomic(durable=True)
def record_carrying_out(*, actor: Person, instruction: Instruction, text: str) -> Any:
    """The clerk records how a leader's written instructions were carried out (落实情况), once;
    the leader is told. Refused before the instructions are written (DOC.INSTRUCTIONS) and to
    anyone but the posts that route items to leaders (ACC.ROLE)."""
    locked = (
        Instruction.objects.select_for_update(of=("self",))
        .select_related("document", "leader")
        .filter(pk=instruction.pk)
        .first()
    )
    if locked is None:
        raise NotVisible
    instruction = locked
    must_see(actor, instruction.document_id)
    policy.require("document.route", actor=actor)
    policy.require("instructions.carry_out", instruction=instruction)
    follow_up, _created = InstructionFollowUp.objects.select_for_update().get_or_create(
        instruction=instruction
    )
    if follow_up.recorded_at is not None:
        raise ValidationError(_("How these instructions were carried out is already recorded."))
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Say how the instructions were carried out.")})
    if len(text) > CARRIED_OUT_MAX:
        raise ValidationError(
            {"text": _("Keep it under %(max)s characters.") % {"max": CARRIED_OUT_MAX}}
        )
    follow_up.carried_out = text
    follow_up.recorded_by = actor
    follow_up.recorded_at = clock.now()
    follow_up.save(update_fields=["carried_out", "recorded_by", "recorded_at"])
    notify([instruction.leader], "instructions.carried_out", instruction.document)
    # the account can itself be classified: the log names it, not its words
    audit.record(
        actor,
        "instructions.carried_out",
        instruction,
        document=instruction.document_id,
        leader=instruction.leader_id,
    )
    return follow_up


@transaction.atomic(durable=True)
def chase_instructions() -> int:
    """Scheduled job (催办, DOC.INSTRUCTIONS): a leader who has not written instructions within
    the days allowed after routing is reminded, with the clerk who routed the item, and again
    at each interval until the instructions are written. Idempotent within a day; returns how
    many were chased."""
    p = policy.applying("DOC.INSTRUCTIONS")
    days, repeat = int(p["days"]), max(1, int(p["repeat_days"]))
    now, today = clock.now(), clock.today()
    again = today - dt.timedelta(days=repeat)
    overdue = list(
        Instruction.objects.select_for_update(of=("self",))
        .filter(written_at__isnull=True, routed_at__lte=now - dt.timedelta(days=days))
        .filter(Q(follow_up__chased_on__isnull=True) | Q(follow_up__chased_on__lte=again))
        .select_related("document", "leader", "routed_by")
        .order_by("routed_at", "pk")
    )
    for instruction in overdue:
        follow_up, _created = InstructionFollowUp.objects.get_or_create(instruction=instruction)
        follow_up.chases += 1
        follow_up.chased_on = today
        follow_up.save(update_fields=["chases", "chased_on"])
        waited = (today - clock.local(instruction.routed_at).date()).days
        notify(
            [instruction.leader, instruction.routed_by],
            "instructions.overdue",
            instruction.document,
            days=waited,
        )
        audit.record(
            None,
            "instructions.chased",
            instruction,
            document=instruction.document_id,
            leader=instruction.leader_id,
            routed_at=clock.local(instruction.routed_at).isoformat(timespec="minutes"),
            chases=follow_up.chases,
        )
    return len(overdue)
