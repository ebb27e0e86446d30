"""Deciding: `check(action, **ctx)` evaluates every rule registered for the action and returns
all violations with the approvals that would lift them; `require()` raises `RuleViolation`.

Rules are small functions registered with `@rule(RULE_ID, actions=…)` in each app's `rules.py`.
They read their parameters from a per-process snapshot (defaults.toml overlaid with the
organization's overrides), refreshed when the override generation changes, so a decision costs
a few dictionary look-ups and never a query on the hot path.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from .catalog import RuleMeta, catalog, pick

#: seconds a process trusts its parameter snapshot before asking for the generation again
SNAPSHOT_TTL = 1.0


@dataclass(frozen=True, slots=True)
class Fail:
    """What a rule function returns when the action breaks it.

    `message` may be a callable: it is then rendered only when shown, in the language active
    at that moment, which keeps denied decisions as cheap as allowed ones.
    """

    message: str | Promise | Callable[[], str]
    values: Mapping[str, Any] = field(default_factory=dict)
    # an absolute prohibition: no approval lifts it, even one that lifts the rule's other cases
    final: bool = False

    def render(self) -> str:
        return self.message() if callable(self.message) else str(self.message)


RuleFn = Callable[[Mapping[str, Any], Mapping[str, Any]], "Fail | None"]


@dataclass(frozen=True, slots=True)
class RuleDef:
    id: str
    fn: RuleFn
    actions: tuple[str, ...]
    lift: str | None  # the approval kind that lifts a violation, if one can


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule: its id, the parameters in force, the clause, and what would lift it."""

    rule_id: str
    failed: Fail
    params: Mapping[str, Any]
    lift: str | None

    @property
    def message(self) -> str:
        return self.failed.render()

    @property
    def values(self) -> Mapping[str, Any]:
        return self.failed.values

    @property
    def meta(self) -> RuleMeta:
        return catalog()[self.rule_id]

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def clause(self) -> str:
        return clause(self.rule_id)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule_id,
            "title": self.title,
            "message": self.message,
            "clause": self.clause,
            "params": dict(self.params),
            "values": {k: str(v) for k, v in self.values.items()},
            "lifted_by": self.lift,
        }


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of a check: allowed when there is no violation."""

    action: str
    violations: tuple[Violation, ...] = ()

    @property
    def allowed(self) -> bool:
        return not self.violations

    @property
    def approvals(self) -> tuple[str, ...]:
        """The approval kinds that would lift violations, in rule order, without repeats."""
        return tuple(dict.fromkeys(v.lift for v in self.violations if v.lift))

    @property
    def liftable(self) -> bool:
        """True when approvals alone would make the action allowed."""
        return bool(self.violations) and all(v.lift for v in self.violations)

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(v.rule_id for v in self.violations)


class RuleViolation(Exception):
    """Raised by `require()`; carries the whole decision so every violation can be shown."""

    def __init__(self, decision: Decision) -> None:
        self.decision = decision
        super().__init__("; ".join(f"{v.rule_id}: {v.message}" for v in decision.violations))

    @property
    def violations(self) -> tuple[Violation, ...]:
        return self.decision.violations


class UnknownAction(LookupError):
    """An action that no rule is registered for: a programming error (a misspelt key, or a
    rules module never imported), never an allowance, so the policy fails closed."""

    def __init__(self, action: str) -> None:
        self.action = action
        super().__init__(f"no rule is registered for the action {action!r}")


_RULES: dict[str, RuleDef] = {}
_ACTIONS: dict[str, tuple[RuleDef, ...]] = {}


def rule(
    rule_id: str, *, actions: Iterable[str], lift: str | None = None
) -> Callable[[RuleFn], RuleFn]:
    """Register `fn` as the check of catalog rule `rule_id` for each of `actions`."""

    def register(fn: RuleFn) -> RuleFn:
        if rule_id not in catalog():
            raise LookupError(f"{rule_id} is not in the policy catalog (defaults.toml)")
        definition = RuleDef(rule_id, fn, tuple(actions), lift)
        _RULES[rule_id] = definition
        for action in definition.actions:
            existing = [d for d in _ACTIONS.get(action, ()) if d.id != rule_id]
            _ACTIONS[action] = (*existing, definition)
        return fn

    return register


_APPLIED: set[str] = set()


def applies(rule_id: str) -> None:
    """Declare a rule whose parameters code applies directly (a default, not a check)."""
    if rule_id not in catalog():
        raise LookupError(f"{rule_id} is not in the policy catalog (defaults.toml)")
    _APPLIED.add(rule_id)


ENFORCED, APPLIED, NOT_YET = "enforced", "applied", "not_yet"
#: how the catalog names each status to people
STATUS_LABELS = {
    ENFORCED: gettext_lazy("enforced"),
    APPLIED: gettext_lazy("applied"),
    NOT_YET: gettext_lazy("not yet"),
}


def enforced() -> frozenset[str]:
    """Rule ids that some action refuses under: a check registered with `@rule`."""
    return frozenset(_RULES)


def applied() -> frozenset[str]:
    """Rule ids that act without refusing (a deadline set, a state changed, a notice sent)."""
    return frozenset(_APPLIED) - frozenset(_RULES)


def status(rule_id: str) -> str:
    """`enforced`, `applied` or `not_yet`: what the catalog says of a rule, from the code."""
    if rule_id in _RULES:
        return ENFORCED
    return APPLIED if rule_id in _APPLIED else NOT_YET


def tally() -> dict[str, int]:
    """How many catalog rules are enforced, applied and not yet built."""
    counts = {ENFORCED: 0, APPLIED: 0, NOT_YET: 0}
    for rule_id in catalog():
        counts[status(rule_id)] += 1
    return counts


def actions() -> frozenset[str]:
    """Every action key some rule is registered for."""
    return frozenset(_ACTIONS)


def lifts(action: str) -> dict[str, str]:
    """The approval kinds that lift a rule of `action`, with the rule each one lifts."""
    return {d.lift: d.id for d in _ACTIONS.get(action, ()) if d.lift}


# -- parameters ------------------------------------------------------------------------------

_snapshot: dict[str, dict[str, Any]] = {}
_snapshot_generation = -1
_snapshot_checked = 0.0


def _current_generation() -> int:
    from .models import PolicyState

    return PolicyState.objects.filter(pk=1).values_list("generation", flat=True).first() or 0


_citations: dict[str, dict[str, str]] = {}


def _load(generation: int) -> None:
    from .models import RuleCitation, RuleParameter

    global _snapshot, _snapshot_generation, _citations
    params = {rule_id: meta.defaults() for rule_id, meta in catalog().items()}
    for rule_id, name, value in RuleParameter.objects.values_list("rule_id", "name", "value"):
        if rule_id in params and name in params[rule_id]:
            params[rule_id][name] = value
    citations = {c.rule_id: c.texts() for c in RuleCitation.objects.all() if c.rule_id in params}
    _snapshot, _citations, _snapshot_generation = params, citations, generation


def snapshot() -> dict[str, dict[str, Any]]:
    """Every rule's parameters in force, refreshed at most every SNAPSHOT_TTL seconds."""
    global _snapshot_checked
    now = time.monotonic()
    if now - _snapshot_checked > SNAPSHOT_TTL or _snapshot_generation < 0:
        generation = _current_generation()
        if generation != _snapshot_generation:
            _load(generation)
        _snapshot_checked = now
    return _snapshot


