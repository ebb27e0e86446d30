"""The audit log read back: where its head stands, and the events recorded since."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from baomi.audit.models import AuditEvent, AuditHead


class Event(NamedTuple):
    """One recorded event: its action, and its body as data (actor, object, data)."""

    action: str
    body: dict[str, Any]

    @property
    def data(self) -> dict[str, Any]:
        return self.body["data"]

    @property
    def object(self) -> dict[str, str] | None:
        return self.body["object"]

    @property
    def actor_id(self) -> int | None:
        actor = self.body["actor"]
        return int(actor["id"]) if actor else None


def audit_head() -> int:
    """The position of the chain's last event (0 before any)."""
    return AuditHead.objects.values_list("seq", flat=True).get(pk=1)


def last_event(action: str | None = None) -> Event:
    """The newest event (of `action`, when given)."""
    rows = AuditEvent.objects.order_by("-seq")
    if action is not None:
        rows = rows.filter(action=action)
    row = rows.first()
    assert row is not None, f"no audit event {action or ''}".strip()
    return Event(row.action, json.loads(row.body))


def events(action: str) -> list[dict[str, Any]]:
    """The bodies of every event of one action, in chain order."""
    return [
        json.loads(body)
        for body in AuditEvent.objects.filter(action=action).values_list("body", flat=True)
    ]


def actions(prefix: str = "") -> list[str]:
    """The actions recorded (those starting with `prefix`), in chain order."""
    rows = AuditEvent.objects.order_by("seq")
    if prefix:
        rows = rows.filter(action__startswith=prefix)
    return list(rows.values_list("action", flat=True))


def events_since(seq: int) -> list[Event]:
    """The events recorded after position `seq`, in chain order."""
    return [
        Event(action, json.loads(body))
        for action, body in AuditEvent.objects.filter(seq__gt=seq)
        .order_by("seq")
        .values_list("action", "body")
    ]
