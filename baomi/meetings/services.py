"""Services of classified meetings: one function per action, each checking the rules, changing
state and recording its audit event in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from baomi import audit, policy
from baomi.core import clock
from baomi.core.levels import Level
from baomi.ledger import custody
from baomi.ledger.models import Cabinet, Copy, Document
from baomi.ledger.services import print_internal
from baomi.ledger.services.access import may_hold

from .models import Handout, Meeting, MeetingDocument, Participant, Relay
from .rules import recess_levels

if TYPE_CHECKING:
    from baomi.people.models import Person

S = Copy.State


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def _must_be(meeting: Meeting, *states: str) -> None:
    if meeting.state not in states:
        raise ValidationError(
            _("The meeting is %(state)s.") % {"state": Meeting.State(meeting.state).label}
        )


@transaction.atomic(durable=True)
def plan_meeting(
    *,
    actor: Person,
    title: str,
    level: int,
    venue: str,
    starts_at: dt.datetime,
    security_lead: Any,
    secure_cabinet: Cabinet,
    relay_scope: Iterable[Any] = (),
) -> Meeting:
    """A classified meeting is planned: level, venue, time, its security lead and secure room."""
    policy.require("meeting.organize", actor=actor)
    if not title.strip() or not venue.strip():
        raise ValidationError({"title": _("Give the meeting's title and venue.")})
    if not Level(level).is_classified:
        raise ValidationError({"level": _("Only classified meetings are run here.")})
    if security_lead is None:
        raise ValidationError({"security_lead": _("Name the meeting's security lead.")})
    meeting = Meeting.objects.create(
        title=title.strip(),
        level=level,
        venue=venue.strip(),
        starts_at=starts_at,
        organizer=actor,
        security_lead=security_lead,
        department=actor.own_department(),
        secure_cabinet=secure_cabinet,
    )
    meeting.relay_scope.set(relay_scope)
    audit.record(actor, "meeting.planned", meeting, level=level, security_lead=security_lead.pk)
    return meeting


PLAN_CHECKS = (
    "venue_checked",
    "no_wireless_microphones",
    "venue_not_shared",
    "discipline_prepared",
    "recording_planned",
)


@transaction.atomic(durable=True)
def write_plan(*, actor: Person, meeting: Meeting, plan: str, **checks: bool) -> Meeting:
    """保密方案: the plan and its checks, as the organizer or the security lead ticks them;
    a change after approval needs approval again."""
    meeting = _locked(meeting)
    policy.require("meeting.write_plan", actor=actor, meeting=meeting)
    _must_be(meeting, Meeting.State.PLANNED, Meeting.State.APPROVED)
    unknown = set(checks) - set(PLAN_CHECKS)
    if unknown:
        raise ValidationError(
            _("Unknown check: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    meeting.plan = plan.strip()
    for name, ticked in checks.items():
        setattr(meeting, name, bool(ticked))
    meeting.state, meeting.approved_by, meeting.approved_at = Meeting.State.PLANNED, None, None
    meeting.save()
    audit.record(actor, "meeting.plan_written", meeting, **{n: bool(v) for n, v in checks.items()})
    return meeting


@transaction.atomic(durable=True)
def approve_plan(*, actor: Person, meeting: Meeting) -> Meeting:
    """A leader approves the security plan once every check is ticked (MTG.SECURITY)."""
    policy.require("meeting.approve", actor=actor)
    meeting = _locked(meeting)
    _must_be(meeting, Meeting.State.PLANNED)
    policy.require("meeting.approve_plan", meeting=meeting)
    meeting.state, meeting.approved_by, meeting.approved_at = (
        Meeting.State.APPROVED,
        actor,
        clock.now(),
    )
    meeting.save(update_fields=["state", "approved_by", "approved_at"])
    audit.record(actor, "meeting.plan_approved", meeting)
    return meeting


@transaction.atomic(durable=True)
def add_participant(*, actor: Person, meeting: Meeting, person: Any, role: str) -> Participant:
    """出席, 列席 or 工作人员, fixed in advance and vetted: cleared for the level
    (MTG.ATTENDEES)."""
    policy.require("meeting.organize", actor=actor)
    meeting = _locked(meeting)
    _must_be(meeting, Meeting.State.PLANNED, Meeting.State.APPROVED)
    if role not in Participant.Role.values:
        raise ValidationError({"role": _("Choose attendee, non-voting attendee or staff.")})
    if meeting.participants.filter(person=person).exists():
        raise ValidationError(
            {"person": _("%(person)s is on the list already.") % {"person": person}}
        )
    policy.require("meeting.add_participant", meeting=meeting, person=person)
    participant = Participant.objects.create(meeting=meeting, person=person, role=role)
    audit.record(actor, "meeting.participant_added", meeting, person=person.pk, role=role)
    return participant


def check_in(*, actor: Person, meeting: Meeting, person: Any, name: str = "") -> Participant:
    """At the door: a person on the list is checked in; anyone else is refused and the refusal
    is on record (MTG.ATTENDEES)."""
    try:
        return _check_in(actor=actor, meeting=meeting, person=person, name=name)
    except policy.RuleViolation as exc:
        if "MTG.ATTENDEES" in (v.rule_id for v in exc.violations):
            _walk_in_refused(actor=actor, meeting=meeting, person=person, name=name)
        raise


@transaction.atomic(durable=True)
def _check_in(*, actor: Person, meeting: Meeting, person: Any, name: str) -> Participant:
    policy.require("meeting.organize", actor=actor)
    meeting = _locked(meeting)
    _must_be(meeting, Meeting.State.APPROVED, Meeting.State.OPEN, Meeting.State.RECESS)
    participant = meeting.participants.filter(person=person).first() if person else None
    policy.require(
        "meeting.check_in", meeting=meeting, participant=participant, name=str(person or name)
    )
    assert participant is not None
    if participant.checked_in_at is None:
        participant.checked_in_at = clock.now()
        participant.save(update_fields=["checked_in_at"])
        audit.record(actor, "meeting.checked_in", meeting, person=person.pk)
    return participant


@transaction.atomic(durable=True)
def _walk_in_refused(*, actor: Person, meeting: Meeting, person: Any, name: str) -> None:
    audit.record(
        actor,
        "meeting.walk_in_refused",
        meeting,
        person=person.pk if person else None,
        name=name or str(person),
    )


@transaction.atomic(durable=True)
def open_meeting(*, actor: Person, meeting: Meeting, discipline_announced: bool) -> Meeting:
    """The meeting opens: plan approved and checks ticked (MTG.SECURITY), discipline announced
    and recorded (MTG.DISCIPLINE)."""
    policy.require("meeting.organize", actor=actor)
    meeting = _locked(meeting)
    _must_be(meeting, Meeting.State.PLANNED, Meeting.State.APPROVED)
    policy.require("meeting.open", meeting=meeting, discipline_announced=discipline_announced)
    meeting.state, meeting.discipline_announced_at = Meeting.State.OPEN, clock.now()
    meeting.save(update_fields=["state", "discipline_announced_at"])
    audit.record(actor, "meeting.opened", meeting, discipline_announced=True)
    return meeting


@transaction.atomic(durable=True)
def register_meeting_document(
    *, actor: Person, meeting: Meeting, title: str, marking: str, copies: int | None = None
) -> MeetingDocument:
    """A meeting document enters the ledger: marked, numbered, one copy per participant unless
    said otherwise, the participants and the security lead in the knowledge scope, in the
    meeting's secure room (MTG.DOCS)."""
    policy.require("meeting.organize", actor=actor)
    meeting = _locked(meeting)
    _must_be(meeting, Meeting.State.PLANNED, Meeting.State.APPROVED, Meeting.State.OPEN)
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
    locked = Copy.objects.select_for_update().select_related("document").get(pk=copy.pk)
    if not MeetingDocument.objects.filter(meeting=meeting, document=locked.document_id).exists():
        raise ValidationError(_("This copy is not a document of this meeting."))
    return locked


