"""The list page: one declaration per list (its rows, table, filters and bulk actions), and one
way to show it. Filters are django-filter FilterSets, columns and sorting django-tables2 tables;
paging goes both ways, the page size is the person's choice, the export is the filtered list in
the page's order and columns, and each person's last query of each list is kept, so a plain
visit shows the list as they left it.

Every list starts from its model's `visible_to(person)`: the declaration's `rows` receives the
person and returns that queryset (narrowed further as the list needs)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import quote

import django_filters
import django_tables2 as tables
from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baomi.core.query import InvalidQuery
from baomi.core.timefmt import day, when

from .models import ListMemory, SavedView

#: the page sizes a person may choose
PER_PAGE = (10, 25, 50, 100)
#: parameters of the page itself, not of its filter
SORT, PAGE, SIZE, EXPORT, CLEAR = "sort", "page", "per_page", "export", "clear"
#: an export holds every filtered row up to this many; a larger one asks to narrow the filter
EXPORT_MAX = 10_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

NOTHING = gettext_lazy("Nothing to list.")
#: every declared list, by name
LISTS: dict[str, ListPage] = {}


class WhenColumn(tables.Column):
    """A moment in the organization's time zone, to the minute, on the page and in the export."""

    def render(self, value: Any) -> str:
        return when(value)

    def value(self, value: Any) -> str:
        return when(value)


class DayColumn(tables.Column):
    """A date (or a moment's local date), on the page and in the export."""

    def render(self, value: Any) -> str:
        return day(value)

    def value(self, value: Any) -> str:
        return day(value)


