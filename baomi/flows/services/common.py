"""Steps every flow shares: locking copies, sealed items, states."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from baomi import policy
from baomi.core import clock
from baomi.core.visibility import NotVisible
from baomi.ledger.models import Copy, Document
from baomi.ledger.services.access import must_see

if TYPE_CHECKING:
    from baomi.people.models import Person

S = Copy.State

#: the states a copy must be in for each action on it, which the services check and the action
#: panel reads, so that what is offered is what the service would accept
FROM_CABINET = (S.IN_CABINET,)  # lend, open a circulation, send, carry out
HANDED_FROM = (S.IN_CABINET, S.CIRCULATING)  # hand to the next reader (not while lost)
WITH_READER = (S.CIRCULATING,)  # take back from the reader
OUT_ON_LOAN = (S.ON_LOAN,)  # a loan or a carry-out comes back
ON_THE_WAY = (S.IN_TRANSIT,)  # delivered to the recipient


def _locked_copy(actor: Person, copy: Copy) -> Copy:
    """The copy, locked for the move, if `actor` may know its document; otherwise not found."""
    locked = (
        Copy.objects.select_for_update(of=("self",))
        .select_related("document", "cabinet", "holder")
        .filter(pk=copy.pk)
        .first()
    )
    if locked is None:
        raise NotVisible
    must_see(actor, locked.document_id)
    return locked


def _locked_copies(actor: Person, copies: Sequence[Copy]) -> list[Copy]:
    """Several copies locked at once, in one order, so that two services locking overlapping
    sets never wait for each other crosswise; each only if `actor` may know its document."""
    locked = _locked_in_order(copies)
    for copy in locked:
        must_see(actor, copy.document_id)
    return locked


def _locked_in_order(copies: Sequence[Copy]) -> list[Copy]:
    """The copies locked in one order (see `_locked_copies`), with no check of who may know
    them: for a list that is itself the authority, such as a signed handover."""
    pks = sorted({c.pk for c in copies})
    locked = list(
        Copy.objects.select_for_update(of=("self",))
        .select_related("document", "cabinet", "holder")
        .filter(pk__in=pks)
        .order_by("pk")
    )
    if len(locked) != len(pks):
        raise NotVisible
    return locked


def _not_sealed(actor: Person, document: Document) -> None:
    """An item signed for by proxy goes nowhere before its addressee signs (DOC.RECEIPT)."""
    policy.require("document.open", actor=actor, document=document)


def _must_be(copy: Copy, *states: str) -> None:
    if copy.state not in states:
        raise ValidationError(
            _("Copy %(copy)s is %(state)s.")
            % {"copy": copy.label, "state": Copy.State(copy.state).label}
        )


def _due_ahead(due_at: Any) -> None:
    """A copy handed out is due back at a time still to come."""
    if due_at <= clock.now():
        raise ValidationError({"due_at": _("The due time must lie ahead.")})
