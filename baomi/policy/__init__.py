"""The policy: which rules apply to an action, with which parameters, and whether it may go on."""

from .engine import (
    Decision,
    Fail,
    RuleViolation,
    UnknownAction,
    Violation,
    actions,
    applied,
    applies,
    applying,
    check,
    clause,
    enforced,
    params,
    require,
    rule,
    status,
)

__all__ = [
    "Decision",
    "Fail",
    "RuleViolation",
    "UnknownAction",
    "Violation",
    "actions",
    "applied",
    "applies",
    "applying",
    "check",
    "clause",
    "enforced",
    "params",
    "require",
    "rule",
    "status",
]
