"""The telegrams received and sent, and the absences from post, as list pages: the telegram
register as far as the person may know of it, sorted, filtered by urgency, level, state and dates,
and exported as shown; the absences (缺岗) by person on duty and day."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from baomi.core import clock
from baomi.core.levels import Level, Urgency
from baomi.people.models import Person
from baomi.web.lists import (
    DayColumn,
    ListFilter,
    ListPage,
    ListTable,
    WhenColumn,
    choice,
    date_range,
)

from .models import DutyAbsence, Telegram
from .services import visible_telegrams

INCOMING = Q(direction=Telegram.Direction.INCOMING)
#: the states a telegram is found by, each a condition at the moment of asking
STATES = [
    ("unacknowledged", _("receipt not yet acknowledged")),
    ("open", _("received, not completed")),
    ("overdue", _("overdue")),
    ("completed", _("completed")),
    ("sent", _("sent")),
]


def _state_condition(state: str) -> Q:
    now = clock.now()
    open_ = INCOMING & Q(done_at__isnull=True)
    return {
        "unacknowledged": open_ & Q(acked_at__isnull=True),
        "open": open_,
        "overdue": open_ & (Q(due_at__lt=now) | Q(acked_at__isnull=True, ack_due_at__lt=now)),
        "completed": Q(done_at__isnull=False),
        "sent": Q(direction=Telegram.Direction.OUTGOING),
    }[state]


class TelegramFilter(ListFilter):
    urgency = choice(_("Urgency"), Urgency.choices)
    level = choice(_("Level"), Level.choices)
    state = django_filters.ChoiceFilter(label=_("State"), choices=STATES, method="in_state")
    traffic = django_filters.ChoiceFilter(label=_("Traffic"), choices=Telegram.Traffic.choices)
    registered = date_range(_("Received or sent between"), "registered_at")
    due = date_range(_("To be completed between"), "due_at")

    def in_state(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(_state_condition(value))


def state_of(telegram: Telegram) -> str:
    """The telegram's state in words, as the state filter names it."""
    labels = dict(STATES)
    if telegram.direction == Telegram.Direction.OUTGOING:
        return str(labels["sent"])
    if telegram.done_at is not None:
        return str(labels["completed"])
    now = clock.now()
    late = (telegram.due_at is not None and telegram.due_at < now) or (
        telegram.acked_at is None and telegram.ack_due_at is not None and telegram.ack_due_at < now
    )
    if late:
        return str(labels["overdue"])
    return str(labels["unacknowledged" if telegram.acked_at is None else "open"])


class TelegramTable(ListTable):
    number = tables.Column(verbose_name=_("Telegram number"))
    direction = tables.Column(verbose_name=_("Received or sent"))
    urgency = tables.Column(verbose_name=_("Urgency"))
    level = tables.Column(verbose_name=_("Level"))
    traffic = tables.Column(verbose_name=_("Traffic"))
    correspondent = tables.Column(verbose_name=_("Sender or recipient"))
    subject = tables.Column(
        verbose_name=pgettext_lazy("telegram", "Subject"), orderable=False, empty_values=()
    )
    registered_at = WhenColumn(verbose_name=_("Received or sent at"))
    due_at = WhenColumn(verbose_name=_("Complete by"))
    state = tables.Column(verbose_name=_("State"), orderable=False, empty_values=())

    def _subject(self, record: Telegram) -> str:
        document = record.document or (record.in_reply_to.document if record.in_reply_to else None)
        return record.subject or (document.title if document is not None else "")

    def render_subject(self, record: Telegram) -> str:
        document = record.document
        if document is None:
            return self._subject(record)
        url = reverse("ledger:document", args=[document.pk])
        return format_html('<a href="{}">{}</a>', url, self._subject(record))

    def value_subject(self, record: Telegram) -> str:
        return self._subject(record)

    def render_state(self, record: Telegram) -> str:
        return state_of(record)

    def value_state(self, record: Telegram) -> str:
        return state_of(record)


def _rows(person: Any) -> QuerySet[Any]:
    return (
        visible_telegrams(person)
        .select_related("document", "in_reply_to__document")
        .order_by("-registered_at", "-pk")
    )


TELEGRAMS = ListPage(
    name="telegrams:telegrams",
    title=_("Telegrams received and sent"),
    table=TelegramTable,
    rows=_rows,
    filters=TelegramFilter,
    empty=_("No telegram yet."),
    template="telegrams/telegrams.html",
)


class AbsenceFilter(ListFilter):
    person = django_filters.ModelChoiceFilter(
        label=_("Person on duty"), queryset=Person.objects.order_by("username")
    )
    day = date_range(_("Duty day between"), "day")


class AbsenceTable(ListTable):
    day = DayColumn(verbose_name=_("Duty day"))
    person = tables.Column(verbose_name=_("Person on duty"), order_by=("person__username",))
    telegram = tables.Column(verbose_name=_("Telegram"), order_by=("telegram__number",))
    ack_due_at = WhenColumn(verbose_name=_("Acknowledge by"))
    acked_at = WhenColumn(verbose_name=_("Acknowledged at"))
    late = tables.Column(verbose_name=_("Minutes late"), orderable=False, empty_values=())

    def render_late(self, record: DutyAbsence) -> str:
        return str(int((record.acked_at - record.ack_due_at).total_seconds() // 60))

    def value_late(self, record: DutyAbsence) -> str:
        return self.render_late(record)


def _absences(person: Any) -> QuerySet[Any]:
    return (
        DutyAbsence.objects.visible_to(person)
        .select_related("person", "telegram")
        .order_by("-ack_due_at", "-pk")
    )


ABSENCES = ListPage(
    name="telegrams:absences",
    title=_("Absences from post (缺岗)"),
    table=AbsenceTable,
    rows=_absences,
    filters=AbsenceFilter,
    empty=_("None."),
    template="telegrams/absences.html",
)
