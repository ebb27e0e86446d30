"""The meetings as a list page."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _
from django_tables2 import A

from baomi.core.levels import Level
from baomi.core.models import OrgUnit
from baomi.web.lists import ListFilter, ListPage, ListTable, WhenColumn, choice, date_range

from .models import Meeting


class MeetingFilter(ListFilter):
    level = choice(_("Level"), Level.choices)
    state = django_filters.ChoiceFilter(label=_("State"), choices=Meeting.State.choices)
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=OrgUnit.objects.order_by("name")
    )
    starts = date_range(_("Starts between"), "starts_at")


class MeetingTable(ListTable):
    title = tables.Column(verbose_name=_("Title"), linkify=("meetings:meeting", [A("pk")]))
    level = tables.Column(verbose_name=_("Level"))
    venue = tables.Column(verbose_name=_("Venue"))
    starts_at = WhenColumn(verbose_name=_("Starts at"))
    department = tables.Column(verbose_name=_("Department"), order_by=("department__name",))
    state = tables.Column(verbose_name=_("State"))


def _rows(person: Any) -> Any:
    return (
        Meeting.objects.visible_to(person)
        .select_related("department")
        .order_by("-starts_at", "-pk")
    )


MEETINGS = ListPage(
    name="meetings:meetings",
    title=_("Classified meetings"),
    table=MeetingTable,
    rows=_rows,
    filters=MeetingFilter,
    empty=_("No meeting yet."),
    template="meetings/meetings.html",
)
