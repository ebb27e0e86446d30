"""Rules the core enforces: marking form, period limits, clearance and need-to-know."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from baomi.policy import Fail, rule

from .levels import Level, Tier
from .marking import Marking, MarkingError

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


@rule("ACC.CLEARANCE", actions=("content.view", "copy.hold"))
def clearance_admits_level(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    person, level = ctx["person"], ctx["level"]
    tier = Tier(person.tier)
    ceiling = LEVEL_KEYS[p["ceiling"][tier.value]] if tier != Tier.NONE else Level.INTERNAL
    if level > ceiling:
        return Fail(
            _("A person of tier %(tier)s may know items up to %(ceiling)s, not %(level)s.")
            % {"tier": tier.label, "ceiling": ceiling.label, "level": Level(level).label},
            {"tier": tier.value, "level": Level(level).zh, "ceiling": ceiling.zh},
        )
    return None


@rule("ACC.NEED_TO_KNOW", actions=("content.view", "copy.hold"), lift="scope.widen")
def inside_knowledge_scope(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    person = ctx["person"]
    if ctx["audience"].admits(person.pk, person.department_id, ctx.get("posts", ())):
        return None
    return Fail(
        _("%(person)s is outside the knowledge scope; only the issuer may widen it.")
        % {"person": person},
        {"person": person.pk},
    )
