"""The meeting's documents: registered in the ledger, handed out by name after the discipline
is announced, collected into the secure room (MTG.DOCS, MTG.DISCIPLINE), recordings
(MTG.RECORDING), and a copy not returned reported missing as a loss."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from baomi import audit, policy
from baomi.core import clock
from baomi.ledger import custody
from baomi.ledger.models import Copy, Document
from baomi.ledger.services import print_internal
from baomi.ledger.services.access import may_hold

from ..models import Handout, Meeting, MeetingDocument
from .common import locked, must_be

if TYPE_CHECKING:
    from baomi.flows.models import LossReport
    from baomi.people.models import Person

S = Copy.State


@transaction.atomic(durable=True)
def register_meeting_document(
    *, actor: Person, meeting: Meeting, title: str, marking: str, copies: int | None = None
) -> MeetingDocument:
    """A meeting document enters the ledger: marked, numbered, one copy per participant unless
    said otherwise, the participants and the security lead in the knowledge scope, in the
    meeting's secure room (MTG.DOCS)."""
    policy.require("meeting.organize", actor=actor)
    meeting = locked(meeting)
    must_be(meeting, Meeting.State.PLANNED, Meeting.State.APPROVED, Meeting.State.OPEN)
    people = [p.person for p in meeting.participants.select_related("person")]
    count = copies or len(people)
    document = print_internal(
        actor=actor,
        approved_count=count,
        title=title,
        issuer=str(meeting.department),
        issued_on=clock.today(),
        copies=count,
        cabinet=meeting.secure_cabinet,
        marking=marking,
        # the participants, and the security lead who answers for every copy
        scope_persons=[*people, meeting.security_lead],
    )
    item = MeetingDocument.objects.create(meeting=meeting, document=document)
    audit.record(actor, "meeting.document_registered", meeting, document=document.pk, copies=count)
    return item


def _copy_of(meeting: Meeting, copy: Copy) -> Copy:
    found = Copy.objects.select_for_update().select_related("document").get(pk=copy.pk)
    if not MeetingDocument.objects.filter(meeting=meeting, document=found.document_id).exists():
        raise ValidationError(_("This copy is not a document of this meeting."))
    return found


@transaction.atomic(durable=True)
def hand_out(*, actor: Person, meeting: Meeting, copy: Copy, person: Any) -> Handout:
    """A copy in the secure room handed to a participant present, by name, who may hold it
    (cleared, in the scope: a participant added after the document was registered is not),
    once the discipline has been announced (MTG.DISCIPLINE); the participant holds it."""
    policy.require("meeting.organize", actor=actor)
    meeting = locked(meeting)
    must_be(meeting, Meeting.State.OPEN)
    participant = meeting.participants.filter(person=person).first()
    policy.require("meeting.hand_out", meeting=meeting, participant=participant, person=person)
    found = _copy_of(meeting, copy)
    if found.state != S.IN_CABINET:
        raise ValidationError(
            _("Copy %(copy)s is %(state)s.")
            % {"copy": found.label, "state": found.get_state_display()}
        )
    may_hold(person, found.document)
    custody.move(
        actor=actor,
        copy=found,
        to=S.ON_LOAN,
        holder=person,
        action="copy.handed_out",
        meeting=meeting.pk,
    )
    return Handout.objects.create(meeting=meeting, copy=found, person=person, handed_at=clock.now())


@transaction.atomic(durable=True)
def collect(*, actor: Person, meeting: Meeting, copy: Copy) -> Handout:
    """A copy back into the meeting's secure room (at a recess, at the close, or found later)."""
    policy.require("meeting.organize", actor=actor)
    meeting = locked(meeting)
    found = _copy_of(meeting, copy)
    handout = Handout.objects.filter(meeting=meeting, copy=found, returned_at=None).first()
    if handout is None:
        raise ValidationError(_("This copy is not out."))
    if found.state == S.REPORTED_LOST:
        raise ValidationError(
            _("This copy is reported missing: the security office records it found first.")
        )
    custody.move(
        actor=actor,
        copy=found,
        to=S.IN_CABINET,
        cabinet=meeting.secure_cabinet,
        action="copy.collected",
        meeting=meeting.pk,
    )
    handout.returned_at = clock.now()
    handout.save(update_fields=["returned_at"])
    return handout


def outstanding(meeting: Meeting) -> Any:
    """The copies handed out and not back: the meeting's chase list, with their holders."""
    return Handout.objects.filter(meeting=meeting, returned_at=None).select_related(
        "copy__document", "person"
    )


def report_missing(
    *, actor: Person, meeting: Meeting, copy: Copy, circumstances: str
) -> LossReport:
    """A copy of the meeting not returned is reported missing: a loss, reported through the
    loss register (DOC.LOSS), which tells the security office and starts its clocks. The copy
    stays on the meeting's chase list; the meeting may then close without it (MTG.RECALL)."""
    from baomi.flows.services import report_lost

    policy.require("meeting.organize", actor=actor)
    if not outstanding(meeting).filter(copy=copy).exists():
        raise ValidationError(_("This copy is not out."))
    # the loss register's own service, in its own transaction: it locks the copy and records
    # the loss and its audit event together
    return report_lost(actor=actor, copy=copy, circumstances=circumstances)


@transaction.atomic(durable=True)
def register_recording(
    *, actor: Person, meeting: Meeting, title: str, marking: str
) -> MeetingDocument:
    """A recording of the meeting, provided for by the approved plan (MTG.RECORDING), is a
    classified carrier in the ledger."""
    policy.require("meeting.organize", actor=actor)
    meeting = locked(meeting)
    policy.require("meeting.record", meeting=meeting)
    document = print_internal(
        actor=actor,
        approved_count=1,
        title=title,
        issuer=str(meeting.department),
        issued_on=clock.today(),
        copies=1,
        cabinet=meeting.secure_cabinet,
        marking=marking,
        form=Document.Form.AUDIO_VIDEO,
    )
    item = MeetingDocument.objects.create(meeting=meeting, document=document, recording=True)
    audit.record(actor, "meeting.recorded", meeting, document=document.pk)
    return item
