"""Rules the core enforces: marking form, period limits, clearance and need-to-know."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from baomi.policy import Fail, applies, params, rule

from .levels import Level, Tier
from .marking import Marking, MarkingError, Period

#: parameter keys naming levels in defaults.toml
LEVEL_KEYS: dict[str, Level] = {
    "top_secret": Level.TOP_SECRET,
    "secret": Level.SECRET,
    "confidential": Level.CONFIDENTIAL,
    "internal": Level.INTERNAL,
    "public": Level.PUBLIC,
}
LIMIT_CODES = frozenset({"beyond_max", "date_beyond_max"})
UNLIMITED = {level: 10_000 for level in LEVEL_KEYS.values()}


def level_map(values: Mapping[str, int]) -> dict[Level, int]:
    """A per-level parameter ({"secret": 20, …}) keyed by Level."""
    return {LEVEL_KEYS[key]: value for key, value in values.items()}


def _parse(ctx: Mapping[str, Any], max_years: Mapping[Level, int]) -> MarkingError | None:
    try:
        Marking.parse(ctx["marking"], max_years=max_years, issued=ctx.get("issued"))
    except MarkingError as exc:
        return exc
    return None


@rule("CLS.MARKING", actions=("document.mark",))
def marking_form(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    error = _parse(ctx, UNLIMITED)
    if error is not None and error.code not in LIMIT_CODES:
        return Fail(error.message, error.params)
    return None


@rule("CLS.PERIOD.MAX", actions=("document.mark",))
def period_within_maximum(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    error = _parse(ctx, level_map(p["max_years"]))
    if error is not None and error.code in LIMIT_CODES:
        return Fail(error.message, error.params)
    return None


def clearance_ceiling(tier: str) -> Level:
    """The highest level a person of `tier` may know: ACC.CLEARANCE's ceiling in force (the
    law's by default, lower where the organization set it lower). Every check of a tier against
    a level, in Python or in SQL, reads it here."""
    return _ceiling(params("ACC.CLEARANCE"), tier)


def _ceiling(p: Mapping[str, Any], tier: str) -> Level:
    return LEVEL_KEYS.get(p["ceiling"].get(tier, "internal"), Level.INTERNAL)


@rule("ACC.CLEARANCE", actions=("content.view", "copy.hold"))
def clearance_admits_level(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    tier, level = ctx["person"].tier, ctx["level"]
    ceiling = _ceiling(p, tier)
    if level <= ceiling:
        return None
    return Fail(
        lambda: (
            _("A person of tier %(tier)s may know items up to %(ceiling)s, not %(level)s.")
            % {"tier": Tier(tier).label, "ceiling": ceiling.label, "level": Level(level).label}
        ),
        {"tier": tier, "level": Level(level).zh, "ceiling": ceiling.zh},
    )


@rule("ACC.NEED_TO_KNOW", actions=("content.view", "copy.hold"), lift="scope.widen")
def inside_knowledge_scope(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    person = ctx["person"]
    if ctx["audience"].admits(person.pk, person.department_id, ctx.get("posts", ())):
        return None
    return Fail(
        lambda: (
            _("%(person)s is outside the knowledge scope; only the issuer may widen it.")
            % {"person": person}
        ),
        {"person": person.pk},
    )


def parse_marking(text: str, *, issued: Any = None) -> Marking:
    """Parse a marking under the organization's period limits (CLS.MARKING, CLS.PERIOD.MAX).

    Raises RuleViolation naming every broken rule, with the limits in force.
    """
    from baomi import policy

    policy.require("document.mark", marking=text, issued=issued)
    return Marking.parse(
        text, max_years=level_map(policy.params("CLS.PERIOD.MAX")["max_years"]), issued=issued
    )


applies("CLS.PERIOD.UNMARKED")


def period_in_force(marking: Marking) -> Period:
    """The marked period, or the default for an unmarked one (CLS.PERIOD.UNMARKED)."""
    from baomi import policy

    defaults = level_map(policy.params("CLS.PERIOD.UNMARKED")["unmarked_years"])
    return marking.effective_period(defaults)
