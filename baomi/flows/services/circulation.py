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
from baomi.ledger.services.access import must_see

from ..models import (
    Circulation,
    CirculationStep,
)
from ..rules import (
    SIGNED_ON_THE_PAGE,
    SIGNED_WITH_CODE,
    SIGNED_WITH_PASSWORD,
    circulation_deadline,
    closing,
    latest_return,
    same_day,
)
from .common import (
    FROM_CABINET,
    HANDED_FROM,
    WITH_READER,
    S,
    _due_ahead,
    _locked_copy,
    _must_be,
    _not_sealed,
)

if TYPE_CHECKING:
    from baomi.people.models import Person


@transaction.atomic(durable=True)
def start_circulation(*, actor: Person, copy: Copy, readers: Sequence[Any]) -> Circulation:
    """Open a circulation of a copy in its cabinet: the readers in order, every one inside the
    knowledge scope and cleared for the level (DOC.CIRC.SCOPE). The whole circulation is due by
    its deadline, counted from now (DOC.CIRC.DEADLINE). The copy stays in the cabinet until the
    clerk hands it to the first reader."""
    copy = _locked_copy(actor, copy)
    readers = list(dict.fromkeys(readers))
    if not readers:
        raise ValidationError({"readers": _("Name at least one reader.")})
    policy.require("custody.manage", actor=actor)
    _not_sealed(actor, copy.document)
    now = clock.now()
    deadline = circulation_deadline(copy.document, now)
    policy.require("circulation.start", document=copy.document, readers=readers, deadline=deadline)
    _must_be(copy, *FROM_CABINET)
    if Circulation.objects.filter(copy=copy, state=Circulation.State.OPEN).exists():
        raise ValidationError(_("This copy is already circulating."))
    assert copy.cabinet is not None
    circulation = Circulation.objects.create(
        copy=copy, clerk=actor, cabinet=copy.cabinet, started_at=now, deadline=deadline
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
        deadline=deadline.isoformat(timespec="minutes"),
    )
    return circulation


@transaction.atomic(durable=True)
def hand_to_reader(
    *, actor: Person, circulation: Circulation, due_at: dt.datetime | None = None
) -> CirculationStep:
    """The clerk hands the copy, in person, to the next reader in the list. The copy must be
    back with the clerk first (DOC.CIRC.SINGLE_LINE); the reader's return time falls within
    what remains of the whole circulation's deadline (DOC.CIRC.DEADLINE), by default a fair
    share of it, and a 绝密 copy is back the same evening (DOC.READ.SAME_DAY)."""
    copy = _locked_copy(actor, circulation.copy)
    circulation = Circulation.objects.select_for_update().get(pk=circulation.pk)
    policy.require("custody.manage", actor=actor)
    if circulation.state != Circulation.State.OPEN:
        raise ValidationError(_("This circulation is finished."))
    steps = list(circulation.steps.select_related("reader"))
    with_reader = next((s for s in steps if s.state == CirculationStep.State.HANDED), None)
    step = next((s for s in steps if s.state == CirculationStep.State.WAITING), None)
    waiting = sum(1 for s in steps if s.state == CirculationStep.State.WAITING)
    due_at = due_at or _fair_share(circulation, copy.document, waiting)
    policy.require(
        "circulation.hand",
        with_reader=with_reader,
        document=copy.document,
        due_at=due_at,
        deadline=circulation.deadline,
    )
    if step is None:
        raise ValidationError(_("Every reader has had the copy."))
    _must_be(copy, *HANDED_FROM)  # not while it is reported lost
    # the reader may have changed post or tier since the circulation was opened
    policy.require(
        "circulation.start",
        document=copy.document,
        readers=[step.reader],
        deadline=circulation.deadline,
    )
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
    """The reader, signed in, signs on the page for the copy the clerk handed them
    (DOC.CIRC.IN_PERSON: no one signs for another). The signature is on record: who, how, when."""
    return _sign(actor=actor, step=step, proof=SIGNED_ON_THE_PAGE)


#: the longest password or one-time code a reader types at the clerk's desk
SECRET_MAX = 128


