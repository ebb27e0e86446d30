"""The cabinets as a list page: where each is, whose it is, what it may hold and how many of
the copies the person may know of are in it now, each count a link to the register filtered
by that cabinet."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django.contrib.auth.decorators import login_required
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from baomi import policy
from baomi.core.levels import Level
from baomi.core.models import OrgUnit
from baomi.people.models import Person
from baomi.people.views import AuthedRequest
from baomi.web.lists import ListFilter, ListPage, ListTable

from .custody import CABINET_HELD
from .models import Cabinet, Copy

YES_NO = [(1, _("yes")), (0, _("no"))]


def highest_level(cabinet: Cabinet) -> Level:
    """The highest level a cabinet may hold: classified and ordinary items are stored apart
    (DOC.STORE), so a secure cabinet holds up to 绝密 and an ordinary one up to 内部."""
    return Level.TOP_SECRET if cabinet.for_classified else Level.INTERNAL


class CabinetFilter(ListFilter):
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=OrgUnit.objects.order_by("name")
    )
    secure = django_filters.TypedChoiceFilter(
        label=_("Secure cabinet"),
        field_name="for_classified",
        choices=[("", "---------"), *YES_NO],
        coerce=lambda v: v == "1",
        empty_value=None,
    )
    holds = django_filters.TypedChoiceFilter(
        label=_("May hold"),
        choices=[("", "---------"), *Level.choices],
        coerce=int,
        empty_value=None,
        method="may_hold",
    )
    custodian = django_filters.ModelChoiceFilter(
        label=_("Custodian"),
        queryset=Person.objects.filter(cabinets__isnull=False).distinct().order_by("username"),
    )

    def may_hold(self, queryset: QuerySet[Cabinet], name: str, level: int) -> QuerySet[Cabinet]:
        # the registration form's picker offers the same cabinets for the same level
        return queryset.filter(for_classified=Level(level).is_classified)


class CabinetTable(ListTable):
    code = tables.Column(verbose_name=_("Number"))
    name = tables.Column(verbose_name=_("Name"))
    location = tables.Column(verbose_name=_("Place"))
    department = tables.Column(verbose_name=_("Department"), order_by=("department__name",))
    for_classified = tables.Column(verbose_name=_("Secure cabinet"))
    holds = tables.Column(
        verbose_name=_("Holds up to"), empty_values=(), order_by=("for_classified",)
    )
    custodian = tables.Column(
        verbose_name=_("Custodian"), order_by=("custodian__full_name", "custodian__username")
    )
    kept = tables.Column(verbose_name=_("Copies in it"))

    def render_for_classified(self, value: bool) -> str:
        return gettext("yes") if value else gettext("no")

    def value_for_classified(self, value: bool) -> str:
        return self.render_for_classified(value)

    def render_holds(self, record: Cabinet) -> str:
        return str(highest_level(record).label)

    def value_holds(self, record: Cabinet) -> str:
        return self.render_holds(record)

    def render_custodian(self, record: Cabinet) -> str:
        return record.custodian.display_name

    def value_custodian(self, record: Cabinet) -> str:
        return self.render_custodian(record)

    def render_kept(self, record: Cabinet, value: int) -> str:
        url = reverse("ledger:register")
        return format_html('<a href="{}?cabinet={}">{}</a>', url, record.pk, value)

    def value_kept(self, value: int) -> int:
        return value


def _rows(person: Any) -> QuerySet[Cabinet]:
    # one subquery per page: the copies of each cabinet the person may know of that it holds
    # now (a lost or destroyed copy keeps its last cabinet on record, but is not in it)
    kept = (
        Copy.objects.visible_to(person)
        .filter(cabinet=OuterRef("pk"), state__in=CABINET_HELD)
        .order_by()
        .values("cabinet")
        .annotate(n=Count("*"))
        .values("n")
    )
    return (
        Cabinet.objects.visible_to(person)
        .select_related("department", "custodian")
        .annotate(kept=Coalesce(Subquery(kept, output_field=IntegerField()), 0))
        .order_by("code")
    )


CABINETS = ListPage(
    name="ledger:cabinets",
    title=pgettext_lazy("secure and ordinary", "Cabinets"),
    table=CabinetTable,
    rows=_rows,
    filters=CabinetFilter,
    empty=_("No cabinet matches the filter."),
)


@login_required
def cabinets(request: AuthedRequest) -> HttpResponse:
    """The cabinets, for those who keep or oversee custody (ACC.ROLE)."""
    policy.require("cabinet.list", actor=request.user)
    return CABINETS.response(request)
