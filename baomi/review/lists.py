"""The manuscripts as a list page."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from baomi.core.models import OrgUnit
from baomi.web.lists import ListFilter, ListPage, ListTable, WhenColumn, date_range

from . import services
from .models import Manuscript


class ManuscriptFilter(ListFilter):
    state = django_filters.ChoiceFilter(label=_("State"), choices=Manuscript.State.choices)
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=OrgUnit.objects.order_by("name")
    )
    submitted = date_range(_("Submitted between"), "submitted_at")


class ManuscriptTable(ListTable):
    title = tables.Column(verbose_name=_("Title"))
    department = tables.Column(verbose_name=_("Department"), order_by=("department__name",))
    submitted_by = tables.Column(
        verbose_name=_("Submitted by"), order_by=("submitted_by__full_name",)
    )
    submitted_at = WhenColumn(verbose_name=_("Submitted at"))
    state = tables.Column(verbose_name=_("State"))

    def render_title(self, record: Manuscript) -> str:
        url = reverse("review:manuscript", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, record.title)

    def value_title(self, record: Manuscript) -> str:
        return record.title


def _rows(person: Any) -> Any:
    reviewer = services.may_review(person)
    return (
        services.visible_manuscripts(person, reviewer=reviewer)
        .select_related("department", "submitted_by")
        .defer("text")
    )


MANUSCRIPTS = ListPage(
    name="review:manuscripts",
    title=_("Pre-publication review"),
    table=ManuscriptTable,
    rows=_rows,
    filters=ManuscriptFilter,
    empty=_("No manuscript yet."),
    template="review/manuscripts.html",
)