def invalidate() -> None:
    """Forget the snapshot; the next decision reads the parameters again."""
    global _snapshot_generation
    _snapshot_generation = -1


#: a set that collects the ids of rules whose parameters are read or that refuse, while
#: the test suite watches what a test exercises; None (no cost beyond the test) otherwise
watching: set[tuple[str, str]] | None = None


def params(rule_id: str) -> Mapping[str, Any]:
    """The parameters in force for one rule."""
    if watching is not None:
        watching.add(("read", rule_id))
    return snapshot()[rule_id]


def clause(rule_id: str, language: str | None = None) -> str:
    """The clause a rule cites, in the active language: the organization's own citation where
    the security administrator set one, the catalog's otherwise."""
    snapshot()
    own = _citations.get(rule_id)
    return pick(own, language) if own else catalog()[rule_id].clause_in(language)


def own_citation(rule_id: str) -> dict[str, str] | None:
    """The organization's citation texts of a rule, or None where the catalog's stands."""
    snapshot()
    return _citations.get(rule_id)


def applying(rule_id: str) -> Mapping[str, Any]:
    """The parameters of an applied rule, read where the rule acts (a deadline set, a state
    changed, a notice sent); `params()` under a name that says so, for rules without any."""
    return params(rule_id)


# -- deciding --------------------------------------------------------------------------------


def check(action: str, /, **ctx: Any) -> Decision:
    """Evaluate every rule registered for `action` and return all violations.

    `ctx["approvals"]`, if given, names approval kinds already granted for this action: a
    violation that one of them lifts is not reported. An action with no registered rule raises
    `UnknownAction`: it is never allowed.
    """
    definitions = _ACTIONS.get(action)
    if not definitions:
        raise UnknownAction(action)
    current = snapshot()
    ctx["action"] = action
    granted = ctx.get("approvals", ())
    violations = []
    for d in definitions:
        p = current[d.id]
        failed = d.fn(ctx, p)
        if failed is None:
            continue
        lift = None if failed.final else d.lift
        if not (lift and lift in granted):
            violations.append(Violation(d.id, failed, p, lift))
            if watching is not None:
                watching.add(("refused", d.id))
    return Decision(action, tuple(violations))


def require(action: str, /, **ctx: Any) -> Decision:
    """`check()`, raising RuleViolation when anything is violated."""
    decision = check(action, **ctx)
    if decision.violations:
        raise RuleViolation(decision)
    return decision
