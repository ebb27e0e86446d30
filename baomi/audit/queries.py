"""Queries of the audit log shared by the auditor's page and the API."""

from __future__ import annotations

from typing import Any

from .models import AuditEvent, BodyField

AUDIT_FILTERS = ("action", "actor_id", "object_type", "object_id")


def audit_events(params: Any) -> Any:
    """The audit log filtered by action, actor, object and time, newest first."""
    events = AuditEvent.objects.order_by("-seq")
    for field in AUDIT_FILTERS:
        if params.get(field):
            events = events.filter(**{field: params[field]})
    if params.get("since") or params.get("until"):
        events = events.annotate(when=BodyField("at"))
        if params.get("since"):
            events = events.filter(when__gte=params["since"])
        if params.get("until"):
            events = events.filter(when__lt=params["until"] + "T99")
    return events
