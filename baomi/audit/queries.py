"""Queries of the audit log shared by the auditor's page, its export and the API. Every filter
is pushed into SQL over the indexed search columns (action, actor, object) or the recorded
time; the log can hold hundreds of thousands of events."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.db.models.lookups import GreaterThanOrEqual, LessThan
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baomi.core.query import filtered

from .chain import iso_utc
from .labels import actions_matching, type_choices
from .models import AuditEvent, BodyField

#: a person's or an object's id: the 64-bit ids the database hands out
ID_MAX = 2**63 - 1
#: how an autocomplete suggestion names a person: "陈敏 (chenmin)"
SUGGESTED = re.compile(r"^(?P<name>.*?)\s*[(（](?P<username>[\w.@+-]+)[)）]$")


class IdFilter(django_filters.Filter):
    """An id, matched as the text the event recorded."""

    field_class = forms.IntegerField

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=0, max_value=ID_MAX, **kwargs)

    def filter(self, qs: QuerySet[Any], value: int | None) -> QuerySet[Any]:
        return qs if value is None else qs.filter(**{self.field_name: str(value)})


def _local_midnight(day: dt.date) -> str:
    """The recorded-time text of the first moment of `day` in the organization's time zone."""
    start = dt.datetime.combine(day, dt.time.min)
    return iso_utc(timezone.make_aware(start, timezone.get_default_timezone()))


class RangeForm(forms.Form):
    """A date range that ends before it starts is refused at its end, by name."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end of the range is before its start."))
        return data


class AuditEventFilter(django_filters.FilterSet):
    """action, actor_id, object_type, object_id; since and until are days (inclusive) in the
    organization's time zone."""

    action = django_filters.CharFilter(label=_("Action"), max_length=100)
    actor_id = IdFilter(label=_("Actor id"))
    object_type = django_filters.CharFilter(label=_("Object type"), max_length=100)
    object_id = django_filters.CharFilter(label=_("Object id"), max_length=200)
    since = django_filters.DateFilter(label=_("From"), method="from_day")
    until = django_filters.DateFilter(label=_("To"), method="to_day")

    class Meta:
        form = RangeForm

    def from_day(self, events: QuerySet[Any], name: str, day: dt.date) -> QuerySet[Any]:
        return events.filter(GreaterThanOrEqual(BodyField("at"), _local_midnight(day)))

    def to_day(self, events: QuerySet[Any], name: str, day: dt.date) -> QuerySet[Any]:
        return events.filter(LessThan(BodyField("at"), _local_midnight(day + dt.timedelta(1))))


def people_named(text: str) -> QuerySet[Any]:
    """The people a typed name stands for: a suggestion's user name exactly, else every person
    whose name or user name contains the text."""
    from baomi.people.models import Person

    text = text.strip()
    found = SUGGESTED.match(text)
    if found:
        return Person.objects.filter(username=found["username"])
    return Person.objects.filter(Q(full_name__icontains=text) | Q(username__iexact=text))


#: object types whose number (not id) a person may type: type -> field
NUMBERS = {
    "ledger.document": "doc_number",
    "telegrams.telegram": "number",
    "ledger.cabinet": "code",
    "people.person": "username",
}


#: the columns the auditor's page sorts by, each in the order of one of the log's indexes (a
#: person by their id, an action by its code, an object by its type and id), so a sort over
#: hundreds of thousands of events reads an index rather than sorting them; equal values keep
#: time order, and the reversed sort is the exact reverse
ORDERS: dict[str, tuple[str, ...]] = {
    "time": ("seq",),
    "person": ("actor_id", "seq"),
    "action": ("action", "seq"),
    "object": ("object_type", "object_id", "seq"),
}
#: the log's own order: newest first
NEWEST = "-time"


class LogOrder(django_filters.OrderingFilter):
    """`sort`: one of ORDERS, or its reverse with a leading minus."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(fields={name: name for name in ORDERS}, **kwargs)

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if not value:
            return qs
        name = value[0]
        # each database puts NULLs (an event of no person, or of no object) at one end going up
        # and at the other going down: the reverse stays exact, and the index serves both
        terms = ORDERS[name.lstrip("-")]
        return qs.order_by(*(f"-{t}" if name.startswith("-") else t for t in terms))


class AuditLogFilter(AuditEventFilter):
    """The auditor's page: a person by name, an action by its label in either language, an
    object by type and id or number, a range of days; sorted by time, person, action or
    object either way (newest first unless asked)."""

    person = django_filters.CharFilter(label=_("Person"), max_length=100, method="by_person")
    action = django_filters.CharFilter(label=_("Action"), max_length=100, method="by_action")
    object_type = django_filters.ChoiceFilter(label=_("Object type"), empty_label=_("any"))
    object_id = django_filters.CharFilter(
        label=_("Object id or number"), max_length=200, method="by_object"
    )
    sort = LogOrder(label=_("Order"))

    class Meta:
        form = RangeForm
        fields = ["person", "action", "object_type", "object_id", "since", "until", "sort"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the type names in the language of the request
        self.filters["object_type"].extra["choices"] = type_choices()

    def by_person(self, events: QuerySet[Any], name: str, text: str) -> QuerySet[Any]:
        ids = [str(pk) for pk in people_named(text).values_list("pk", flat=True)[:500]]
        return events.filter(actor_id__in=ids)

    def by_action(self, events: QuerySet[Any], name: str, text: str) -> QuerySet[Any]:
        return events.filter(action__in=actions_matching(text))

    def by_object(self, events: QuerySet[Any], name: str, text: str) -> QuerySet[Any]:
        text = text.strip()
        if text.isdigit():
            return events.filter(object_id=text)
        object_type = self.form.cleaned_data.get("object_type")
        field = NUMBERS.get(object_type or "")
        if not field:
            return events.none()
        from django.apps import apps

        model = apps.get_model(*object_type.split("."))
        ids = model._default_manager.filter(**{field: text}).values_list("pk", flat=True)[:100]
        return events.filter(object_id__in=[str(pk) for pk in ids])


def audit_events(params: Any) -> Any:
    """The audit log filtered by action, actor, object and time, newest first; InvalidQuery
    names a parameter that does not parse."""
    return filtered(AuditEventFilter, params, AuditEvent.objects.order_by("-seq"))


def log_filter(params: Any) -> AuditLogFilter:
    """The auditor's filter over the whole log, newest first; the caller checks `is_valid()`."""
    return AuditLogFilter(params, queryset=AuditEvent.objects.order_by("-seq"))
