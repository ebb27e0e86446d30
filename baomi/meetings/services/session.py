"""During the meeting: check-in at the door (MTG.ATTENDEES), the opening, the discipline
announced (MTG.DISCIPLINE), recess and resumption (MTG.DOCS)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from baomi import audit, policy
from baomi.core import clock

from ..models import DisciplineAnnouncement, Meeting, Participant
from ..rules import recess_levels
from .common import locked, must_be, of_the_meeting
from .documents import outstanding

if TYPE_CHECKING:
    from baomi.people.models import Person


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
    meeting = locked(meeting)
    must_be(meeting, Meeting.State.APPROVED, Meeting.State.OPEN, Meeting.State.RECESS)
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
def open_meeting(*, actor: Person, meeting: Meeting) -> Meeting:
    """The meeting opens, its first session, only with the plan approved (MTG.SECURITY)."""
    policy.require("meeting.organize", actor=actor)
    meeting = locked(meeting)
    must_be(meeting, Meeting.State.PLANNED, Meeting.State.APPROVED)
    policy.require("meeting.open", meeting=meeting)
    meeting.state, meeting.session = Meeting.State.OPEN, 1
    meeting.save(update_fields=["state", "session"])
    audit.record(actor, "meeting.opened", meeting, session=1)
    return meeting


@transaction.atomic(durable=True)
def announce_discipline(
    *, actor: Person, meeting: Meeting, announced_by: Any
) -> DisciplineAnnouncement:
    """宣布保密纪律, recorded (MTG.DISCIPLINE): who announced it — the organizer, the security
    lead or someone on the list, such as the chair — when, and at which session. Documents are
    handed out only after it."""
    policy.require("meeting.organize", actor=actor)
    meeting = locked(meeting)
    must_be(meeting, Meeting.State.OPEN)
    if announced_by is None or not of_the_meeting(meeting, announced_by):
        raise ValidationError(
            {
                "announced_by": _(
                    "The discipline is announced by the organizer, the security lead or "
                    "someone on the meeting's list."
                )
            }
        )
    announcement = DisciplineAnnouncement.objects.create(
        meeting=meeting,
        announced_by=announced_by,
        recorded_by=actor,
        announced_at=clock.now(),
        session=meeting.session,
    )
    audit.record(
        actor,
        "meeting.discipline_announced",
        meeting,
        announced_by=announced_by.pk,
        session=meeting.session,
    )
    return announcement


@transaction.atomic(durable=True)
def adjourn(*, actor: Person, meeting: Meeting) -> Meeting:
    """休会: the session pauses; copies collected at every recess come back before it resumes."""
    policy.require("meeting.organize", actor=actor)
    meeting = locked(meeting)
    must_be(meeting, Meeting.State.OPEN)
    meeting.state = Meeting.State.RECESS
    meeting.save(update_fields=["state"])
    audit.record(actor, "meeting.recess", meeting, session=meeting.session)
    return meeting


@transaction.atomic(durable=True)
def resume(*, actor: Person, meeting: Meeting) -> Meeting:
    """The next session begins only with every copy of a recess level in the secure room
    (MTG.DOCS)."""
    policy.require("meeting.organize", actor=actor)
    meeting = locked(meeting)
    must_be(meeting, Meeting.State.RECESS)
    levels = recess_levels()
    still_out = [h.copy for h in outstanding(meeting).filter(copy__document__level__in=levels)]
    policy.require("meeting.resume", still_out=still_out)
    meeting.state, meeting.session = Meeting.State.OPEN, meeting.session + 1
    meeting.save(update_fields=["state", "session"])
    audit.record(actor, "meeting.resumed", meeting, session=meeting.session)
    return meeting
