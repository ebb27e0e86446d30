"""传阅: single-line circulation, signatures, the chase list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from baomi import audit, policy
from baomi.core import clock
from baomi.core.notices import notify
from baomi.core.visibility import NotVisible
from baomi.ledger import custody
from baomi.ledger.models import Copy

from ..models import (
    Circulation,
    CirculationStep,
)
from ..rules import latest_return
from .common import S, _due_ahead, _locked_copy, _must_be, _not_sealed

if TYPE_CHECKING:
    from baomi.people.models import Person


@transaction.atomic(durable=True)
def start_circulation(*, actor: Person, copy: Copy, readers: Sequence[Any]) -> Circulation:
    """Open a circulation of a copy in its cabinet: the readers in order, every one inside the
    knowledge scope and cleared for the level (DOC.CIRC.SCOPE). The copy stays in the cabinet
    until the clerk hands it to the first reader."""
    copy = _locked_copy(actor, copy)
    readers = list(dict.fromkeys(readers))
    if not readers:
        raise ValidationError({"readers": _("Name at least one reader.")})
    policy.require("custody.manage", actor=actor)
    _not_sealed(actor, copy.document)
    policy.require("circulation.start", document=copy.document, readers=readers)
    _must_be(copy, S.IN_CABINET)
    if Circulation.objects.filter(copy=copy, state=Circulation.State.OPEN).exists():
        raise ValidationError(_("This copy is already circulating."))
    assert copy.cabinet is not None
    circulation = Circulation.objects.create(
        copy=copy, clerk=actor, cabinet=copy.cabinet, started_at=clock.now()
    )
    CirculationStep.objects.bulk_create(
        CirculationStep(circulation=circulation, position=n, reader=r)
        for n, r in enumerate(readers, start=1)
    )
    audit.record(
        actor,
        "circulation.started",
        circulation,
        copy=copy.pk,
        readers=[r.pk for r in readers],
    )
    return circulation


@transaction.atomic(durable=True)
def hand_to_reader(
    *, actor: Person, circulation: Circulation, due_at: dt.datetime | None = None
) -> CirculationStep:
    """The clerk hands the copy, in person, to the next reader in the list. The copy must be
    back with the clerk first (DOC.CIRC.SINGLE_LINE); the reader keeps it at most as long as
    the urgency allows (DOC.CIRC.DEADLINE), a 绝密 copy only until the same evening
    (DOC.READ.SAME_DAY)."""
    copy = _locked_copy(actor, circulation.copy)
    circulation = Circulation.objects.select_for_update().get(pk=circulation.pk)
    policy.require("custody.manage", actor=actor)
    if circulation.state != Circulation.State.OPEN:
        raise ValidationError(_("This circulation is finished."))
    steps = list(circulation.steps.select_related("reader"))
    with_reader = next((s for s in steps if s.state == CirculationStep.State.HANDED), None)
    step = next((s for s in steps if s.state == CirculationStep.State.WAITING), None)
    latest = latest_return(copy.document)
    due_at = due_at or latest
    policy.require(
        "circulation.hand",
        with_reader=with_reader,
        document=copy.document,
        due_at=due_at,
        latest=latest,
    )
    if step is None:
        raise ValidationError(_("Every reader has had the copy."))
    _must_be(copy, S.IN_CABINET, S.CIRCULATING)  # not while it is reported lost
    # the reader may have changed post or tier since the circulation was opened
    policy.require("circulation.start", document=copy.document, readers=[step.reader])
    now = clock.now()
    _due_ahead(due_at)
    step.state, step.handed_at, step.due_at = CirculationStep.State.HANDED, now, due_at
    step.save(update_fields=["state", "handed_at", "due_at"])
    custody.move(
        actor=actor,
        copy=copy,
        to=S.CIRCULATING,
        action="copy.handed",
        holder=step.reader,
        circulation=circulation.pk,
        due_at=due_at.isoformat(timespec="minutes"),
    )
    return step


@transaction.atomic(durable=True)
def sign_for_copy(*, actor: Person, step: CirculationStep) -> CirculationStep:
    """The reader signs, on their own account, for the copy the clerk handed them
    (DOC.CIRC.IN_PERSON: no one signs for another)."""
    step = (
        CirculationStep.objects.select_for_update(of=("self",))
        .select_related("reader")
        .get(pk=step.pk)
    )
    policy.require("circulation.sign", actor=actor, step=step)
    if step.state != CirculationStep.State.HANDED or step.signed_at is not None:
        raise ValidationError(_("There is nothing to sign for."))
    step.signed_at = clock.now()
    step.save(update_fields=["signed_at"])
    audit.record(actor, "circulation.signed", step, circulation=step.circulation_id)
    return step


@transaction.atomic(durable=True)
def comment_on_copy(*, actor: Person, step: CirculationStep, text: str) -> CirculationStep:
    """The reader holding the copy writes comments or instructions (批示) on it."""
    step = CirculationStep.objects.select_for_update().get(pk=step.pk)
    if step.reader_id != actor.pk or step.state != CirculationStep.State.HANDED:
        raise NotVisible
    if not text.strip():
        raise ValidationError({"text": _("Write the comment.")})
    step.comment = text.strip()
    step.save(update_fields=["comment"])
    # the comment may itself be classified: the log names it, not its words
    audit.record(actor, "circulation.commented", step, circulation=step.circulation_id)
    return step


@transaction.atomic(durable=True)
def take_back(*, actor: Person, circulation: Circulation) -> CirculationStep:
    """The clerk takes the copy back from the reader who has it and signs for it. After the
    last reader it goes back into its cabinet and the circulation is done."""
    copy = _locked_copy(actor, circulation.copy)
    circulation = Circulation.objects.select_for_update().get(pk=circulation.pk)
    policy.require("custody.manage", actor=actor)
    step = circulation.steps.filter(state=CirculationStep.State.HANDED).first()
    if step is None:
        raise ValidationError(_("No reader has the copy now."))
    _must_be(copy, S.CIRCULATING)
    now = clock.now()
    step.state, step.returned_at = CirculationStep.State.RETURNED, now
    step.save(update_fields=["state", "returned_at"])
    last = not circulation.steps.filter(state=CirculationStep.State.WAITING).exists()
    if last:
        circulation.state, circulation.finished_at = Circulation.State.DONE, now
        circulation.save(update_fields=["state", "finished_at"])
        custody.move(
            actor=actor,
            copy=copy,
            to=S.IN_CABINET,
            action="copy.returned",
            cabinet=circulation.cabinet,
            circulation=circulation.pk,
            reader=step.reader_id,
        )
    else:
        custody.move(
            actor=actor,
            copy=copy,
            to=S.CIRCULATING,
            action="copy.returned",
            holder=actor,
            circulation=circulation.pk,
            reader=step.reader_id,
        )
    return step


def chase_list(person: Any) -> Any:
    """催阅: steps past their due time, in the circulations this person may know of."""
    return (
        CirculationStep.objects.visible_to(person)
        .filter(
            state=CirculationStep.State.HANDED,
            due_at__lt=clock.now(),
        )
        .select_related("reader", "circulation__copy__document")
        .order_by("due_at")
    )


@transaction.atomic(durable=True)
def chase_overdue_readers() -> int:
    """Remind every reader past the due time, and the clerk, once a day; idempotent within a
    day. Returns how many steps were chased."""
    today = clock.today()
    overdue = list(
        CirculationStep.objects.select_for_update(of=("self",))
        .filter(state=CirculationStep.State.HANDED, due_at__lt=clock.now())
        .exclude(chased_on=today)
        .select_related("reader", "circulation__clerk")
    )
    for step in overdue:
        step.chased_on = today
        step.save(update_fields=["chased_on"])
        notify([step.reader, step.circulation.clerk], "circulation.overdue", step)
        audit.record(
            None,
            "circulation.chased",
            step,
            circulation=step.circulation_id,
            reader=step.reader_id,
            due_at=step.due_at.isoformat(timespec="minutes") if step.due_at else None,
        )
    return len(overdue)
