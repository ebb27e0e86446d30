"""Queries of the audit log shared by the auditor's page and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.db.models.lookups import GreaterThanOrEqual, LessThan
from django.utils.translation import gettext_lazy as _

from baomi.core.query import filtered

from .models import AuditEvent, BodyField

#: a person's or an object's id: the 64-bit ids the database hands out
ID_MAX = 2**63 - 1


class IdFilter(django_filters.Filter):
    """An id, matched as the text the event recorded."""

    field_class = forms.IntegerField

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=0, max_value=ID_MAX, **kwargs)

    def filter(self, qs: QuerySet[Any], value: int | None) -> QuerySet[Any]:
        return qs if value is None else qs.filter(**{self.field_name: str(value)})


class AuditEventFilter(django_filters.FilterSet):
    """action, actor_id, object_type, object_id; since and until are days (inclusive)."""

    action = django_filters.CharFilter(label=_("Action"), max_length=100)
    actor_id = IdFilter(label=_("Actor id"))
    object_type = django_filters.CharFilter(label=_("Object type"), max_length=100)
    object_id = django_filters.CharFilter(label=_("Object id"), max_length=200)
    since = django_filters.DateFilter(label=_("From"), method="from_day")
    until = django_filters.DateFilter(label=_("To"), method="to_day")

    def from_day(self, events: QuerySet[Any], name: str, day: dt.date) -> QuerySet[Any]:
        return events.filter(GreaterThanOrEqual(BodyField("at"), day.isoformat()))

    def to_day(self, events: QuerySet[Any], name: str, day: dt.date) -> QuerySet[Any]:
        # the recorded time is ISO text: every time of the day sorts before "…T99"
        return events.filter(LessThan(BodyField("at"), day.isoformat() + "T99"))


def audit_events(params: Any) -> Any:
    """The audit log filtered by action, actor, object and time, newest first; InvalidQuery
    names a parameter that does not parse."""
    return filtered(AuditEventFilter, params, AuditEvent.objects.order_by("-seq"))
