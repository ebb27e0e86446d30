"""The workbench's lists in full, as list pages: each sorts by its columns, filters by the
fields it has (level, urgency, department, cabinet, the person concerned, the dates) and
exports what it shows. Each starts from the workbench's own rows (`workbench_lists`), so a list
in full holds exactly what the workbench and the dashboard count."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
import django_tables2 as tables
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from baomi import policy
from baomi.core.levels import Level, Urgency
from baomi.core.models import OrgUnit
from baomi.ledger.models import Cabinet, Copy
from baomi.people.models import Person
from baomi.web.lists import ListFilter, ListPage, ListTable, WhenColumn, date_range

from .models import Channel, Loan

NOTHING_SHOWN = {
    "to_sign": _("Nothing to sign for."),
    "circulations": _("No open circulation."),
    "readers": _("No reader is past the time."),
    "overdue_loans": _("No loan is past its return date."),
    "overdue_carry_outs": _("Nothing carried out is past its return date."),
    "in_transit": _("Nothing in transit."),
    "carried_out": _("Nothing carried out."),
    "loans": _("Nothing on loan."),
    "outside": _("Every classified copy is in a cabinet."),
    "archive_due": _("Nothing due for archiving is held by anyone."),
    "held": _("No copy is in anyone's hands."),
}


def keeps_custody(person: Any) -> bool:
    """The posts that keep custody act on the rows (return, bring back, hand on)."""
    return policy.check("custody.manage", actor=person).allowed


def _walk(record: Any, path: str) -> Any:
    for name in path.split("__") if path else ():
        record = getattr(record, name)
    return record


class CopyColumn(tables.Column):
    """A copy as its document's number and its label, linked to the copy's page; `path` leads
    from the row to the copy ("" when the row is the copy)."""

    def __init__(self, path: str = "", **kwargs: Any) -> None:
        self.path = path
        prefix = f"{path}__" if path else ""
        kwargs.setdefault("verbose_name", _("Copy"))
        super().__init__(
            accessor=path or "pk",
            order_by=(f"{prefix}document__doc_number", f"{prefix}copy_no"),
            empty_values=(),
            **kwargs,
        )

    def text(self, record: Any) -> str:
        copy = _walk(record, self.path)
        return f"{copy.document.doc_number or copy.document.pk} / {copy.label}"

    def render(self, record: Any) -> str:
        copy = _walk(record, self.path)
        url = reverse("ledger:copy", args=[copy.pk])
        return format_html('<a class="font-monospace" href="{}">{}</a>', url, self.text(record))

    def value(self, record: Any) -> str:
        return self.text(record)


class MarkingColumn(tables.Column):
    """The document's marking (its level when it has none), ordered by level."""

    def __init__(self, path: str, **kwargs: Any) -> None:
        self.path = path
        prefix = f"{path}__" if path else ""
        super().__init__(
            verbose_name=_("Marking"),
            accessor=path or "pk",
            order_by=(f"{prefix}document__level", f"{prefix}document__marking"),
            empty_values=(),
            **kwargs,
        )

    def render(self, record: Any) -> str:
        document = _walk(record, self.path).document
        return document.marking or str(document.get_level_display())

    def value(self, record: Any) -> str:
        return self.render(record)


def row_form(table: Any, action: str, inner: str, css: str = "d-inline") -> str:
    """A form of one row posting to `action`, with the page's CSRF token: the list itself is
    no form, so each row's action carries its own."""
    return format_html(
        '<form method="post" action="{}" class="{}">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">{}</form>',
        action,
        css,
        get_token(table.request),
        inner,
    )


