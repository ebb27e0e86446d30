"""Knowing a document: views on record, the knowledge scope, leaders' instructions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from baomi import audit, policy
from baomi.core import clock
from baomi.core.levels import Level
from baomi.core.visibility import NotVisible

from ..models import Copy, Document, Instruction, ScopeEntry
from ..queries import audience

if TYPE_CHECKING:
    from baomi.people.models import Person


def must_see(actor: Person, document_id: int) -> None:
    """A document outside what `actor` may know exists answers as if it did not exist."""
    if not Document.objects.visible_to(actor).filter(pk=document_id).exists():
        raise NotVisible


def may_hold(person: Any, document: Document) -> None:
    """`person` may hold a copy of `document`: cleared for the level, inside the scope, not an
    administrator (ACC.CLEARANCE, ACC.NEED_TO_KNOW, ACC.SOD)."""
    policy.require(
        "copy.hold",
        person=person,
        level=document.level,
        audience=audience(document),
        posts=person.post_codes,
    )


def must_open(actor: Person, document: Document) -> None:
    """Seeing a document's particulars or content: it must exist for `actor`, and an item
    signed for by proxy stays closed to all but its addressee (DOC.RECEIPT)."""
    must_see(actor, document.pk)
    policy.require("document.open", actor=actor, document=document)


def reads_content(person: Any, document: Document) -> bool:
    """Whether `person` may read the document's content — its files and the instructions its
    leaders wrote on it — and not only know of its entry: cleared for the level and inside the
    knowledge scope (ACC.CLEARANCE, ACC.NEED_TO_KNOW), unless the item is not classified or is
    declassified. A clerk who knows of the item through her custody post sees the entry only."""
    if document.state == Document.State.DECLASSIFIED or not Level(document.level).is_classified:
        return True
    return policy.check(
        "content.view",
        person=person,
        level=document.level,
        audience=audience(document),
        posts=person.post_codes,
    ).allowed


@transaction.atomic(durable=True)
def view_document(*, actor: Person, document: Document) -> Document:
    """Open a document's page: allowed only to someone who may know it exists (otherwise it is
    not found, as for any other object outside the scope); every view is on record, which for
    机密 and 绝密 items is the reader record the law requires (AUD.RECORD)."""
    must_open(actor, document)
    audit.record(actor, "document.viewed", document, level=Level(document.level).zh)
    return document


@transaction.atomic(durable=True)
def view_copy(*, actor: Person, copy: Copy) -> Copy:
    """Open a copy's page (its custody record): allowed to whoever may know of the copy (with
    its document, or as the custodian of its cabinet); on record like every view."""
    if not Copy.objects.visible_to(actor).filter(pk=copy.pk).exists():
        raise NotVisible
    audit.record(actor, "copy.viewed", copy, document=copy.document_id, copy_no=copy.label)
    return copy


def ask_to_widen_scope(*, actor: Person, document: Document, person: Any, reason: str) -> Any:
    """Ask the issuing side to let `person` know this document (ACC.NEED_TO_KNOW: only the
    issuer widens a scope). The request goes to the leader of the registering department, which
    holds the document for the issuer inside this organization."""
    from baomi.approvals.services import request_approval

    must_see(actor, document.pk)
    return request_approval(
        actor=actor,
        kind="scope.widen",
        summary=reason,
        subject=document,
        payload={"person": person.pk},
        unit=document.department,
    )


@transaction.atomic(durable=True)
def widen_scope(*, actor: Person, document: Document, approval: Any) -> ScopeEntry:
    """Add the approved person to the knowledge scope, using the approval up. The person must
    still be cleared for the level (ACC.CLEARANCE) and not an administrator (ACC.SOD)."""
    from baomi.approvals.services import consume
    from baomi.core.access import Audience
    from baomi.people.models import Person

    must_see(actor, document.pk)
    approval = consume(actor=actor, approval=approval, action="scope.widen", subjects=(document,))
    if approval.object_id != str(document.pk) or approval.object_type != "ledger.document":
        raise ValidationError(_("This approval was given for another document."))
    person = Person.objects.get(pk=approval.payload["person"])
    # the scope itself is what is being widened: only clearance and separation still apply
    policy.require(
        "copy.hold",
        person=person,
        level=document.level,
        audience=Audience(persons=frozenset({person.pk})),
    )
    entry, _created = ScopeEntry.objects.get_or_create(document=document, person=person)
    audit.record(actor, "scope.widened", document, person=person.pk, approval=approval.pk)
    return entry


def admit_leader(*, document: Document, leader: Any) -> None:
    """Inside the caller's transaction, let a leader into the knowledge scope of an item routed
    or reported to them: refused for one who is not a leader, or not cleared for the level or
    an administrator (ACC.CLEARANCE, ACC.SOD). The caller records why."""
    from baomi.core.access import Audience
    from baomi.people.models import Post

    if not leader.holds(Post.LEADER):
        raise ValidationError({"leader": _("%(name)s is not a leader.") % {"name": leader}})
    policy.require(
        "copy.hold",
        person=leader,
        level=document.level,
        audience=Audience(persons=frozenset({leader.pk})),
    )
    ScopeEntry.objects.get_or_create(document=document, person=leader)


@transaction.atomic(durable=True)
def route_for_instructions(*, actor: Person, document: Document, leader: Any) -> Instruction:
    """DOC.RECEIPT: the clerk routes a registered incoming item to a leader for instructions;
    the leader joins the knowledge scope (still subject to clearance) and is told."""
    from baomi.core.notices import notify

    must_see(actor, document.pk)
    policy.require("document.route", actor=actor)
    if document.origin != Document.Origin.INCOMING:
        raise ValidationError(_("Only incoming items are routed for instructions."))
    admit_leader(document=document, leader=leader)
    instruction = Instruction.objects.create(
        document=document, leader=leader, routed_by=actor, routed_at=clock.now()
    )
    notify([leader], "document.routed", document)
    audit.record(actor, "document.routed", document, leader=leader.pk)
    return instruction


@transaction.atomic(durable=True)
def write_instructions(*, actor: Person, instruction: Instruction, text: str) -> Instruction:
    """The leader to whom the item was routed writes the instructions (批示), once."""
    instruction = Instruction.objects.select_for_update().get(pk=instruction.pk)
    if instruction.leader_id != actor.pk:
        raise NotVisible
    if instruction.written_at is not None:
        raise ValidationError(_("These instructions were already written."))
    if not text.strip():
        raise ValidationError({"text": _("Write the instructions.")})
    instruction.text = text.strip()
    instruction.written_at = clock.now()
    instruction.save(update_fields=["text", "written_at"])
    # the text can itself be classified: the log names the instructions, not their words
    audit.record(actor, "instructions.written", instruction, document=instruction.document_id)
    return instruction
