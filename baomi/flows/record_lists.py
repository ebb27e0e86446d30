"""The office's records as list pages: the archive volumes, the copies reported missing, the
destruction batches and the end-of-day check sheets. Each sorts by its columns, filters by its
natural fields, exports what it shows, and offers on each row the action its state allows."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tables2 import A

from baomi.core import clock
from baomi.core.levels import Level
from baomi.core.models import OrgUnit
from baomi.core.timefmt import when
from baomi.ledger.models import Cabinet
from baomi.web.lists import (
    DayColumn,
    ListFilter,
    ListPage,
    ListTable,
    WhenColumn,
    date_range,
)

from . import services
from .closing_checks import ClosingSheet
from .lists import CopyColumn, MarkingColumn, person_filter, row_form
from .models import ArchiveVolume, DestructionBatch, LossReport


def _department() -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=OrgUnit.objects.order_by("name")
    )


def _level(label: Any, **kwargs: Any) -> django_filters.TypedChoiceFilter:
    return django_filters.TypedChoiceFilter(
        label=label,
        choices=[("", "---------"), *Level.choices],
        coerce=int,
        empty_value=None,
        **kwargs,
    )


def _holding(queryset: Any, model: Any, path: str, level: int) -> Any:
    """The records holding a copy of a document of `level` (`path` leads from the record to
    the documents); by subquery, so no record repeats."""
    return queryset.filter(pk__in=model.objects.filter(**{f"{path}__level": level}).values("pk"))


# -- 归档: the archive volumes -------------------------------------------------------------


class VolumeFilter(ListFilter):
    year = django_filters.NumberFilter(label=_("Year"))
    department = _department()
    cabinet = django_filters.ModelChoiceFilter(
        label=_("Cabinet"), queryset=Cabinet.objects.order_by("code")
    )
    level = _level(_("Holds a copy of level"), method="in_level")
    created = date_range(_("Archived between"), "created_at")

    def in_level(self, queryset: Any, name: str, value: int) -> Any:
        return _holding(queryset, ArchiveVolume, "copies__document", value)


class VolumeTable(ListTable):
    year = tables.Column(verbose_name=_("Year"))
    title = tables.Column(verbose_name=_("Volume title"))
    department = tables.Column(verbose_name=_("Department"), order_by=("department__name",))
    cabinet = tables.Column(verbose_name=_("Cabinet"), order_by=("cabinet__code",))
    copy_count = tables.Column(verbose_name=_("Copies"))
    created_at = WhenColumn(verbose_name=_("Archived at"))
    created_by = tables.Column(
        verbose_name=_("Archived by"), order_by=("created_by__full_name", "created_by_id")
    )


def _volumes(person: Any) -> Any:
    return (
        services.whole_volumes(person)
        .select_related("department", "cabinet", "created_by")
        .annotate(copy_count=Count("copies"))
    )


VOLUMES = ListPage(
    name="flows:archive",
    title=_("Archive volumes"),
    table=VolumeTable,
    rows=_volumes,
    filters=VolumeFilter,
    empty=_("No volume yet."),
    template="flows/archive.html",
)


# -- 丢失: the copies reported missing -------------------------------------------------------


class LossFilter(ListFilter):
    #: the report to the competent authority: still to be made, past its time, made
    REPORTS = (
        ("due", _("report still to be made")),
        ("late", _("report overdue")),
        ("made", _("report made")),
    )

    state = django_filters.ChoiceFilter(label=_("State"), choices=LossReport.State.choices)
    report = django_filters.ChoiceFilter(
        label=_("Report to the competent authority"), choices=REPORTS, method="in_report"
    )
    level = _level(_("Level"), field_name="copy__document__level")
    department = django_filters.ModelChoiceFilter(
        label=_("Department"),
        field_name="copy__document__department",
        queryset=OrgUnit.objects.order_by("name"),
    )
    reported = date_range(_("Reported between"), "reported_at")

    def in_report(self, queryset: Any, name: str, value: str) -> Any:
        if value == "made":
            return queryset.filter(authority_reported_at__isnull=False)
        # the clock that runs: the leak's once a deemed leak has begun, the loss's before
        due = queryset.filter(
            authority_reported_at__isnull=True, state__in=LossReport.STILL_MISSING
        )
        if value == "late":
            now = clock.now()
            return due.filter(
                Q(leak_report_due_at__lte=now)
                | Q(leak_report_due_at__isnull=True, report_due_at__lte=now)
            )
        return due


class LossTable(ListTable):
    copy = CopyColumn("copy")
    marking = MarkingColumn("copy")
    reported_at = WhenColumn(verbose_name=_("Reported"))
    reported_by = tables.Column(
        verbose_name=_("Reported by"), order_by=("reported_by__full_name", "reported_by_id")
    )
    circumstances = tables.Column(verbose_name=_("circumstances"), orderable=False)
    authority = tables.Column(
        verbose_name=_("Report to the competent authority"),
        accessor="pk",
        order_by=("authority_reported_at", "report_due_at"),
        empty_values=(),
    )
    deemed_leak_on = DayColumn(verbose_name=_("Deemed a leak on"))
    state = tables.Column(verbose_name=_("State"))
    outcome = tables.Column(
        verbose_name=_("Found or written off"),
        accessor="resolution",
        orderable=False,
        empty_values=(),
    )

    def value_authority(self, record: LossReport) -> str:
        if record.authority_reported_at:
            made = gettext("To %(authority)s, reference %(reference)s") % {
                "authority": record.authority,
                "reference": record.authority_reference,
            }
            return f"{made}; {record.authority_reported_by}, {when(record.authority_reported_at)}"
        due = record.authority_report_due_at
        if due is None:
            return "—"
        now = clock.now()
        text = gettext("Due by %(due)s") % {"due": when(due)}
        # Django spaces "1 day" with a no-break space: a plain one reads the same in a sheet
        if due > now:
            left = timeuntil(due, now).replace("\xa0", " ")
            return f"{text}; " + gettext("%(left)s left") % {"left": left}
        late = timesince(due, now).replace("\xa0", " ")
        return f"{text}; " + gettext("Overdue by %(late)s") % {"late": late}

    def render_authority(self, record: LossReport) -> str:
        text = self.value_authority(record)
        if record.authority_reported_at or record.authority_report_due_at is None:
            return text
        fields = format_html(
            '<div class="d-flex flex-wrap gap-1 mt-1">'
            '<input class="form-control form-control-sm" name="authority" maxlength="100" '
            'required placeholder="{a}" aria-label="{a}">'
            '<input class="form-control form-control-sm" name="reference" maxlength="60" '
            'required placeholder="{r}" aria-label="{r}">'
            '<input class="form-control form-control-sm" type="datetime-local" '
            'name="reported_at" aria-label="{t}">'
            '<button type="submit" class="btn btn-sm btn-outline-primary">{b}</button></div>',
            a=gettext("competent authority"),
            r=gettext("reference number"),
            t=gettext("reported to the authority at"),
            b=gettext("Record the report"),
        )
        action = reverse("flows:report-loss-to-authority", args=[record.pk])
        late = "text-danger" if record.authority_report_due_at <= clock.now() else ""
        return format_html(
            '<span class="{}">{}</span>{}', late, text, row_form(self, action, fields, "")
        )

    def render_outcome(self, record: LossReport) -> str:
        if record.state not in LossReport.STILL_MISSING:
            return record.resolution or "—"
        fields = format_html(
            '<input class="form-control form-control-sm mb-1" name="note" required '
            'placeholder="{p}" aria-label="{p}">'
            '<div class="btn-list flex-nowrap">'
            '<button type="submit" class="btn btn-sm btn-outline-success" name="outcome" '
            'value="found">{f}</button>'
            '<button type="submit" class="btn btn-sm btn-outline-danger" name="outcome" '
            'value="written_off">{w}</button></div>',
            p=gettext("where it was, or the finding"),
            f=gettext("Found"),
            w=gettext("Write off"),
        )
        return row_form(self, reverse("flows:resolve-loss", args=[record.pk]), fields, "")

    def value_outcome(self, record: LossReport) -> str:
        return record.resolution


def _losses(person: Any) -> Any:
    return (
        LossReport.objects.visible_to(person)
        .select_related("copy__document", "reported_by", "authority_reported_by")
        .order_by("state", "report_due_at", "pk")
    )


LOSSES = ListPage(
    name="flows:losses",
    title=_("Copies reported missing"),
    table=LossTable,
    rows=_losses,
    filters=LossFilter,
    empty=_("No copy is reported missing."),
    template="flows/losses.html",
)


# -- 销毁: the destruction batches -----------------------------------------------------------


class BatchFilter(ListFilter):
    state = django_filters.ChoiceFilter(label=_("State"), choices=DestructionBatch.State.choices)
    level = _level(_("Holds a copy of level"), method="in_level")
    listed_by = person_filter(_("Listed by"), "listed_by")
    listed = date_range(_("Listed between"), "listed_at")
    destroyed = date_range(_("Destroyed between"), "destroyed_at")

    def in_level(self, queryset: Any, name: str, value: int) -> Any:
        return _holding(queryset, DestructionBatch, "items__copy__document", value)


class BatchTable(ListTable):
    number = tables.Column(verbose_name=_("Batch"), accessor="pk", order_by=("pk",))
    state = tables.Column(verbose_name=_("State"))
    listed_at = WhenColumn(verbose_name=_("Listed at"))
    listed_by = tables.Column(
        verbose_name=_("Listed by"), order_by=("listed_by__full_name", "listed_by_id")
    )
    item_count = tables.Column(verbose_name=_("Copies"))
    items = tables.Column(verbose_name=_("Labels"), accessor="pk", orderable=False, empty_values=())
    destroyed_at = WhenColumn(verbose_name=_("Destroyed at"))
    method = tables.Column(verbose_name=_("Method"), empty_values=())
    place = tables.Column(verbose_name=_("Place"), empty_values=())
    act = tables.Column(
        verbose_name=_("Action"),
        accessor="pk",
        orderable=False,
        empty_values=(),
        exclude_from_export=True,
    )

    def render_number(self, value: int) -> str:
        return format_html('<span class="text-nowrap">{}</span>', self.value_number(value))

    def value_number(self, value: int) -> str:
        return f"XH-{value:06d}"

    def value_items(self, record: DestructionBatch) -> str:
        return "; ".join(
            f"{i.copy.document.doc_number or i.copy.document.pk} / {i.copy.label}"
            for i in record.items.all()
        )

    def render_items(self, record: DestructionBatch) -> str:
        return format_html('<span class="font-monospace">{}</span>', self.value_items(record))

    def render_method(self, record: DestructionBatch) -> str:
        return record.method or "—"

    def render_place(self, record: DestructionBatch) -> str:
        if not record.place:
            return "—"
        return f"{record.place} ({gettext('On site')})" if record.on_site else record.place

    def value_place(self, record: DestructionBatch) -> str:
        return self.render_place(record)

    def render_act(self, record: DestructionBatch) -> str:
        if record.state == DestructionBatch.State.DESTROYED:
            return format_html(
                '<a class="btn btn-sm btn-outline-secondary" href="{}">{}</a>',
                reverse("flows:certificate", args=[record.pk]),
                gettext("Destruction certificate (PDF)"),
            )
        required = mark_safe(" required")
        inputs = format_html_join(
            "",
            '<label class="form-label mb-1">{}<input class="form-control form-control-sm" '
            'name="{}"{}{}></label>',
            (
                (gettext("Method"), "method", required, ""),
                (gettext("Place"), "place", required, ""),
                (gettext("Escort"), "escort", "", ""),
                (
                    gettext("Supervisors"),
                    "supervisors",
                    required,
                    format_html(' placeholder="{}"', gettext("e.g. 徐军、孙丽")),
                ),
                (
                    gettext("Approval number"),
                    "approval",
                    "",
                    mark_safe(' inputmode="numeric"'),
                ),
            ),
        )
        fields = format_html(
            '{}<label class="form-check mb-2"><input class="form-check-input" type="checkbox" '
            'name="on_site" value="1"><span class="form-check-label">{}</span></label>'
            '<button type="submit" class="btn btn-sm btn-primary">{}</button>',
            inputs,
            gettext("On site"),
            gettext("Destroyed"),
        )
        return format_html(
            '<details class="destroy-form"><summary class="btn btn-sm btn-outline-danger">{}'
            "</summary>{}</details>",
            gettext("Record the destruction"),
            row_form(self, reverse("flows:destroy", args=[record.pk]), fields, "mt-2"),
        )


def _batches(person: Any) -> Any:
    return (
        services.whole_batches(person)
        .select_related("listed_by")
        .prefetch_related("items__copy__document")
        .annotate(item_count=Count("items"))
    )


BATCHES = ListPage(
    name="flows:destruction",
    title=_("Destruction"),
    table=BatchTable,
    rows=_batches,
    filters=BatchFilter,
    empty=_("No destruction batch yet."),
    template="flows/destruction.html",
)


# -- 人离文入柜: the end-of-day check sheets -------------------------------------------------


class SheetFilter(ListFilter):
    SIGNED = (("signed", _("signed off")), ("unsigned", _("awaiting sign-off")))

    department = _department()
    signed = django_filters.ChoiceFilter(label=_("Signed off"), choices=SIGNED, method="in_signed")
    day = date_range(_("Days between"), "closing__day")

    def in_signed(self, queryset: Any, name: str, value: str) -> Any:
        return queryset.filter(signed_at__isnull=value != "signed")


class SheetTable(ListTable):
    day = DayColumn(
        verbose_name=_("Day"),
        accessor="closing__day",
        order_by=("closing__day",),
        linkify=("flows:closing-sheet", [A("pk")]),
    )
    department = tables.Column(verbose_name=_("Department"), order_by=("department__name",))
    exceptions = tables.Column(verbose_name=_("Copies outside a cabinet"))
    signed_at = tables.Column(verbose_name=_("Signed off"), empty_values=())
    act = tables.Column(
        verbose_name=_("Print"),
        accessor="pk",
        orderable=False,
        empty_values=(),
        exclude_from_export=True,
    )

    def render_signed_at(self, record: ClosingSheet) -> str:
        if record.signed_at is None:
            return gettext("awaiting sign-off")
        return f"{record.signed_by}, {when(record.signed_at)}"

    def value_signed_at(self, record: ClosingSheet) -> str:
        return self.render_signed_at(record)

    def render_act(self, record: ClosingSheet) -> str:
        return format_html(
            '<a class="btn btn-sm btn-outline-secondary" href="{}">{}</a>',
            reverse("flows:closing-sheet-pdf", args=[record.pk]),
            gettext("Print"),
        )


def _sheets(person: Any) -> Any:
    return (
        ClosingSheet.objects.visible_to(person)
        .select_related("closing", "department", "signed_by")
        .order_by("-closing__day", "department_id")
    )


SHEETS = ListPage(
    name="flows:closing-sheets",
    title=_("End-of-day checks"),
    table=SheetTable,
    rows=_sheets,
    filters=SheetFilter,
    empty=_("No end-of-day check sheet yet."),
    template="flows/closing_sheets.html",
)
