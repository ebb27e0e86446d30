"""A paginator for long registers: it counts only as far as the pages a person can reach."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from rest_framework.pagination import LimitOffsetPagination

from .query import PageQuery, cleaned


class CappedPaginator(Paginator):
    """Counts at most `cap` rows, or up to the page asked for if that lies further: an exact
    count of a six-figure register costs more than the page itself, and no one reads past the
    first thousand rows without narrowing the search. `capped` says the true count is larger.

    One query reads the ids in order; the page then loads its own fifty rows by id, which the
    database checks against the access rule again cheaply."""

    cap = 1000
    deepest = 2000

    def __init__(self, object_list: Any, per_page: int, *, page: Any = 1) -> None:
        super().__init__(object_list, per_page)
        try:
            wanted = int(page)
        except (TypeError, ValueError):
            wanted = 1
        # a page number far beyond the register must not make one request read all of it
        self.limit = max(self.cap, (min(wanted, self.deepest) + 1) * per_page)

    @cached_property
    def ids(self) -> list[Any]:
        rows: Any = self.object_list  # a QuerySet, already in the register's order
        return list(rows.values_list("pk", flat=True)[: self.limit + 1])

    @cached_property
    def count(self) -> int:
        return len(self.ids)

    @property
    def capped(self) -> bool:
        return self.count > self.limit

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows: Any = self.object_list
        return Page(rows.filter(pk__in=self.ids[bottom : bottom + self.per_page]), number, self)


@dataclass(frozen=True, slots=True)
class Slice:
    """One page of a list that is not counted: a long overdue list is read page by page, and a
    count would check every row of it against the access rule. Attributes as Django's Page."""

    object_list: list[Any]
    number: int
    more: bool

    def has_next(self) -> bool:
        return self.more

    def has_previous(self) -> bool:
        return self.number > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def slice_page(rows: Any, number: Any, per_page: int, deepest: int = 2000) -> Slice:
    """Page `number` (1 when not a number; at most `deepest`) of the ordered QuerySet `rows`:
    one query of per_page + 1 rows."""
    try:
        wanted = min(max(int(number), 1), deepest)
    except (TypeError, ValueError):
        wanted = 1
    bottom = (wanted - 1) * per_page
    found = list(rows[bottom : bottom + per_page + 1])
    return Slice(found[:per_page], wanted, len(found) > per_page)


class CheckedLimitOffset(LimitOffsetPagination):
    """The API's paging: DRF's limit and offset, where a malformed value (not a whole number,
    a limit below 1, a negative offset) is refused by name instead of read as the default, and
    a limit above `max_limit` is read as `max_limit` (the database takes no larger one)."""

    max_limit = 1000

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        self.asked = cleaned(PageQuery, request.query_params)
        return super().paginate_queryset(queryset, request, view)

    def get_limit(self, request: Any) -> int | None:
        wanted = self.asked["limit"]
        return self.default_limit if wanted is None else min(wanted, self.max_limit)

    def get_offset(self, request: Any) -> int:
        return self.asked["offset"] or 0
