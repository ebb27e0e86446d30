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


def recorded(action: str, obj: Any = None, /, *, actor: Any = None, **data: Any) -> Event:
    """The newest event of `action`, checked: by `actor` (None: by no one), about `obj` (a model
    instance or a (type, id) pair), and holding each of `data` as recorded. Returned, for what
    else a test asserts of it."""
    from baomi.audit.chain import object_ref

    event = last_event(action)
    assert event.actor_id == (actor.pk if actor is not None else None), (
        f"{action}: recorded as done by {event.body['actor']}, not {actor}"
    )
    if obj is not None:
        assert event.object == object_ref(obj), f"{action}: about {event.object}, not {obj!r}"
    for key, value in data.items():
        assert key in event.data, f"{action}: no {key} in {event.data}"
        # compared as JSON, so that 1 is not taken for true
        assert _json(event.data[key]) == _json(value), (
            f"{action}: {key} is {event.data[key]!r}, not {value!r}"
        )
    return event


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


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
