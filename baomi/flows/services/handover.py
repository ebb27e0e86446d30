"""移交: a checked, signed list when a person changes post."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from baomi import audit, policy
from baomi.core import clock
from baomi.ledger import custody
from baomi.ledger.models import Copy
from baomi.ledger.services.access import may_hold

from ..models import (
    Handover,
    HandoverItem,
)
from .common import S, _locked_in_order

if TYPE_CHECKING:
    from baomi.people.models import Person


def held_by(person: Any) -> Any:
    """Every live copy this person is accountable for: in their hands, or in a cabinet they keep."""
    return (
        # a copy reported lost is the loss report's to settle, not the handover's
        Copy.objects.exclude(state__in=[*custody.TERMINAL, S.REPORTED_LOST])
        .filter(models.Q(holder=person) | models.Q(cabinet__custodian=person))
        .select_related("document", "cabinet")
        .order_by("document_id", "copy_no")
    )


@transaction.atomic(durable=True)
def open_handover(*, actor: Person, person: Any, receiver: Any) -> Handover:
    """移交: list everything `person` holds, to be checked by `receiver` item by item. While
    the list is open the person's change of post cannot complete (DOC.HANDOVER)."""
    from baomi.people.models import Person

    policy.require("custody.manage", actor=actor)
    Person.objects.select_for_update().get(pk=person.pk)
    policy.require("handover.open", actor=actor, person=person, receiver=receiver)
    policy.require("carrier.entrust", person=receiver, entrusted_as="receiver")
    if Handover.objects.filter(
        person=person, completed_at__isnull=True, cancelled_at__isnull=True
    ).exists():
        raise ValidationError(_("A handover of this person is already open."))
    from baomi.core.access import Audience

    held = list(held_by(person))
    for copy in held:
        if copy.holder_id == person.pk:  # in hand: the receiver must be entitled to know it
            may_hold(receiver, copy.document)
        else:  # in a cabinet the receiver will keep: cleared for its level is enough
            policy.require(
                "copy.hold",
                person=receiver,
                level=copy.document.level,
                audience=Audience(persons=frozenset({receiver.pk})),
            )
    handover = Handover.objects.create(
        person=person, receiver=receiver, opened_by=actor, opened_at=clock.now()
    )
    items = HandoverItem.objects.bulk_create(HandoverItem(handover=handover, copy=c) for c in held)
    audit.record(
        actor,
        "handover.opened",
        handover,
        person=person.pk,
        receiver=receiver.pk,
        copies=[i.copy_id for i in items],
    )
    return handover


def listed_copy(handover: Handover, *, code: str = "", pk: int | None = None) -> Copy | None:
    """The copy on this handover's list that a scanned label (`code`) or an id (`pk`) names, or
    None. The receiver checks what is on the list he is taking over: a copy in a cabinet he will
    keep may lie outside the knowledge scope of its document (he is cleared for its level, see
    `open_handover`), so the label is looked up among the list's items, not among the
    documents he may know of."""
    listed = Copy.objects.filter(
        pk__in=HandoverItem.objects.filter(handover=handover).values("copy_id")
    )
    if code:
        parsed = Copy.parse_scan_code(code)
        if parsed is None:
            return None
        listed = listed.filter(document_id=parsed[0], copy_no=parsed[1])
    elif pk is not None:
        listed = listed.filter(pk=pk)
    else:
        return None
    return listed.first()


@transaction.atomic(durable=True)
def check_handover_item(*, actor: Person, handover: Handover, copy: Copy) -> HandoverItem:
    """The receiver checks one copy on the list, by scanning its label."""
    handover = Handover.objects.select_for_update().get(pk=handover.pk)
    policy.require("handover.check", actor=actor, handover=handover)
    _must_be_open(handover)
    item = handover.items.filter(copy=copy).first()
    if item is None:
        raise ValidationError(_("This copy is not on the handover list."))
    if item.checked_at is None:
        item.checked_at = clock.now()
        item.save(update_fields=["checked_at"])
        audit.record(actor, "handover.item_checked", handover, copy=copy.pk)
    return item


@transaction.atomic(durable=True)
def sign_handover(*, actor: Person, handover: Handover) -> Handover:
    """The person leaving and the receiver each sign the checked list; when both have, every
    copy and every cabinet passes to the receiver. Nothing passes on trust: the receiver signs
    only when every item is checked."""
    handover = Handover.objects.select_for_update().get(pk=handover.pk)
    _must_be_open(handover)
    policy.require("handover.sign", actor=actor, handover=handover)
    now = clock.now()
    if actor.pk == handover.receiver_id:
        unchecked = handover.items.filter(checked_at__isnull=True).count()
        if unchecked:
            raise ValidationError(
                _("%(n)s items are not checked yet: no handover on trust.") % {"n": unchecked}
            )
        handover.receiver_signed_at = now
    else:
        handover.person_signed_at = now
    handover.save(update_fields=["receiver_signed_at", "person_signed_at"])
    audit.record(actor, "handover.signed", handover)
    if handover.receiver_signed_at and handover.person_signed_at:
        _complete(actor, handover)
    return handover


def _complete(actor: Person, handover: Handover) -> None:
    from baomi.ledger.models import Cabinet

    receiver = handover.receiver
    items = list(handover.items.select_related("copy"))
    # the checked, signed list is the authority here: the receiver who signs last may take over
    # cabinet copies outside what he may know of (cleared for their level, see `open_handover`)
    for copy in _locked_in_order([item.copy for item in items]):
        if copy.holder_id == handover.person_id:
            custody.move(
                actor=actor,
                copy=copy,
                to=copy.state,
                action="copy.handed_over",
                holder=receiver,
                handover=handover.pk,
            )
    codes = []
    for cabinet in Cabinet.objects.select_for_update().filter(custodian=handover.person):
        custody.hand_over_cabinet(
            actor=actor, cabinet=cabinet, custodian=receiver, handover=handover.pk
        )
        codes.append(cabinet.code)
    handover.completed_at = clock.now()
    handover.save(update_fields=["completed_at"])
    audit.record(actor, "handover.completed", handover, cabinets=codes)


def _must_be_open(handover: Handover) -> None:
    if handover.completed_at is not None or handover.cancelled_at is not None:
        raise ValidationError(_("This handover is closed."))


@transaction.atomic(durable=True)
def cancel_handover(*, actor: Person, handover: Handover, reason: str) -> Handover:
    """Withdraw an open list (the change of post is called off, or the list must be made anew
    after a loss); nothing has passed to the receiver, and the reason is on record."""
    handover = Handover.objects.select_for_update().get(pk=handover.pk)
    policy.require("custody.manage", actor=actor)
    _must_be_open(handover)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the handover is withdrawn.")})
    handover.cancelled_at = clock.now()
    handover.save(update_fields=["cancelled_at"])
    audit.record(actor, "handover.cancelled", handover, reason=reason.strip())
    return handover