@transaction.atomic(durable=True)
def hand_out(*, actor: Person, meeting: Meeting, copy: Copy, person: Any) -> Handout:
    """A copy in the secure room handed to a participant present, by name, who may hold it
    (cleared, in the scope: a participant added after the document was registered is not);
    the participant holds it."""
    policy.require("meeting.organize", actor=actor)
    meeting = _locked(meeting)
    _must_be(meeting, Meeting.State.OPEN)
    participant = meeting.participants.filter(person=person).first()
    policy.require("meeting.hand_out", participant=participant, person=person)
    locked = _copy_of(meeting, copy)
    if locked.state != S.IN_CABINET:
        raise ValidationError(
            _("Copy %(copy)s is %(state)s.")
            % {"copy": locked.label, "state": locked.get_state_display()}
        )
    may_hold(person, locked.document)
    custody.move(
        actor=actor,
        copy=locked,
        to=S.ON_LOAN,
        holder=person,
        action="copy.handed_out",
        meeting=meeting.pk,
    )
    handout = Handout.objects.create(
        meeting=meeting, copy=locked, person=person, handed_at=clock.now()
    )
    return handout


@transaction.atomic(durable=True)
def collect(*, actor: Person, meeting: Meeting, copy: Copy) -> Handout:
    """A copy back into the meeting's secure room (at a recess, or at the close)."""
    policy.require("meeting.organize", actor=actor)
    meeting = _locked(meeting)
    locked = _copy_of(meeting, copy)
    handout = Handout.objects.filter(meeting=meeting, copy=locked, returned_at=None).first()
    if handout is None:
        raise ValidationError(_("This copy is not out."))
    custody.move(
        actor=actor,
        copy=locked,
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


@transaction.atomic(durable=True)
def adjourn(*, actor: Person, meeting: Meeting) -> Meeting:
    """休会: the session pauses; copies collected at every recess come back before it resumes."""
    policy.require("meeting.organize", actor=actor)
    meeting = _locked(meeting)
    _must_be(meeting, Meeting.State.OPEN)
    meeting.state = Meeting.State.RECESS
    meeting.save(update_fields=["state"])
    audit.record(actor, "meeting.recess", meeting)
    return meeting


@transaction.atomic(durable=True)
def resume(*, actor: Person, meeting: Meeting) -> Meeting:
    """The session resumes only with every copy of a recess level in the secure room
    (MTG.DOCS)."""
    policy.require("meeting.organize", actor=actor)
    meeting = _locked(meeting)
    _must_be(meeting, Meeting.State.RECESS)
    levels = recess_levels()
    still_out = [h.copy for h in outstanding(meeting).filter(copy__document__level__in=levels)]
    policy.require("meeting.resume", still_out=still_out)
    meeting.state = Meeting.State.OPEN
    meeting.save(update_fields=["state"])
    audit.record(actor, "meeting.resumed", meeting)
    return meeting


@transaction.atomic(durable=True)
def register_recording(
    *, actor: Person, meeting: Meeting, title: str, marking: str
) -> MeetingDocument:
    """A recording of the meeting, provided for by the approved plan (MTG.RECORDING), is a
    classified carrier in the ledger."""
    policy.require("meeting.organize", actor=actor)
    meeting = _locked(meeting)
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


@transaction.atomic(durable=True)
def close_meeting(*, actor: Person, meeting: Meeting, left_behind_checked: bool) -> list[Handout]:
    """The meeting closes once the venue and lodgings were checked for papers and notebooks
    (MTG.RECALL); copies not yet recalled stay on the chase list with their holders. Returns
    that list."""
    policy.require("meeting.organize", actor=actor)
    meeting = _locked(meeting)
    _must_be(meeting, Meeting.State.OPEN, Meeting.State.RECESS)
    policy.require("meeting.close", left_behind_checked=left_behind_checked)
    now = clock.now()
    meeting.state, meeting.closed_at, meeting.left_behind_checked_at = (
        Meeting.State.CLOSED,
        now,
        now,
    )
    meeting.save(update_fields=["state", "closed_at", "left_behind_checked_at"])
    chase = list(outstanding(meeting))
    audit.record(actor, "meeting.closed", meeting, outstanding=[h.copy_id for h in chase])
    return chase


@transaction.atomic(durable=True)
def relay(*, actor: Person, meeting: Meeting, unit: Any) -> Relay:
    """传达: only within the meeting's relay scope (MTG.RELAY)."""
    policy.require("meeting.relay", meeting=meeting, unit=unit)
    done = Relay.objects.create(
        meeting=meeting, unit=unit, relayed_by=actor, relayed_at=clock.now()
    )
    audit.record(actor, "meeting.relayed", meeting, unit=unit.pk)
    return done


def submit_news_copy(*, actor: Person, meeting: Meeting, title: str, text: str) -> Any:
    """News copy written at the meeting goes to the pre-publication review (MTG.RELAY)."""
    from baomi.review.services import submit_manuscript

    return submit_manuscript(
        actor=actor,
        title=title,
        kind="text",
        outlet=_("Meeting: %(m)s") % {"m": meeting},
        text=text,
    )