class ListTable(tables.Table):
    """The base of every list's table: rows carry their record's id, so a page's rows can be
    told apart and picked for a bulk action."""

    class Meta:
        attrs = {"class": "table table-vcenter card-table"}
        row_attrs = {"data-pk": lambda record: record.pk}
        orderable = True

    def __init__(self, data: Any, *, person: Any = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.person = person  # whom the cells are shown to (a sealed title, their own rows)


def date_range(label: Any, field_name: str) -> django_filters.DateFromToRangeFilter:
    """A filter of a date or moment between two days (either end may be left open); a range
    whose end lies before its start is an error at the field."""
    return django_filters.DateFromToRangeFilter(
        field_name=field_name,
        label=label,
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
        method="_in_range",
    )


def choice(label: Any, choices: Any, coerce: Callable[[Any], Any] = int) -> Any:
    """A filter by one of `choices` (whole numbers by default), with a blank "any" option."""
    return django_filters.TypedChoiceFilter(
        label=label, choices=[("", "---------"), *choices], coerce=coerce, empty_value=None
    )


class ListFilter(django_filters.FilterSet):
    """A list's filters; reversed date ranges are refused by name."""

    def _in_range(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        field_name = name
        model_field = queryset.model._meta.get_field(field_name.split("__")[0])
        moment = model_field.get_internal_type() == "DateTimeField"
        lookup = f"{field_name}__date" if moment else field_name
        if value.start:
            queryset = queryset.filter(**{f"{lookup}__gte": value.start.date()})
        if value.stop:
            queryset = queryset.filter(**{f"{lookup}__lte": value.stop.date()})
        return queryset

    @property
    def form(self) -> forms.Form:
        form = super().form
        if not getattr(form, "_dressed", False):
            form._dressed = True  # type: ignore[attr-defined]
            form.clean = _no_reversed_range(form, self.filters)  # type: ignore[method-assign]
            _dress(form)
        return form


def _dress(form: forms.Form) -> None:
    """Tabler's classes on every widget; a field in error is marked as such."""
    for formfield in form.fields.values():
        widgets = getattr(formfield.widget, "widgets", [formfield.widget])
        for widget in widgets:
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = css


def _mark_invalid(form: forms.Form) -> None:
    for name in form.errors:
        if name in form.fields:
            widgets = getattr(form.fields[name].widget, "widgets", [form.fields[name].widget])
            for widget in widgets:
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"


def _no_reversed_range(form: forms.Form, filters: dict[str, Any]) -> Callable[[], Any]:
    original = form.clean

    def clean() -> Any:
        data = original()
        for name, declared in filters.items():
            value = form.cleaned_data.get(name)
            ranged = isinstance(declared, django_filters.DateFromToRangeFilter)
            if ranged and value and value.start and value.stop and value.stop < value.start:
                form.add_error(name, _("The end of the range lies before its start."))
        return data

    return clean


@dataclass(frozen=True)
class Bulk:
    """An action on the rows a person picks: a POST of their ids (`pick`) to `url_name`."""

    label: Any
    url_name: str
    style: str = "btn-outline-secondary"
    allowed: Callable[[Any], bool] = lambda person: True


@dataclass
class ListPage:
    """One list: `rows(person)` starts from `visible_to(person)`; `table` names its columns;
    `filters` its FilterSet. `route` and `kwargs` are its address."""

    name: str
    title: Any
    table: type[ListTable]
    rows: Callable[[Any], QuerySet[Any]]
    filters: type[ListFilter] | None = None
    route: str = ""
    kwargs: dict[str, Any] = field(default_factory=dict)
    per_page: int = 25
    saved_views: bool = False
    bulk: Sequence[Bulk] = ()
    empty: Any = NOTHING
    template: str = "web/kinds/list.html"

    def __post_init__(self) -> None:
        self.route = self.route or self.name
        LISTS[self.name] = self

    def url(self) -> str:
        return reverse(self.route, kwargs=self.kwargs or None)

    def response(self, request: HttpRequest, **context: Any) -> HttpResponse:
        """The list as `request` asks for it: a page, the export, or a redirect to the query
        the person last asked of it (or, after `clear`, to the list unfiltered)."""
        person: Any = request.user
        params = request.GET
        if CLEAR in params:
            ListMemory.objects.filter(person=person, list_name=self.name).delete()
            return redirect(self.url())
        memory = None
        if not params:
            memory = ListMemory.objects.filter(person=person, list_name=self.name).first()
            if memory is not None and memory.query:
                return redirect(f"{self.url()}?{memory.query}")
        shown = Shown(self, request, params)
        if not shown.valid:
            # a remembered query that no longer parses must not keep the list from opening
            ListMemory.objects.filter(person=person, list_name=self.name).delete()
            return shown.render(context, status=400)
        if params.get(EXPORT) == "xlsx":
            if shown.count > EXPORT_MAX:
                return shown.render(
                    context,
                    status=400,
                    error=_("More than %(n)s rows: narrow the filter to export them.")
                    % {"n": EXPORT_MAX},
                )
            return shown.xlsx()
        asked = _query(params, shown.fields)
        if asked:
            ListMemory.objects.update_or_create(
                person=person, list_name=self.name, defaults={"query": asked}
            )
        elif params or memory is not None:
            # a plain visit with nothing kept has nothing to forget
            ListMemory.objects.filter(person=person, list_name=self.name).delete()
        return shown.render(context)


def _query(params: QueryDict, fields: Sequence[str] | None = None) -> str:
    """What of `params` describes the list (filter, order, page size): the page shown and an
    export asked for are not part of it, nor (when the filter's `fields` are given) a
    parameter the list does not take."""
    kept = QueryDict(mutable=True)
    for name, values in params.lists():
        if name in (PAGE, EXPORT, CLEAR):
            continue
        if fields is not None and not _takes(name, fields):
            continue
        kept.setlist(name, [v for v in values if v])
    return "&".join(p for p in kept.urlencode().split("&") if p and not p.endswith("="))


def _takes(name: str, fields: Sequence[str]) -> bool:
    # a range's two ends come as <field>_after and <field>_before
    return name in (SORT, SIZE) or any(name == f or name.startswith(f"{f}_") for f in fields)


class ListPaginator(Paginator):
    """Counts at most `cap` rows, or up to the page asked for if that lies further: an exact
    count of a six-figure register costs more than the page itself. `capped` says the true
    count is larger; the last page is then the last one counted."""

    cap = 1000
    deepest = 2000

    def __init__(self, object_list: Any, per_page: int, *, wanted: int = 1) -> None:
        super().__init__(object_list, per_page)
        self.limit = max(self.cap, (min(wanted, self.deepest) + 1) * per_page)

    @cached_property
    def count(self) -> int:
        rows = getattr(getattr(self.object_list, "data", None), "data", None)
        if isinstance(rows, QuerySet):
            return rows.order_by()[: self.limit + 1].count()
        return len(self.object_list)

    @property
    def capped(self) -> bool:
        return self.count > self.limit


class Shown:
    """One request's reading of a list: the filter, the table in its order, and the page."""

    def __init__(self, page: ListPage, request: HttpRequest, params: QueryDict) -> None:
        self.list, self.request, self.params = page, request, params
        rows = page.rows(request.user)
        self.filter = page.filters(params, queryset=rows, request=request) if page.filters else None
        self.valid = self.filter is None or self.filter.is_valid()
        self.fields = list(self.filter.form.fields) if self.filter is not None else []
        if self.filter is not None and not self.valid:
            _mark_invalid(self.filter.form)
        if self.filter is not None:
            rows = self.filter.qs if self.valid else rows.none()
        self.table = page.table(rows, person=request.user)
        self.table.request = request  # type: ignore[attr-defined]
        wanted_sort = params.get(SORT, "")
        if wanted_sort:
            self.table.order_by = (wanted_sort,)
            data = self.table.data.data
            if isinstance(data, QuerySet) and self.table.order_by:
                # a column's values repeat: the id keeps the order of a page and the next stable
                self.table.data.data = data.order_by(*data.query.order_by, "pk")

    @cached_property
    def per_page(self) -> int:
        try:
            size = int(self.params.get(SIZE, ""))
        except ValueError:
            return self.list.per_page
        return size if size in PER_PAGE else self.list.per_page

    @cached_property
    def count(self) -> int:
        data = self.table.data.data
        return data.count() if isinstance(data, QuerySet) else len(data)

    def _link(self, **changes: Any) -> str:
        query = self.params.copy()
        for name in (EXPORT, CLEAR):
            query.pop(name, None)
        for name, value in changes.items():
            if value is None:
                query.pop(name, None)
            else:
                query[name] = str(value)
        return f"?{query.urlencode()}"

    def headers(self) -> list[dict[str, Any]]:
        current = self.table.order_by[0] if self.table.order_by else ""
        found = []
        for column in self.table.columns:
            entry: dict[str, Any] = {"label": column.header, "url": "", "direction": ""}
            if column.orderable:
                if current == column.name:
                    entry["direction"] = "asc"
                    entry["url"] = self._link(sort=f"-{column.name}", page=None)
                elif current == f"-{column.name}":
                    entry["direction"] = "desc"
                    entry["url"] = self._link(sort=column.name, page=None)
                else:
                    entry["url"] = self._link(sort=column.name, page=None)
            found.append(entry)
        return found

    def _paginate(self) -> Any:
        try:
            wanted = max(int(self.params.get(PAGE, "1")), 1)
        except ValueError:
            wanted = 1
        paginator = ListPaginator(self.table.rows, self.per_page, wanted=wanted)
        number = min(wanted, paginator.num_pages)
        self.table.paginator = paginator  # type: ignore[attr-defined]
        self.table.page = paginator.page(number)  # type: ignore[attr-defined]
        return self.table.page

    def render(
        self, context: dict[str, Any], *, status: int = 200, error: str = ""
    ) -> HttpResponse:
        page = self._paginate()
        last = page.paginator.num_pages
        person = self.request.user
        query = _query(self.params, self.fields)
        context = {
            "list": self.list,
            "table": self.table,
            "filter_form": self.filter.form if self.filter else None,
            "refused": self.refused(),
            "error": error,
            "headers": self.headers(),
            "rows": page.object_list,
            "page": page,
            "paging": {
                "first": self._link(page=1) if page.number > 1 else "",
                "previous": self._link(page=page.number - 1) if page.number > 1 else "",
                "next": self._link(page=page.number + 1) if page.number < last else "",
                "last": self._link(page=last) if page.number < last else "",
                "sizes": [
                    (n, self._link(per_page=n, page=None), n == self.per_page) for n in PER_PAGE
                ],
            },
            "sort": self.params.get(SORT, ""),
            "per_page": self.per_page,
            "query": query,
            "filtered": bool(query),
            "clear_url": f"?{CLEAR}=1",
            "export_url": self._link(export="xlsx", page=None),
            "bulk": [b for b in self.list.bulk if b.allowed(person)],
            "saved_views": views_for(person, self.list.name) if self.list.saved_views else None,
            **context,
        }
        return render(self.request, self.list.template, context, status=status)

    def refused(self) -> list[str]:
        """Why the filter cannot be applied: one line per parameter, its label, name and why."""
        if self.valid or self.filter is None:
            return []
        form = self.filter.form
        return InvalidQuery(
            {name: [str(m) for m in messages] for name, messages in form.errors.items()},
            {
                name: str(form.fields[name].label or name)
                for name in form.errors
                if name in form.fields
            },
        ).lines()

    def columns(self) -> list[Any]:
        return [c for c in self.table.columns if not c.column.exclude_from_export]

    def xlsx(self) -> HttpResponse:
        """Every filtered row in the page's order, with the page's columns as their values
        read (times local, to the minute)."""
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        # a sheet's name may hold no : / ? * [ ] nor a backslash ("Handed to you: sign ...")
        sheet.title = re.sub(r"[:\\/?*\[\]]", " ", force_str(self.list.title))[:31]
        columns = self.columns()
        sheet.append([force_str(c.header) for c in columns])
        for row in self.table.rows:
            values = []
            for column in columns:
                value = row.get_cell_value(column.name)
                values.append(value if isinstance(value, int | float) else force_str(value or ""))
            sheet.append(values)
        for cells in sheet.iter_rows(min_row=2):
            for cell in cells:
                # text that begins like a formula is kept as text, never evaluated
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                    cell.data_type = "s"
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(out.getvalue(), content_type=XLSX)
        name = quote(f"{force_str(self.list.title)}.xlsx")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
        return response


def views_for(person: Any, list_name: str) -> QuerySet[SavedView]:
    """The saved views of a list a person may pick: their own, and those shared with their
    department."""
    from django.db.models import Q

    shared = Q(department_id=person.department_id) if person.department_id else Q(pk__in=[])
    return SavedView.objects.filter(Q(person=person) | shared, list_name=list_name).select_related(
        "person"
    )
