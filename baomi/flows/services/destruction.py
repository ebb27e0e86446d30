"""销毁: registered batches destroyed under supervision."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from baomi import audit, policy
from baomi.core import clock
from baomi.ledger import custody, signals
from baomi.ledger.models import Copy

from ..models import (
    DestructionBatch,
    DestructionItem,
)
from ..rules import any_cipher_telegram
from .common import S, _locked_copies, _must_be

if TYPE_CHECKING:
    from baomi.people.models import Person


@transaction.atomic(durable=True)
def list_for_destruction(*, actor: Person, copies: Sequence[Copy]) -> DestructionBatch:
    """销毁登记: the office lists copies from its cabinets for destruction; they stay in their
    cabinets, marked as in a destruction batch, until destroyed or taken off the list."""
    policy.require("custody.manage", actor=actor)
    if not copies:
        raise ValidationError({"copies": _("List at least one copy.")})
    batch = DestructionBatch.objects.create(listed_by=actor, listed_at=clock.now())
    for locked in _locked_copies(actor, copies):
        _must_be(locked, S.IN_CABINET, S.DECLASSIFIED)
        DestructionItem.objects.create(batch=batch, copy=locked)
        custody.move(
            actor=actor,
            copy=locked,
            to=S.IN_DESTRUCTION,
            action="copy.listed_for_destruction",
            cabinet=locked.cabinet,
            batch=batch.pk,
        )
    audit.record(actor, "destruction.listed", batch, copies=[c.pk for c in copies])
    return batch


@transaction.atomic(durable=True)
def destroy_batch(
    *,
    actor: Person,
    batch: DestructionBatch,
    method: str,
    place: str,
    supervisors: Sequence[Any],
    escort: Any = None,
    on_site: bool = False,
    approval: Any = None,
) -> DestructionBatch:
    """Destroy a listed batch: with the leader's approval of the list, under escort to the
    designated facility or on site (绝密 always on site), supervised by at least two people
    (DOC.DESTROY). Every copy becomes destroyed; the certificate lists them."""
    from baomi.approvals.services import consume

    batch = DestructionBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.state != DestructionBatch.State.LISTED:
        raise ValidationError(_("This batch was already destroyed."))
    if not method.strip() or not place.strip():
        raise ValidationError({"method": _("Record the method and the place.")})
    supervisors = list(dict.fromkeys(supervisors))
    granted: tuple[str, ...] = ()
    if approval is not None:
        approval = consume(actor=actor, approval=approval, action="copy.destroy", subjects=(batch,))
        granted = (approval.kind,)
    policy.require("custody.manage", actor=actor)
    copies = _locked_copies(actor, [item.copy for item in batch.items.select_related("copy")])
    policy.require(
        "copy.destroy",
        supervisors=supervisors,
        operators=[actor, escort],
        escort=escort,
        on_site=on_site,
        levels={c.document.level for c in copies},
        cipher_telegrams=any_cipher_telegram({c.document_id for c in copies}),
        count=len(copies),
        approvals=granted,
    )
    batch.state, batch.destroyed_at = DestructionBatch.State.DESTROYED, clock.now()
    batch.destroyed_by = actor
    batch.method, batch.place, batch.on_site = method.strip(), place.strip(), on_site
    batch.escort, batch.approval = escort, approval
    batch.save()
    batch.supervisors.set(supervisors)
    for copy in copies:
        custody.move(
            actor=actor, copy=copy, to=S.DESTROYED, action="copy.destroyed", batch=batch.pk
        )
    audit.record(
        actor,
        "destruction.done",
        batch,
        method=batch.method,
        place=batch.place,
        on_site=on_site,
        escort=escort.pk if escort else None,
        supervisors=[s.pk for s in supervisors],
        approval=approval.pk if approval else None,
        copies=[c.pk for c in copies],
    )
    documents = {c.document_id: c.document for c in copies}
    # one query for all the batch's documents: those with a copy left are not closed
    remaining = set(
        Copy.objects.filter(document_id__in=documents)
        .exclude(state=S.DESTROYED)
        .order_by()
        .values_list("document_id", flat=True)
        .distinct()
    )
    for pk, document in sorted(documents.items()):
        if pk not in remaining:
            signals.after_commit(signals.document_closed, document, reason="destroyed")
    return batch


def whole_batches(person: Any) -> Any:
    """Batches every item of which this person may know of (the batch's declared visibility)."""
    return DestructionBatch.objects.visible_to(person).order_by("-listed_at", "-id")
