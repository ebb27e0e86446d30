"""Changing the organization's policy parameters (a security-administrator action, audited)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from baomi import audit, policy
from baomi.core import clock
from baomi.core.inputs import forbidden, refusal

from . import engine
from .catalog import ParameterMeta, catalog
from .models import PolicyState, RuleCitation, RuleParameter

if TYPE_CHECKING:
    from baomi.people.models import Person


def _same_shape(value: Any, default: Any) -> bool:
    """An override keeps the default's type: numbers stay numbers, maps keep their keys."""
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if isinstance(default, str):
        return isinstance(value, str)
    if isinstance(default, list):
        return (
            isinstance(value, list) and all(_same_shape(v, default[0]) for v in value)
            if default
            else isinstance(value, list)
        )
    if isinstance(default, dict):
        return (
            isinstance(value, dict)
            and value.keys() == default.keys()
            and all(_same_shape(value[k], default[k]) for k in default)
        )
    return False


def _parameter(rule_id: str, name: str) -> ParameterMeta:
    rule = catalog().get(rule_id)
    if rule is None:
        raise ValidationError(_("There is no rule %(rule)s.") % {"rule": rule_id}, code="rule")
    if name not in rule.params:
        raise ValidationError(
            _("Rule %(rule)s has no parameter %(name)s.") % {"rule": rule_id, "name": name},
            code="parameter",
        )
    return rule.params[name]