def sign_before_clerk(*, actor: Person, step: CirculationStep, secret: str) -> CirculationStep:
    """The reader, standing before the clerk as the copy is handed over, signs for it on the
    clerk's screen by typing their own password or one-time code (DOC.CIRC.IN_PERSON): the
    clerk cannot sign without them. A wrong password or code signs nothing, is refused under
    the rule, and the attempt stays on record. The signature records how it was made and
    before whom (the clerk is the event's actor)."""
    policy.require("custody.manage", actor=actor)
    if not secret or len(secret) > SECRET_MAX:
        raise ValidationError(
            {"secret": _("The reader types their own password or one-time code.")}
        )
    step = CirculationStep.objects.select_related("reader", "circulation__copy").get(pk=step.pk)
    must_see(actor, step.circulation.copy.document_id)
    _signable(step)
    proof = _presence_shown(step.reader, secret)
    try:
        with transaction.atomic(durable=True):
            return _sign(actor=actor, step=step, proof=proof)
    except policy.RuleViolation as refused:
        if proof is None and "DOC.CIRC.IN_PERSON" in {v.rule_id for v in refused.violations}:
            # the refusal changes nothing but is on record, in a transaction of its own
            with transaction.atomic():
                audit.record(
                    actor,
                    "circulation.signature_refused",
                    step,
                    circulation=step.circulation_id,
                    reader=step.reader_id,
                )
        raise


def _presence_shown(reader: Person, secret: str) -> str | None:
    """How the reader showed they are present: a one-time code of a device they confirmed,
    else their password; None if the secret is neither."""
    from django_otp import devices_for_user, match_token

    if not reader.is_active:
        return None
    code = secret.strip()
    if (
        code.isdigit()
        and any(devices_for_user(reader, confirmed=True))
        and match_token(reader, code) is not None
    ):
        return SIGNED_WITH_CODE
    return SIGNED_WITH_PASSWORD if reader.check_password(secret) else None


def _signable(step: CirculationStep) -> None:
    if step.state != CirculationStep.State.HANDED or step.signed_at is not None:
        raise ValidationError(_("There is nothing to sign for."))


def _sign(*, actor: Person, step: CirculationStep, proof: str | None) -> CirculationStep:
    step = (
        CirculationStep.objects.select_for_update(of=("self",))
        .select_related("reader")
        .get(pk=step.pk)
    )
    policy.require("circulation.sign", actor=actor, step=step, proof=proof)
    _signable(step)
    step.signed_at = clock.now()
    step.save(update_fields=["signed_at"])
    audit.record(
        actor,
        "circulation.signed",
        step,
        circulation=step.circulation_id,
        reader=step.reader_id,
        how=proof,
    )
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
    """The clerk takes the copy back from the reader who has it, once that reader has signed
    for it (DOC.CIRC.IN_PERSON). After the last reader it goes back into its cabinet and the
    circulation is done."""
    copy = _locked_copy(actor, circulation.copy)
    circulation = Circulation.objects.select_for_update().get(pk=circulation.pk)
    policy.require("custody.manage", actor=actor)
    step = circulation.steps.filter(state=CirculationStep.State.HANDED).first()
    if step is None:
        raise ValidationError(_("No reader has the copy now."))
    policy.require("circulation.take_back", step=step)
    _must_be(copy, *WITH_READER)
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


def _fair_share(circulation: Circulation, document: Any, waiting: int) -> dt.datetime:
    """The return time of the reader handed the copy now, unless the clerk sets one: the days
    left before the whole circulation's deadline shared among the readers still to read, at
    closing time, never past the deadline; a same-day copy's return time if that is earlier."""
    now, today = clock.now(), clock.today()
    days_left = (clock.local(circulation.deadline).date() - today).days
    due = closing(today + dt.timedelta(days=max(days_left, 0) // max(waiting, 1)))
    if due <= now:  # handed after closing time: until the next closing
        due = closing(today + dt.timedelta(days=1))
    due = min(due, circulation.deadline)
    if same_day(document):
        due = min(due, latest_return(document))
    return due


def chase_list(person: Any) -> Any:
    """催阅: steps past their due time, in the circulations this person may know of, the
    circulation whose whole deadline comes first at the top."""
    return (
        CirculationStep.objects.visible_to(person)
        .filter(
            state=CirculationStep.State.HANDED,
            due_at__lt=clock.now(),
        )
        .select_related("reader", "circulation__copy__document")
        .order_by("circulation__deadline", "due_at", "pk")
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
