"""The register as a list page: its columns, filters and bulk actions."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from baomi import policy
from baomi.core.levels import Level, Urgency
from baomi.core.models import OrgUnit
from baomi.people.models import Person
from baomi.web.lists import (
    Bulk,
    ListFilter,
    ListPage,
    ListTable,
    WhenColumn,
    choice,
    date_range,
)

from .custody import CABINET_HELD
from .models import Cabinet, Copy, Document
from .queries import DocumentFilter, register_for


def _holders(request: Any) -> Any:
    """The people holding a copy the viewer may know of: whom the holder filter offers."""
    if request is None:
        return Person.objects.none()
    copies = Copy.objects.visible_to(request.user).filter(holder__isnull=False)
    return Person.objects.filter(pk__in=copies.values("holder")).order_by("full_name", "username")


class RegisterFilter(DocumentFilter, ListFilter):
    """The register's filters on its page: the API's (text, level, state) and the register's
    natural fields."""

    level = choice(_("Level"), Level.choices)
    origin = django_filters.ChoiceFilter(label=_("Origin"), choices=Document.Origin.choices)
    urgency = choice(_("Urgency"), Urgency.choices)
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=OrgUnit.objects.order_by("name")
    )
    cabinet = django_filters.ModelChoiceFilter(
        label=_("Cabinet"), queryset=Cabinet.objects.order_by("code"), method="in_cabinet"
    )
    holder = django_filters.ModelChoiceFilter(
        label=_("Copy held by"), queryset=_holders, method="held_by"
    )
    registered = date_range(_("Registered between"), "registered_at")
    issued = date_range(_("Issued between"), "issued_on")

    def held_by(self, queryset: Any, name: str, value: Person) -> Any:
        # who holds a copy now, among the copies the viewer may know of
        held = Copy.objects.visible_to(self.request.user).filter(holder=value)
        return queryset.filter(pk__in=held.values("document"))

    def in_cabinet(self, queryset: Any, name: str, value: Cabinet) -> Any:
        # what the cabinet holds now: a lost or destroyed copy keeps its last cabinet on record
        held = Copy.objects.filter(cabinet=value, state__in=CABINET_HELD)
        return queryset.filter(pk__in=held.values("document"))


class RegisterTable(ListTable):
    title = tables.Column(verbose_name=_("Title"))
    doc_number = tables.Column(verbose_name=_("Document number"))
    issuer = tables.Column(verbose_name=_("Issuer"))
    marking = tables.Column(
        verbose_name=_("Marking"), order_by=("level", "marking"), empty_values=()
    )
    copy_count = tables.Column(verbose_name=_("Copies"))
    state = tables.Column(verbose_name=_("State"))
    registered_at = WhenColumn(verbose_name=_("Registered at"))

    def _title(self, record: Document) -> str:
        sealed = record.sealed and record.addressee_id != getattr(self.person, "pk", None)
        return gettext("(personal item, sealed)") if sealed else record.title

    def render_title(self, record: Document) -> str:
        url = reverse("ledger:document", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, self._title(record))

    def value_title(self, record: Document) -> str:
        return self._title(record)

    def render_marking(self, record: Document) -> str:
        return record.marking or record.get_level_display()

    def value_marking(self, record: Document) -> str:
        return self.render_marking(record)


def _register_rows(person: Any) -> Any:
    return register_for(person, {})


def _keeps_custody(person: Any) -> bool:
    return policy.check("custody.manage", actor=person).allowed


REGISTER = ListPage(
    name="ledger:register",
    title=_("Register of classified carriers"),
    table=RegisterTable,
    rows=_register_rows,
    filters=RegisterFilter,
    per_page=50,
    saved_views=True,
    empty=_("Nothing registered that you may know of."),
    template="ledger/register.html",
    bulk=(
        Bulk(_("Print labels of their copies"), "ledger:labels-picked"),
        Bulk(
            _("List their copies in cabinets for destruction"),
            "flows:destroy-picked",
            style="btn-outline-danger",
            allowed=_keeps_custody,
        ),
    ),
)
