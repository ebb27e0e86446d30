"""The office's other lists as list pages: the instructions to chase and record."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from baomi import policy
from baomi.core import clock
from baomi.core.levels import Level
from baomi.core.models import OrgUnit
from baomi.core.timefmt import when
from baomi.ledger.models import Instruction
from baomi.people.models import Person, Post
from baomi.web.lists import ListFilter, ListPage, ListTable, WhenColumn, date_range

from . import services
from .services.instructions import chase_due_at


class InstructionFilter(ListFilter):
    #: awaiting the leader; awaiting the leader past the time they are chased from; written,
    #: awaiting the clerk's record of their carrying-out
    STATES = (
        ("waiting", _("awaiting instructions")),
        ("late", _("awaiting instructions, overdue")),
        ("written", _("awaiting the clerk's record")),
    )

    state = django_filters.ChoiceFilter(label=_("State"), choices=STATES, method="in_state")
    leader = django_filters.ModelChoiceFilter(
        label=_("Leader"),
        queryset=Person.objects.filter(posts__post=Post.LEADER)
        .distinct()
        .order_by("full_name", "username"),
    )
    level = django_filters.TypedChoiceFilter(
        label=_("Level"),
        field_name="document__level",
        choices=[("", "---------"), *Level.choices],
        coerce=int,
        empty_value=None,
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Department"),
        field_name="document__department",
        queryset=OrgUnit.objects.order_by("name"),
    )
    routed = date_range(_("Routed between"), "routed_at")

    def in_state(self, queryset: Any, name: str, value: str) -> Any:
        if value == "written":
            return queryset.filter(written_at__isnull=False)
        waiting = queryset.filter(written_at__isnull=True)
        if value == "late":
            return waiting.filter(routed_at__lte=clock.now() - chase_after())
        return waiting


def chase_after() -> dt.timedelta:
    """How long a leader has to write instructions before being chased (DOC.INSTRUCTIONS)."""
    return dt.timedelta(days=int(policy.params("DOC.INSTRUCTIONS")["days"]))


class InstructionTable(ListTable):
    document = tables.Column(verbose_name=_("Document"), order_by=("document__title",))
    leader = tables.Column(verbose_name=_("Leader"), order_by=("leader__full_name", "leader_id"))
    routed_by = tables.Column(
        verbose_name=_("Routed by"), order_by=("routed_by__full_name", "routed_by_id")
    )
    routed_at = WhenColumn(verbose_name=_("Routed"))
    chased_from = tables.Column(
        verbose_name=_("Chased from"), accessor="pk", order_by=("routed_at",), empty_values=()
    )
    written_at = tables.Column(verbose_name=_("Instructions"), empty_values=())
    act = tables.Column(
        verbose_name=_("Carried out"),
        accessor="pk",
        empty_values=(),
        orderable=False,
        exclude_from_export=True,
    )

    def __init__(self, data: Any, *, person: Any = None, **kwargs: Any) -> None:
        super().__init__(data, person=person, **kwargs)
        self.records = person is not None and policy.check("document.route", actor=person).allowed

    def value_document(self, record: Instruction) -> str:
        return record.document.title_for(self.person)

    def render_document(self, record: Instruction) -> str:
        url = reverse("ledger:document", args=[record.document_id])
        return format_html('<a href="{}">{}</a>', url, self.value_document(record))

    def value_chased_from(self, record: Instruction) -> str:
        due = chase_due_at(record)
        chases = getattr(getattr(record, "follow_up", None), "chases", 0)
        text = when(due)
        if record.written_at is None and due <= clock.now():
            text += f" {gettext('overdue')}"
        if chases:
            text += f" ({gettext('times chased')}: {chases})"
        return text

    def render_chased_from(self, record: Instruction) -> str:
        return self.value_chased_from(record)

    def value_written_at(self, record: Instruction) -> str:
        if record.written_at is None:
            return gettext("awaiting instructions")
        return when(record.written_at)

    def render_written_at(self, record: Instruction) -> str:
        return self.value_written_at(record)

    def render_act(self, record: Instruction) -> str:
        if record.written_at is None:
            return ""
        if not self.records:
            return gettext("awaiting the clerk's record")
        # the fields belong to the row's own form, outside the list's (see instructions.html)
        return format_html(
            '<textarea form="carried-{}" name="text" rows="2" maxlength="2000" required '
            'class="form-control form-control-sm" aria-label="{}" placeholder="{}"></textarea>'
            '<button form="carried-{}" type="submit" class="btn btn-sm btn-outline-primary mt-1">'
            "{}</button>",
            record.pk,
            gettext("how the instructions were carried out"),
            gettext("how the instructions were carried out"),
            record.pk,
            gettext("Record"),
        )


def _instruction_rows(person: Any) -> Any:
    return services.open_instructions(person).select_related(
        "document", "leader", "routed_by", "follow_up"
    )


INSTRUCTIONS = ListPage(
    name="flows:instructions",
    title=_("Open instructions"),
    table=InstructionTable,
    rows=_instruction_rows,
    filters=InstructionFilter,
    empty=_("No instructions are open."),
    template="flows/instructions.html",
)