class ActColumn(tables.Column):
    """A button acting on the row (a POST of its own form to `url_name`), or a link to the
    copy's action panel when the action needs something typed there. Shown to the custody posts
    only, and never exported."""

    def __init__(
        self,
        actions: tuple[tuple[Any, str], ...] = (),
        *,
        panel: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.actions, self.panel = actions, panel
        super().__init__(
            verbose_name=_("Action"),
            accessor="pk",
            empty_values=(),
            orderable=False,
            exclude_from_export=True,
            **kwargs,
        )

    def render(self, record: Any, table: Any) -> str:
        buttons = [
            row_form(
                table,
                reverse(url_name, args=[record.pk]),
                format_html(
                    '<button type="submit" class="btn btn-sm btn-outline-secondary">{}</button>',
                    label,
                ),
            )
            for label, url_name in self.actions
        ]
        if self.panel is not None:
            copy = _walk(record, self.panel)
            buttons.append(
                format_html(
                    '<a class="btn btn-sm btn-outline-secondary" href="{}?copy={}">{}</a>',
                    reverse("flows:workbench"),
                    copy.pk,
                    _("Its actions"),
                )
            )
        return format_html(
            '<div class="btn-list flex-nowrap">{}</div>',
            format_html_join("", "{}", ((b,) for b in buttons)),
        )


class FlowTable(ListTable):
    """A workbench list: its action column only for the custody posts."""

    def __init__(self, data: Any, *, person: Any = None, **kwargs: Any) -> None:
        super().__init__(data, person=person, **kwargs)
        if "act" in self.base_columns and not (person is not None and keeps_custody(person)):
            self.columns.hide("act")


def person_filter(label: Any, field_name: str) -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        label=label,
        field_name=field_name,
        queryset=Person.objects.filter(is_active=True).order_by("full_name", "username"),
    )


def _filters(document: str, **more: Any) -> type[ListFilter]:
    """A list's filters: the document's level, urgency and department (by `document`, the path
    from a row to its document) and `more`."""
    declared: dict[str, Any] = {
        "level": django_filters.TypedChoiceFilter(
            label=_("Level"),
            field_name=f"{document}__level",
            choices=[("", "---------"), *Level.choices],
            coerce=int,
            empty_value=None,
        ),
        "urgency": django_filters.TypedChoiceFilter(
            label=_("Urgency"),
            field_name=f"{document}__urgency",
            choices=[("", "---------"), *Urgency.choices],
            coerce=int,
            empty_value=None,
        ),
        "department": django_filters.ModelChoiceFilter(
            label=_("Department"),
            field_name=f"{document}__department",
            queryset=OrgUnit.objects.order_by("name"),
        ),
        **more,
    }
    return type("FlowFilter", (ListFilter,), declared)


def cabinet_filter(field_name: str) -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        label=_("Cabinet"), field_name=field_name, queryset=Cabinet.objects.order_by("code")
    )


# -- the tables ------------------------------------------------------------------------------


class ToSignTable(FlowTable):
    copy = CopyColumn("circulation__copy")
    marking = MarkingColumn("circulation__copy")
    handed_at = WhenColumn(verbose_name=_("Handed at"))
    due_at = WhenColumn(verbose_name=_("Due back"))
    act = ActColumn(((_("Sign for it"), "flows:sign"),))

    def __init__(self, data: Any, *, person: Any = None, **kwargs: Any) -> None:
        super().__init__(data, person=person, **kwargs)
        self.columns.show("act")  # the reader signs for what was handed to them


class CirculationTable(FlowTable):
    copy = CopyColumn("copy")
    marking = MarkingColumn("copy")
    started_at = WhenColumn(verbose_name=_("Started at"))
    deadline = WhenColumn(verbose_name=_("circulation due by"))
    readers = tables.Column(
        verbose_name=_("Readers"), accessor="pk", empty_values=(), orderable=False
    )
    act = ActColumn(
        ((_("Hand to the next reader"), "flows:hand"), (_("Take back"), "flows:take-back")),
        panel="copy",
    )

    def render_readers(self, record: Any) -> str:
        return " → ".join(
            f"{s.reader} ({s.get_state_display()})"
            for s in sorted(record.steps.all(), key=lambda s: s.position)
        )

    def value_readers(self, record: Any) -> str:
        return self.render_readers(record)


