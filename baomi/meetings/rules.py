"""Rules of classified meetings (MTG.*)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from baomi.core.levels import LEVEL_ZH, Level
from baomi.core.rules import LEVEL_KEYS, clearance_ceiling
from baomi.ledger.rules import post_performs_operation
from baomi.policy import Fail, params, rule

rule("ACC.ROLE", actions=("meeting.organize", "meeting.approve"))(post_performs_operation)


def recess_levels() -> frozenset[int]:
    """Levels whose copies are collected into the secure room at every recess (MTG.DOCS)."""
    return frozenset(LEVEL_KEYS[k] for k in params("MTG.DOCS")["collect_at_recess_levels"])


def signoff_level() -> Level:
    """The lowest level of meeting the security office signs off (MTG.SECURITY)."""
    return LEVEL_KEYS[params("MTG.SECURITY")["signoff_from_level"]]


def _level_zh(level: int) -> str:
    return LEVEL_ZH[Level(level)]


@rule("MTG.SECURITY", actions=("meeting.sign_off",))
def signed_off_by_a_cleared_officer(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    """The security officer is cleared for the meeting's level and signs off a written plan,
    stating the venue inspection where the policy asks for one and no microphones it forbids."""
    actor, meeting = ctx["actor"], ctx["meeting"]
    missing = []
    if not meeting.plan.strip():
        missing.append("plan")
    if p["venue_check"] and not ctx["venue_inspection"].strip():
        missing.append("venue_inspection")
    if not p["wireless_microphones"] and ctx["microphones"] == "wireless":
        missing.append("microphones")
    cleared = meeting.level <= clearance_ceiling(actor.tier)
    if cleared and not missing:
        return None
    return Fail(
        lambda: (
            _(
                "A security officer cleared for a %(level)s meeting signs off its written plan, "
                "stating what was checked at the venue and its audio equipment; wireless "
                "microphones are not used."
            )
            % {"level": _level_zh(meeting.level)}
        ),
        {"missing": missing, "officer": actor.pk, "tier": actor.tier, "cleared": cleared},
    )


@rule("MTG.SECURITY", actions=("meeting.approve_plan", "meeting.open"))
def plan_signed_off_and_approved(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    """A written plan; for a meeting at or above the level of the parameter, the security
    office's sign-off of this very version before a leader approves it; the approval before
    the meeting opens."""
    meeting = ctx["meeting"]
    missing = []
    if not meeting.plan.strip():
        missing.append("plan")
    needs_signoff = meeting.level >= LEVEL_KEYS[p["signoff_from_level"]]
    if needs_signoff and meeting.current_signoff() is None:
        missing.append("security_signoff")
    if ctx["action"] == "meeting.open" and meeting.approved_at is None:
        missing.append("approved")
    if not missing:
        return None
    return Fail(
        lambda: (
            _(
                "The security plan is not ready: it is written, signed off by the security "
                "office for a meeting of %(level)s or above, and approved by a leader before "
                "the meeting opens."
            )
            % {"level": _level_zh(LEVEL_KEYS[p["signoff_from_level"]])}
        ),
        {"missing": missing, "level": _level_zh(meeting.level)},
    )


@rule("MTG.DISCIPLINE", actions=("meeting.hand_out",))
def discipline_announced(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    """No meeting document is handed out before the discipline is announced and recorded."""
    meeting = ctx["meeting"]
    if meeting.announcements.exists():
        return None
    return Fail(
        lambda: _(
            "Announce the confidentiality discipline, and record it, before any document "
            "is handed out."
        ),
        {"session": meeting.session},
    )


@rule("MTG.ATTENDEES", actions=("meeting.add_participant", "meeting.check_in"))
def fixed_and_vetted(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    meeting = ctx["meeting"]
    if ctx["action"] == "meeting.check_in":
        if ctx["participant"] is not None:
            return None
        return Fail(
            lambda: (
                _("%(name)s is not on the list of this meeting: no entry.") % {"name": ctx["name"]}
            ),
            {"name": ctx["name"]},
        )
    person = ctx["person"]
    ceiling = clearance_ceiling(person.tier)
    if person.is_active and not person.admin_role and meeting.level <= ceiling:
        return None
    return Fail(
        lambda: (
            _("%(person)s is not cleared for a %(level)s meeting.")
            % {"person": person, "level": LEVEL_ZH[Level(meeting.level)]}
        ),
        {"person": person.pk, "tier": person.tier, "level": int(meeting.level)},
    )


@rule("MTG.DOCS", actions=("meeting.resume", "meeting.hand_out"))
def documents_by_name_and_collected(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    if ctx["action"] == "meeting.hand_out":
        participant = ctx["participant"]
        if participant is not None and participant.checked_in_at is not None:
            return None
        return Fail(
            lambda: _("Meeting documents are handed out by name, to participants present."),
            {"person": ctx["person"].pk},
        )
    out = ctx["still_out"]
    if not out:
        return None
    return Fail(
        lambda: (
            _("%(n)s copies that are collected at every recess are still out.") % {"n": len(out)}
        ),
        {"copies": [c.pk for c in out]},
    )


@rule("MTG.RECORDING", actions=("meeting.record",))
def recording_approved(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    meeting = ctx["meeting"]
    if not p["requires_approval"] or (meeting.recording_planned and meeting.approved_at):
        return None
    return Fail(
        lambda: _("Recording this meeting needs the approved security plan to provide for it."),
        {"planned": meeting.recording_planned},
    )


@rule("MTG.RECALL", actions=("meeting.check_venue",))
def checked_by_the_meetings_people(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    """The venue is checked by someone answerable for the meeting: its organizer, its security
    lead or one of its staff."""
    meeting, checker = ctx["meeting"], ctx["checked_by"]
    if checker.pk in (meeting.organizer_id, meeting.security_lead_id):
        return None
    if meeting.participants.filter(person=checker, role="staff").exists():
        return None
    return Fail(
        lambda: (
            _(
                "%(person)s is not the organizer, the security lead or staff of this meeting: "
                "they do not check the venue."
            )
            % {"person": checker}
        ),
        {"checked_by": checker.pk},
    )


@rule("MTG.RECALL", actions=("meeting.close",))
def venue_checked_and_copies_recalled(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    """The meeting closes after a venue check made since the last copy was handed out, with
    every copy handed out back or reported missing (a loss)."""
    from baomi.ledger.models import Copy

    meeting = ctx["meeting"]
    missing = []
    check = meeting.venue_checks.order_by("-checked_at", "-id").first()
    last_out = meeting.handouts.order_by("-handed_at").values_list("handed_at", flat=True).first()
    if check is None or (last_out is not None and check.checked_at < last_out):
        missing.append("venue_check")
    out = list(
        meeting.handouts.filter(returned_at=None)
        .exclude(copy__state__in=(Copy.State.REPORTED_LOST, Copy.State.WRITTEN_OFF))
        .values_list("copy_id", flat=True)
    )
    if not missing and not out:
        return None
    return Fail(
        lambda: (
            _(
                "Check the venue and lodgings for papers and notebooks left behind, after "
                "the last hand-out, and recall every copy: %(n)s are still out and not "
                "reported missing."
            )
            % {"n": len(out)}
        ),
        {"missing": missing, "copies": out},
    )


@rule("MTG.RELAY", actions=("meeting.relay",))
def within_the_relay_scope(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    meeting, unit = ctx["meeting"], ctx["unit"]
    if meeting.relay_scope.filter(pk=unit.pk).exists():
        return None
    return Fail(
        lambda: _("%(unit)s is outside the relay scope of this meeting.") % {"unit": unit},
        {"unit": unit.pk},
    )


@rule("MTG.SECURITY", actions=("meeting.write_plan",))
def plan_written_by_its_named_people(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    """The security plan is written by the meeting's organizer or its named security lead."""
    actor, meeting = ctx["actor"], ctx["meeting"]
    if actor.pk in (meeting.organizer_id, meeting.security_lead_id):
        return None
    return Fail(
        lambda: _("Only the organizer or the security lead writes the plan."),
        {
            "actor": actor.pk,
            "organizer": meeting.organizer_id,
            "security_lead": meeting.security_lead_id,
        },
    )
