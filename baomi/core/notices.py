"""Telling people things inside the application. Called by services, inside their transaction,
so a notice exists exactly when the change it reports does."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from . import clock
from .models import Notification


def notify(people: Iterable[Any], kind: str, obj: models.Model, **data: Any) -> int:
    """One notice per distinct person about `obj`; returns how many were written."""
    now = clock.now()
    ref = {"object_type": obj._meta.label_lower, "object_id": str(obj.pk)}
    distinct = {p.pk: p for p in people if p is not None}
    Notification.objects.bulk_create(
        Notification(person_id=pk, kind=kind, data=data, created_at=now, **ref) for pk in distinct
    )
    return len(distinct)