def _negative(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return value < 0
    if isinstance(value, dict):
        return any(_negative(v) for v in value.values())
    return False


def validate_parameter(rule_id: str, name: str, value: Any) -> None:
    """Raise ValidationError naming the rule and parameter when `value` does not fit."""
    meta = _parameter(rule_id, name)
    if not _same_shape(value, meta.default):
        raise ValidationError(
            _("%(rule)s.%(name)s must have the same form as its default %(default)s.")
            % {"rule": rule_id, "name": name, "default": meta.default},
            code="shape",
        )
    if _negative(value):
        raise ValidationError(
            _("%(rule)s.%(name)s may not be negative.") % {"rule": rule_id, "name": name},
            code="negative",
        )
    named = {"rule": rule_id, "name": name, "minimum": meta.minimum, "maximum": meta.maximum}
    numbers = list(_numbers(value))
    if meta.minimum is not None and any(n < meta.minimum for n in numbers):
        raise ValidationError(
            _("%(rule)s.%(name)s must be at least %(minimum)s.") % named, code="minimum"
        )
    if meta.maximum is not None and any(n > meta.maximum for n in numbers):
        raise ValidationError(
            _("%(rule)s.%(name)s may not exceed %(maximum)s.") % named, code="maximum"
        )


def _numbers(value: Any) -> Iterator[float]:
    """Every number a value holds: itself, or each row of a per-level table."""
    if isinstance(value, bool):
        return
    if isinstance(value, int | float):
        yield value
    elif isinstance(value, dict):
        for nested in value.values():
            yield from _numbers(nested)


def _require_security_admin(actor: Person) -> None:
    policy.require("policy.change", actor=actor)


def _bump_generation() -> None:
    PolicyState.objects.filter(pk=1).update(generation=F("generation") + 1)
    engine.invalidate()
    transaction.on_commit(engine.invalidate)


@transaction.atomic(durable=True)
def set_parameter(
    *, actor: Person, rule_id: str, name: str, value: Any, reason: str
) -> RuleParameter:
    """Set the organization's value of one rule parameter; every process sees it within the
    snapshot interval; the change, with old value, new value and reason, is audited."""
    _require_security_admin(actor)
    validate_parameter(rule_id, name, value)
    if not reason.strip():
        raise ValidationError(_("Give a reason for the change."), code="reason")
    old = engine.params(rule_id)[name]
    override, _created = RuleParameter.objects.update_or_create(
        rule_id=rule_id,
        name=name,
        defaults={"value": value, "reason": reason, "changed_by": actor, "changed_at": clock.now()},
    )
    _bump_generation()
    audit.record(
        actor,
        "rule.parameter_changed",
        ("policy.rule", rule_id),
        parameter=name,
        old=old,
        new=value,
        reason=reason,
    )
    return override


@transaction.atomic(durable=True)
def reset_parameter(*, actor: Person, rule_id: str, name: str, reason: str) -> None:
    """Return one parameter to the default of defaults.toml (audited)."""
    _require_security_admin(actor)
    meta = _parameter(rule_id, name)
    override = RuleParameter.objects.filter(rule_id=rule_id, name=name).first()
    if override is None:
        return
    old = override.value
    override.delete()
    _bump_generation()
    audit.record(
        actor,
        "rule.parameter_reset",
        ("policy.rule", rule_id),
        parameter=name,
        old=old,
        new=meta.default,
        reason=reason,
    )


#: internal references that are not a regulation: a citation names the source's title and article
_NOT_A_SOURCE = ("SPEC", "LEGAL-PARAMETERS", "seed", "种子")
CITATION_MAX = 300


def _citation_text(text: str, field: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError(
            _("%(field)s: give the clause's title and article.") % {"field": field}
        )
    if len(text) > CITATION_MAX:
        raise ValidationError(
            _("%(field)s: at most %(max)s characters.") % {"field": field, "max": CITATION_MAX}
        )
    if (char := forbidden(text)) is not None:
        raise ValidationError(refusal(field, char))
    lowered = text.casefold()
    for word in _NOT_A_SOURCE:
        if word.casefold() in lowered:
            raise ValidationError(
                _("%(field)s: cite the regulation by its title and article, not “%(word)s”.")
                % {"field": field, "word": word}
            )
    return text


@transaction.atomic(durable=True)
def set_citation(
    *, actor: Person, rule_id: str, zh_hans: str, en: str, reason: str
) -> RuleCitation:
    """Replace the clause a rule cites with the organization's own, in both languages; every
    denial and the catalog cite it from then on; the change, old and new text, is audited."""
    _require_security_admin(actor)
    if rule_id not in catalog():
        raise ValidationError(_("There is no rule %(rule)s.") % {"rule": rule_id}, code="rule")
    zh_hans = _citation_text(zh_hans, _("clause (Chinese)"))
    en = _citation_text(en, _("clause (English)"))
    if not reason.strip():
        raise ValidationError(_("Give a reason for the change."), code="reason")
    old = {"zh-hans": engine.clause(rule_id, "zh-hans"), "en": engine.clause(rule_id, "en")}
    citation, _created = RuleCitation.objects.update_or_create(
        rule_id=rule_id,
        defaults={
            "zh_hans": zh_hans,
            "en": en,
            "reason": reason.strip(),
            "changed_by": actor,
            "changed_at": clock.now(),
        },
    )
    _bump_generation()
    audit.record(
        actor,
        "rule.citation_changed",
        ("policy.rule", rule_id),
        old=old,
        new=citation.texts(),
        reason=reason.strip(),
    )
    return citation


@transaction.atomic(durable=True)
def reset_citation(*, actor: Person, rule_id: str, reason: str) -> None:
    """Return a rule to the catalog's citation (audited); nothing happens where none was set."""
    _require_security_admin(actor)
    citation = RuleCitation.objects.filter(rule_id=rule_id).first()
    if citation is None:
        return
    if not reason.strip():
        raise ValidationError(_("Give a reason for the change."), code="reason")
    old = citation.texts()
    citation.delete()
    _bump_generation()
    meta = catalog()[rule_id]
    audit.record(
        actor,
        "rule.citation_reset",
        ("policy.rule", rule_id),
        old=old,
        new={"zh-hans": meta.clause_in("zh-hans"), "en": meta.clause_in("en")},
        reason=reason.strip(),
    )
