"""What the tests share: clients signed in as someone, the audit log read back, the rule ids of
a denial, and (in `factories`) the data of every app, built through its services."""

from __future__ import annotations

from typing import Any

from .audit import Event, actions, audit_head, events, events_since, last_event, recorded
from .clients import api, browser, sign_in
from .documents import pdf_text, xlsx_text

__all__ = [
    "Event",
    "actions",
    "api",
    "audit_head",
    "browser",
    "events",
    "events_since",
    "last_event",
    "pdf_text",
    "recorded",
    "rule_ids",
    "sign_in",
    "xlsx_text",
]


def rule_ids(raised: Any) -> list[str]:
    """The rule ids a `pytest.raises(RuleViolation)` caught, in the decision's order."""
    return [v.rule_id for v in raised.value.violations]
