"""Who is inside a knowledge scope (知悉范围), as plain sets for in-process decisions.

Lists and searches never use this: they push the same rule into SQL (`visible_to`). It serves
single decisions, where the scope has already been loaded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Audience:
    """Persons, departments and posts admitted by a scope."""

    persons: frozenset[int] = frozenset()
    departments: frozenset[int] = frozenset()
    posts: frozenset[str] = frozenset()

    def admits(self, person_id: int, department_id: int | None, posts: Iterable[str] = ()) -> bool:
        return (
            person_id in self.persons
            or (department_id is not None and department_id in self.departments)
            or not self.posts.isdisjoint(posts)
        )
