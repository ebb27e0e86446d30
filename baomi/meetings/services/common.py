"""Shared steps of the meeting services: the meeting locked for an action, its state checked."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..models import Meeting


def locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def must_be(meeting: Meeting, *states: str) -> None:
    if meeting.state not in states:
        raise ValidationError(
            _("The meeting is %(state)s.") % {"state": Meeting.State(meeting.state).label}
        )


def of_the_meeting(meeting: Meeting, person: Any) -> bool:
    """The organizer, the security lead or someone on the meeting's list."""
    if person.pk in (meeting.organizer_id, meeting.security_lead_id):
        return True
    return meeting.participants.filter(person=person).exists()


def required_text(value: str, field: str, message: str) -> str:
    if not value.strip():
        raise ValidationError({field: message})
    return value.strip()