class ReadersTable(FlowTable):
    reader = tables.Column(verbose_name=_("Reader"), order_by=("reader__full_name", "reader_id"))
    copy = CopyColumn("circulation__copy")
    marking = MarkingColumn("circulation__copy")
    due_at = WhenColumn(verbose_name=_("Due back"))
    deadline = WhenColumn(verbose_name=_("circulation due by"), accessor="circulation__deadline")


class OverdueLoansTable(FlowTable):
    borrower = tables.Column(
        verbose_name=_("Borrower"), order_by=("borrower__full_name", "borrower_id")
    )
    copy = CopyColumn("copy")
    marking = MarkingColumn("copy")
    due_at = WhenColumn(verbose_name=_("Due back"))
    act = ActColumn(((_("Returned"), "flows:return-loan"),))


class OverdueCarryOutsTable(FlowTable):
    person = tables.Column(
        verbose_name=_("Taken out by"), order_by=("person__full_name", "person_id")
    )
    copy = CopyColumn("copy")
    marking = MarkingColumn("copy")
    destination = tables.Column(verbose_name=_("Destination"))
    due_at = WhenColumn(verbose_name=_("Due back"))
    act = ActColumn(((_("Brought back"), "flows:bring-back"),))


class InTransitTable(FlowTable):
    copy = CopyColumn("copy", verbose_name=_("In transit"))
    marking = MarkingColumn("copy")
    recipient = tables.Column(verbose_name=_("Recipient"))
    channel = tables.Column(verbose_name=_("Channel"), order_by=("channel__name",))
    sent_at = WhenColumn(verbose_name=_("Sent at"))
    act = ActColumn(panel="copy")


class CarriedOutTable(FlowTable):
    copy = CopyColumn("copy", verbose_name=_("Carried out"))
    marking = MarkingColumn("copy")
    person = tables.Column(
        verbose_name=_("Taken out by"), order_by=("person__full_name", "person_id")
    )
    destination = tables.Column(verbose_name=_("Destination"))
    due_at = WhenColumn(verbose_name=_("Due back"))
    act = ActColumn(((_("Brought back"), "flows:bring-back"),))


class LoansTable(FlowTable):
    copy = CopyColumn("copy")
    marking = MarkingColumn("copy")
    borrower = tables.Column(
        verbose_name=_("Borrower"), order_by=("borrower__full_name", "borrower_id")
    )
    place = tables.Column(verbose_name=_("Place"))
    due_at = WhenColumn(verbose_name=_("Due back"))
    act = ActColumn(((_("Returned"), "flows:return-loan"),))


class CopiesTable(FlowTable):
    copy = CopyColumn("")
    marking = MarkingColumn("")
    holder = tables.Column(
        verbose_name=_("Holder"), order_by=("holder__full_name", "external_holder")
    )
    state = tables.Column(verbose_name=_("State"))
    department = tables.Column(
        verbose_name=_("Department"),
        accessor="document__department",
        order_by=("document__department__name",),
    )

    def render_holder(self, record: Copy) -> str:
        return str(record.holder or record.external_holder)

    def value_holder(self, record: Copy) -> str:
        return self.render_holder(record)


class ArchiveDueTable(CopiesTable):
    year = tables.Column(
        verbose_name=_("Year"), accessor="document__issued_on", order_by=("document__issued_on",)
    )

    def render_year(self, value: Any) -> str:
        return str(value.year)

    def value_year(self, value: Any) -> str:
        return str(value.year)


# -- the lists -------------------------------------------------------------------------------


def _rows(kind: str) -> Callable[[Any], Any]:
    def rows(person: Any) -> Any:
        from .views.workbench import workbench_lists

        return workbench_lists(person)[kind]

    return rows


_COPY_STATES = [(s.value, s.label) for s in (Copy.State.CIRCULATING, Copy.State.ON_LOAN)]
_OUT_STATES = [*_COPY_STATES, (Copy.State.IN_TRANSIT.value, Copy.State.IN_TRANSIT.label)]

