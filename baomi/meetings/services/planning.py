"""Before the meeting: it is planned, its security plan written, signed off by the security
office where its level asks for it (MTG.SECURITY), approved by a leader; its participants are
listed and vetted (MTG.ATTENDEES)."""

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
from baomi.ledger.models import Cabinet

from ..models import Meeting, Participant, SecuritySignOff
from .common import locked, must_be, required_text

if TYPE_CHECKING:
    from baomi.people.models import Person


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


@transaction.atomic(durable=True)
def write_plan(
    *, actor: Person, meeting: Meeting, plan: str, recording_planned: bool = False
) -> Meeting:
    """保密方案, written by the organizer or the security lead, saying whether the meeting is
    recorded. Each writing is a new version of the plan: an earlier sign-off and approval no
    longer hold, so a change afterwards is signed off and approved again."""
    meeting = locked(meeting)
    policy.require("meeting.write_plan", actor=actor, meeting=meeting)
    must_be(meeting, Meeting.State.PLANNED, Meeting.State.APPROVED)
    meeting.plan = required_text(plan, "plan", _("Write the security plan."))
    meeting.recording_planned = bool(recording_planned)
    meeting.plan_version += 1
    meeting.state, meeting.approved_by, meeting.approved_at = Meeting.State.PLANNED, None, None
    meeting.save()
    audit.record(
        actor,
        "meeting.plan_written",
        meeting,
        plan_version=meeting.plan_version,
        recording_planned=meeting.recording_planned,
    )
    return meeting


@transaction.atomic(durable=True)
def sign_off_security(
    *,
    actor: Person,
    meeting: Meeting,
    venue_inspection: str,
    microphones: str,
    measures: str,
) -> SecuritySignOff:
    """The security office's sign-off of the plan as now written (MTG.SECURITY): a security
    officer (ACC.ROLE) cleared for the level records what was checked at the venue and its
    audio equipment, the microphones used and the measures and discipline agreed. It holds
    until the plan is written again."""
    policy.require("security.manage", actor=actor)
    meeting = locked(meeting)
    must_be(meeting, Meeting.State.PLANNED)
    if microphones not in SecuritySignOff.Microphones.values:
        raise ValidationError({"microphones": _("Say which microphones are used.")})
    measures = required_text(
        measures, "measures", _("Record the security measures and the discipline agreed.")
    )
    if meeting.current_signoff() is not None:
        raise ValidationError(_("This version of the plan is signed off already."))
    policy.require(
        "meeting.sign_off",
        actor=actor,
        meeting=meeting,
        venue_inspection=venue_inspection,
        microphones=microphones,
    )
    signoff = SecuritySignOff.objects.create(
        meeting=meeting,
        officer=actor,
        signed_at=clock.now(),
        plan_version=meeting.plan_version,
        venue_inspection=venue_inspection.strip(),
        microphones=microphones,
        measures=measures,
    )
    audit.record(
        actor,
        "meeting.security_signed_off",
        meeting,
        signoff=signoff.pk,
        plan_version=meeting.plan_version,
        microphones=microphones,
    )
    return signoff


@transaction.atomic(durable=True)
def approve_plan(*, actor: Person, meeting: Meeting) -> Meeting:
    """A leader approves the written plan; at or above the level of MTG.SECURITY only after
    the security office signed off this version of it."""
    policy.require("meeting.approve", actor=actor)
    meeting = locked(meeting)
    must_be(meeting, Meeting.State.PLANNED)
    policy.require("meeting.approve_plan", meeting=meeting)
    signoff = meeting.current_signoff()
    meeting.state, meeting.approved_by, meeting.approved_at = (
        Meeting.State.APPROVED,
        actor,
        clock.now(),
    )
    meeting.save(update_fields=["state", "approved_by", "approved_at"])
    audit.record(
        actor,
        "meeting.plan_approved",
        meeting,
        plan_version=meeting.plan_version,
        signoff=signoff.pk if signoff else None,
    )
    return meeting


@transaction.atomic(durable=True)
def add_participant(*, actor: Person, meeting: Meeting, person: Any, role: str) -> Participant:
    """出席, 列席 or 工作人员, fixed in advance and vetted: cleared for the level
    (MTG.ATTENDEES)."""
    policy.require("meeting.organize", actor=actor)
    meeting = locked(meeting)
    must_be(meeting, Meeting.State.PLANNED, Meeting.State.APPROVED)
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
