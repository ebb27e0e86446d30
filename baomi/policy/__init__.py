"""The policy: which rules apply to an action, with which parameters, and whether it may go on."""

from .engine import (
    applies,
    Decision,
    Fail,
    RuleViolation,
    Violation,
    check,
    enforced,
    params,
    require,
    rule,
)

__all__ = [
    "applies",
    "Decision",
    "Fail",
    "RuleViolation",
    "Violation",
    "check",
    "enforced",
    "params",
    "require",
    "rule",
]
