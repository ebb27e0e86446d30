"""Declassification at period end and approved changes of the classification."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from baomi import audit
from baomi.core import clock
from baomi.core.levels import Level
from baomi.core.rules import parse_marking, period_in_force

from .. import signals
from ..models import Copy, Document
from .access import must_see

if TYPE_CHECKING:
    from baomi.people.models import Person


def holders(document: Document) -> list[Any]:
    """Everyone accountable for a copy of the document now: holders and cabinet custodians."""
    from baomi.people.models import Person

    copies = Copy.objects.filter(document=document)
    return list(
        Person.objects.filter(
            models.Q(held_copies__in=copies) | models.Q(cabinets__copies__in=copies)
        ).distinct()
    )


@transaction.atomic(durable=True)
def declassify_due(*, today: dt.date | None = None) -> int:
    """自行解密: declassify every document whose period has ended (SPEC §2, 法第二十四条).

    Idempotent: a declassified document is never declassified again. Each is one audit
    event; every current holder and the registering clerk are told."""
    from baomi.core.notices import notify

    today = today or clock.today()
    due = list(
        Document.objects.select_for_update().filter(
            state=Document.State.ACTIVE, declassify_on__lte=today
        )
    )
    for document in due:
        document.state = Document.State.DECLASSIFIED
        document.save(update_fields=["state"])
        told = notify(
            [*holders(document), document.registered_by],
            "document.declassified",
            document,
            marking=document.marking,
            on=str(document.declassify_on),
        )
        audit.record(
            None,
            "document.declassified",
            document,
            reason="period_end",
            marking=document.marking,
            declassify_on=document.declassify_on,
            notified=told,
        )
        signals.after_commit(signals.document_closed, document, reason="declassified")
    return len(due)


CHANGES = ("declassify", "extend", "upgrade", "downgrade")


def _check_change(document: Document, change: str, marking: str) -> str:
    """The new marking a change leads to ("" for declassification), or a ValidationError."""
    if document.state != Document.State.ACTIVE or not document.marking:
        raise ValidationError(_("Only a classified document in force can be changed."))
    if change not in CHANGES:
        raise ValidationError({"change": _("Unknown change: %(change)s.") % {"change": change}})
    if change == "declassify":
        return ""
    new = parse_marking(marking, issued=document.issued_on)
    if change == "upgrade" and new.level <= document.level:
        raise ValidationError({"marking": _("An upgrade needs a higher level.")})
    if change == "downgrade" and new.level >= document.level:
        raise ValidationError({"marking": _("A downgrade needs a lower level.")})
    if change == "extend":
        end = period_in_force(new).end_date(document.issued_on)
        if new.level != document.level or (
            end is not None and document.declassify_on and end <= document.declassify_on
        ):
            raise ValidationError(
                {
                    "marking": _("An extension keeps the level and ends later than %(date)s.")
                    % {"date": document.declassify_on}
                }
            )
    return new.format()


def ask_to_change_classification(
    *, actor: Person, document: Document, change: str, marking: str = "", reason: str
) -> Any:
    """变更/提前解密: ask the registering department's leader to review a change of the
    document's classification (SPEC §2: through review with approval, "有保有放")."""
    from baomi.approvals.services import request_approval

    must_see(actor, document.pk)
    new = _check_change(document, change, marking)
    return request_approval(
        actor=actor,
        kind="document.change",
        summary=reason,
        subject=document,
        payload={"change": change, "marking": new},
        unit=document.department,
    )


@transaction.atomic(durable=True)
def change_classification(*, actor: Person, document: Document, approval: Any) -> Document:
    """Apply an approved change: level, marking and period change together (or the document
    is declassified); every holder is told; the approval is used up."""
    from baomi.approvals.services import consume
    from baomi.core.notices import notify

    must_see(actor, document.pk)
    approval = consume(
        actor=actor, approval=approval, action="document.change", subjects=(document,)
    )
    document = Document.objects.select_for_update().get(pk=document.pk)
    if approval.object_id != str(document.pk) or approval.object_type != "ledger.document":
        raise ValidationError(_("This approval was given for another document."))
    change, marking = approval.payload["change"], approval.payload["marking"]
    old = {"marking": document.marking, "level": Level(document.level).zh}
    _check_change(document, change, marking)  # the document may have changed meanwhile
    if change == "declassify":
        document.state = Document.State.DECLASSIFIED
    else:
        new = parse_marking(marking, issued=document.issued_on)
        document.level = int(new.level)
        document.marking = new.format()
        document.declassify_on = period_in_force(new).end_date(document.issued_on)
    document.save(update_fields=["state", "level", "marking", "declassify_on"])
    told = notify(
        [*holders(document), document.registered_by],
        f"document.{change}d" if change != "declassify" else "document.declassified",
        document,
        marking=document.marking,
    )
    audit.record(
        actor,
        "document.declassified" if change == "declassify" else "document.reclassified",
        document,
        change=change,
        old=old,
        marking=document.marking,
        approval=approval.pk,
        notified=told,
    )
    if change == "declassify":
        signals.after_commit(signals.document_closed, document, reason="declassified")
    return document
