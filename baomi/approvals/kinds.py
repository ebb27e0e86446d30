"""The registry of approval kinds: what can be asked for, who decides it, which rule needs it.

A module whose action a rule refuses unless approved registers the kind here (the kind is the
`lift` named in `@rule(..., lift="kind")`), then asks for it with `services.request_approval` and
uses it up with `services.consume` inside the action's own transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from baomi.policy.catalog import catalog

#: how the approver is found when the request is made
DEPARTMENT_LEADER = "department_leader"  # the leader of the requester's department
ISSUING_UNIT_LEADER = "issuing_unit_leader"  # the leader of the unit the requesting service names
SECURITY_OFFICER = "security_officer"  # a security officer, in any unit
APPROVERS = (DEPARTMENT_LEADER, ISSUING_UNIT_LEADER, SECURITY_OFFICER)


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of approval."""

    name: str
    title: str | Promise
    approver: str
    rule_id: str
    valid_days: int

    def __str__(self) -> str:
        return str(self.title)


_KINDS: dict[str, Kind] = {}


def register(
    kind: str, *, title: str | Promise, approver: str, rule_id: str, valid_days: int = 7
) -> Kind:
    """Register (or re-register) an approval kind.

    `approver` is one of APPROVERS; `rule_id` names the catalog rule that requires the approval;
    a request not decided and used within `valid_days` of being made expires.
    """
    if approver not in APPROVERS:
        raise ValueError(f"approver of {kind!r} must be one of {', '.join(APPROVERS)}")
    if rule_id not in catalog():
        raise LookupError(f"{rule_id} is not in the policy catalog (defaults.toml)")
    if valid_days < 1:
        raise ValueError(f"an approval of kind {kind!r} must be valid for at least one day")
    definition = Kind(kind, title, approver, rule_id, valid_days)
    _KINDS[kind] = definition
    return definition


def get(kind: str) -> Kind:
    """The registered kind; LookupError when no module registered it."""
    try:
        return _KINDS[kind]
    except KeyError:
        raise LookupError(f"no approval kind {kind!r} is registered") from None


def registered() -> tuple[Kind, ...]:
    """Every registered kind, in registration order."""
    return tuple(_KINDS.values())


#: how each kind describes its subject for people to read (see `subjects`)
_DESCRIBERS: dict[str, Callable[..., Any]] = {}


def describer(kind: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the function that describes the subject of a kind's requests: called with the
    request and a `subjects.Lookup`, it returns a `subjects.Subject`. Registered beside the
    kind, by name, so a module may describe a kind another module registers."""

    def register_describer(fn: Callable[..., Any]) -> Callable[..., Any]:
        _DESCRIBERS[kind] = fn
        return fn

    return register_describer


def describer_of(kind: str) -> Callable[..., Any] | None:
    """The kind's describer, or None when none is registered."""
    return _DESCRIBERS.get(kind)


def title(kind: str) -> str:
    """The kind's translated title, or its code when it is not registered in this process."""
    definition = _KINDS.get(kind)
    return str(definition.title) if definition else kind


register(
    "scope.widen",
    title=_("Widen a knowledge scope"),
    approver=ISSUING_UNIT_LEADER,
    rule_id="ACC.NEED_TO_KNOW",
    valid_days=30,
)
register(
    "copy.carry_out",
    title=_("Take a copy out of the office"),
    approver=DEPARTMENT_LEADER,
    rule_id="DOC.CARRY_OUT",
    valid_days=7,
)
# 印制: the leader approves the distribution (发送范围) of one print run, its count and
# recipients, before the copies exist; the payload holds both
register(
    "document.print",
    title=_("Approve a print run's distribution"),
    approver=DEPARTMENT_LEADER,
    rule_id="DOC.PRINT.SCOPE",
    valid_days=14,
)
register(
    "copy.reproduce",
    title=_("Duplicate or extract a copy"),
    approver=DEPARTMENT_LEADER,
    rule_id="DOC.REPRO.APPROVAL",
    valid_days=7,
)
# 借阅 is approved by the office head (办公室主任): the leader of the office that registered
# and keeps the document, which the requesting service names as the unit
register(
    "copy.loan",
    title=_("Borrow a classified document"),
    approver=ISSUING_UNIT_LEADER,
    rule_id="DOC.LOAN.APPROVAL",
    valid_days=14,
)
register(
    "document.change",
    title=_("Change a classification (declassify early, extend, upgrade, downgrade)"),
    approver=ISSUING_UNIT_LEADER,
    rule_id="CLS.REVIEW",
    valid_days=30,
)
