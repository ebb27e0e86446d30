"""The policy: which rules apply to an action, with which parameters, and whether it may go on."""

from .engine import (
    Decision,
    Fail,
    RuleViolation,
    UnknownAction,
    Violation,
    actions,
    applies,
    applying,
    check,
    enforced,
    params,
    require,
    rule,
)

__all__ = [
    "Decision",
    "Fail",
    "RuleViolation",
    "UnknownAction",
    "Violation",
    "actions",
    "applies",
    "applying",
    "check",
    "enforced",
    "params",
    "require",
    "rule",
]
