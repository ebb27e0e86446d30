"""A paginator for long registers: it counts only as far as the pages a person can reach."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator


class CappedPaginator(Paginator):
    """Counts at most `cap` rows, or up to the page asked for if that lies further: an exact
    count of a six-figure register costs more than the page itself, and no one reads past the
    first thousand rows without narrowing the search. `capped` says the true count is larger."""

    cap = 1000

    def __init__(self, object_list: Any, per_page: int, *, page: Any = 1) -> None:
        super().__init__(object_list, per_page)
        try:
            wanted = int(page)
        except (TypeError, ValueError):
            wanted = 1
        self.limit = max(self.cap, (wanted + 1) * per_page)

    @cached_property
    def count(self) -> int:
        rows: Any = self.object_list  # a QuerySet: counted in the database, ordering dropped
        return int(rows.order_by()[: self.limit + 1].count())

    @property
    def capped(self) -> bool:
        return self.count > self.limit
