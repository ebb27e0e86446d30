"""After the meeting: the venue and lodgings checked for what was left behind, the close with
every copy recalled or reported missing (MTG.RECALL), relays and news copy (MTG.RELAY)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from baomi import audit, policy
from baomi.core import clock
from baomi.core.inputs import COPIES_MAX

from ..models import Handout, Meeting, Relay, VenueCheck
from .common import locked, must_be, required_text
from .documents import outstanding

if TYPE_CHECKING:
    from baomi.people.models import Person


def _count(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= COPIES_MAX:
        raise ValidationError({field: _("Give a number from 0 to %(max)s.") % {"max": COPIES_MAX}})
    return value


@transaction.atomic(durable=True)
def check_venue(
    *,
    actor: Person,
    meeting: Meeting,
    checked_by: Any,
    places: str,
    papers_found: int = 0,
    notebooks_found: int = 0,
    findings: str = "",
) -> VenueCheck:
    """会后清场, recorded (MTG.RECALL): the named person who checked — the organizer, the
    security lead or the meeting's staff — what was checked (the venue, the lodgings), how many
    papers and notebooks were found left behind, and what became of them."""
    policy.require("meeting.organize", actor=actor)
    meeting = locked(meeting)
    must_be(meeting, Meeting.State.OPEN, Meeting.State.RECESS)
    if checked_by is None:
        raise ValidationError({"checked_by": _("Name who checked the venue.")})
    places = required_text(places, "places", _("Say what was checked: the venue, the lodgings."))
    papers, notebooks = (
        _count(papers_found, "papers_found"),
        _count(notebooks_found, "notebooks_found"),
    )
    if (papers or notebooks) and not findings.strip():
        raise ValidationError({"findings": _("Say what was found left behind and where it went.")})
    policy.require("meeting.check_venue", meeting=meeting, checked_by=checked_by)
    check = VenueCheck.objects.create(
        meeting=meeting,
        checked_by=checked_by,
        recorded_by=actor,
        checked_at=clock.now(),
        places=places,
        papers_found=papers,
        notebooks_found=notebooks,
        findings=findings.strip(),
    )
    audit.record(
        actor,
        "meeting.venue_checked",
        meeting,
        checked_by=checked_by.pk,
        places=places,
        papers_found=papers,
        notebooks_found=notebooks,
    )
    return check


@transaction.atomic(durable=True)
def close_meeting(*, actor: Person, meeting: Meeting) -> list[Handout]:
    """The meeting closes once the venue was checked after the last hand-out and every copy
    handed out is back in the secure room or reported missing (MTG.RECALL). Returns the
    copies reported missing: they stay on the chase list with their holders."""
    policy.require("meeting.organize", actor=actor)
    meeting = locked(meeting)
    must_be(meeting, Meeting.State.OPEN, Meeting.State.RECESS)
    policy.require("meeting.close", meeting=meeting)
    meeting.state, meeting.closed_at = Meeting.State.CLOSED, clock.now()
    meeting.save(update_fields=["state", "closed_at"])
    chase = list(outstanding(meeting))
    check = meeting.venue_checks.order_by("-checked_at", "-id").first()
    audit.record(
        actor,
        "meeting.closed",
        meeting,
        venue_check=check.pk if check else None,
        outstanding=[h.copy_id for h in chase],
    )
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