_DECLARED: dict[str, tuple[type[ListTable], type[ListFilter], Any]] = {
    "to_sign": (
        ToSignTable,
        _filters(
            "circulation__copy__document", handed=date_range(_("Handed between"), "handed_at")
        ),
        _("Handed to you: sign for them"),
    ),
    "circulations": (
        CirculationTable,
        _filters(
            "copy__document",
            cabinet=cabinet_filter("cabinet"),
            started=date_range(_("Started between"), "started_at"),
            deadline_range=date_range(_("Due between"), "deadline"),
        ),
        _("Circulations"),
    ),
    "readers": (
        ReadersTable,
        _filters(
            "circulation__copy__document",
            reader=person_filter(_("Reader"), "reader"),
            due=date_range(_("Due between"), "due_at"),
        ),
        _("Readers past their time (chase)"),
    ),
    "overdue_loans": (
        OverdueLoansTable,
        _filters(
            "copy__document",
            borrower=person_filter(_("Borrower"), "borrower"),
            cabinet=cabinet_filter("cabinet"),
            due=date_range(_("Due between"), "due_at"),
        ),
        _("Loans past their return date"),
    ),
    "overdue_carry_outs": (
        OverdueCarryOutsTable,
        _filters(
            "copy__document",
            person=person_filter(_("Taken out by"), "person"),
            cabinet=cabinet_filter("cabinet"),
            due=date_range(_("Due between"), "due_at"),
        ),
        _("Carried out past their return date"),
    ),
    "in_transit": (
        InTransitTable,
        _filters(
            "copy__document",
            channel=django_filters.ModelChoiceFilter(
                label=_("Channel"), queryset=Channel.objects.order_by("name")
            ),
            sent=date_range(_("Sent between"), "sent_at"),
        ),
        _("In transit"),
    ),
    "carried_out": (
        CarriedOutTable,
        _filters(
            "copy__document",
            person=person_filter(_("Taken out by"), "person"),
            cabinet=cabinet_filter("cabinet"),
            due=date_range(_("Due between"), "due_at"),
        ),
        _("Carried out"),
    ),
    "loans": (
        LoansTable,
        _filters(
            "copy__document",
            borrower=person_filter(_("Borrower"), "borrower"),
            place=django_filters.ChoiceFilter(label=_("Place"), choices=Loan.Place.choices),
            cabinet=cabinet_filter("cabinet"),
            due=date_range(_("Due between"), "due_at"),
        ),
        _("On loan"),
    ),
    "outside": (
        CopiesTable,
        _filters(
            "document",
            state=django_filters.ChoiceFilter(label=_("State"), choices=_OUT_STATES),
            holder=person_filter(_("Holder"), "holder"),
            cabinet=cabinet_filter("cabinet"),
        ),
        _("Classified copies outside a cabinet"),
    ),
    "archive_due": (
        ArchiveDueTable,
        _filters(
            "document",
            state=django_filters.ChoiceFilter(label=_("State"), choices=_COPY_STATES),
            holder=person_filter(_("Holder"), "holder"),
        ),
        _("Still held, due for archiving"),
    ),
    "held": (
        CopiesTable,
        _filters(
            "document",
            state=django_filters.ChoiceFilter(label=_("State"), choices=Copy.State.choices),
            holder=person_filter(_("Holder"), "holder"),
            cabinet=cabinet_filter("cabinet"),
        ),
        _("Copies in someone's hands"),
    ),
}

#: each workbench list in full, by its kind
FLOW_LISTS: dict[str, ListPage] = {
    kind: ListPage(
        name=f"flows:list:{kind}",
        route="flows:list",
        kwargs={"kind": kind},
        title=title,
        table=table,
        rows=_rows(kind),
        filters=filters,
        empty=NOTHING_SHOWN[kind],
        template="flows/list.html",
    )
    for kind, (table, filters, title) in _DECLARED.items()
}
