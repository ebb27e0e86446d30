"""The manuscripts as a list page."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _
from django_tables2 import A

from baomi.core.models import OrgUnit
from baomi.web.lists import ListFilter, ListPage, ListTable, WhenColumn, date_range

from . import services
from .models import Manuscript, SensitiveTerm


class ManuscriptFilter(ListFilter):
    state = django_filters.ChoiceFilter(label=_("State"), choices=Manuscript.State.choices)
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=OrgUnit.objects.order_by("name")
    )
    submitted = date_range(_("Submitted between"), "submitted_at")


class ManuscriptTable(ListTable):
    title = tables.Column(verbose_name=_("Title"), linkify=("review:manuscript", [A("pk")]))
    department = tables.Column(verbose_name=_("Department"), order_by=("department__name",))
    submitted_by = tables.Column(
        verbose_name=_("Submitted by"), order_by=("submitted_by__full_name",)
    )
    submitted_at = WhenColumn(verbose_name=_("Submitted at"))
    state = tables.Column(verbose_name=_("State"))


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


class TermFilter(ListFilter):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=SensitiveTerm.Kind.choices)
    added = date_range(_("Added between"), "added_at")


class TermTable(ListTable):
    text = tables.Column(verbose_name=_("Term"))
    kind = tables.Column(verbose_name=_("Kind"))
    note = tables.Column(verbose_name=_("Note"))
    added_by = tables.Column(verbose_name=_("Added by"), order_by=("added_by__full_name",))
    added_at = WhenColumn(verbose_name=_("Added at"))


def _terms(person: Any) -> Any:
    # the term list has no owner to hide it from: who may open the page (the reviewers) sees
    # it whole, as the scanner does
    return SensitiveTerm.objects.select_related("added_by")


TERMS = ListPage(
    name="review:terms",
    title=_("Sensitive terms"),
    table=TermTable,
    rows=_terms,
    filters=TermFilter,
    empty=_("No term yet."),
    template="review/terms.html",
)
