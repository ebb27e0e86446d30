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


def missing_checks(meeting: Any, p: Mapping[str, Any]) -> list[str]:
    """The security plan's checks not yet ticked, as the policy asks for them."""
    missing = []
    if p["venue_check"] and not meeting.venue_checked:
        missing.append("venue_checked")
    if not p["wireless_microphones"] and not meeting.no_wireless_microphones:
        missing.append("no_wireless_microphones")
    if not meeting.venue_not_shared:
        missing.append("venue_not_shared")
    if not meeting.discipline_prepared:
        missing.append("discipline_prepared")
    return missing


@rule("MTG.SECURITY", actions=("meeting.approve_plan", "meeting.open"))
def plan_checked_and_approved(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    meeting = ctx["meeting"]
    missing = missing_checks(meeting, p)
    if not meeting.plan.strip():
        missing.insert(0, "plan")
    if ctx["action"] == "meeting.open" and meeting.approved_at is None:
        missing.append("approved")
    if not missing:
        return None
    return Fail(
        lambda: _(
            "The security plan is not complete: write it, check the venue and its audio "
            "equipment, use no wireless microphones, keep the venue apart from foreign guests, "
            "prepare the discipline, and have it approved before the meeting opens."
        ),
        {"missing": missing},
    )


@rule("MTG.DISCIPLINE", actions=("meeting.open",))
def discipline_announced(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    if ctx["discipline_announced"]:
        return None
    return Fail(lambda: _("Announce the confidentiality discipline as the meeting opens."), {})


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


@rule("MTG.RECALL", actions=("meeting.close",))
def venue_checked_after(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    if ctx["left_behind_checked"]:
        return None
    return Fail(
        lambda: _("Check the venue and lodgings for papers and notebooks left behind first."), {}
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
