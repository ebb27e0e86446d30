"""The people picker: members of staff found as a clerk types, by name, user name or the
initials of the name's pinyin (陈敏 by "cm"), and, for a copy, only those who may hold it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import JsonResponse
from pypinyin import Style, pinyin

from baomi import policy

from .models import Person
from .views import AuthedRequest

SHOWN = 10  # suggestions at most: the list under a field, not a directory
LETTERS = re.compile(r"[a-z]+")


@lru_cache(maxsize=8192)
def initials(name: str) -> tuple[frozenset[str], ...]:
    """For each character of `name`, the first letters of its readings: a surname read two
    ways (单 dan/shan, 曾 zeng/ceng) is found by either; other characters stand for
    themselves."""
    found: list[frozenset[str]] = []
    for readings in pinyin(name, style=Style.FIRST_LETTER, heteronym=True, errors="default"):
        letters = {r[0].lower() for r in readings if r}
        if len(readings) == 1 and len(readings[0]) > 1 and readings[0].isascii():
            # a run of latin letters or digits comes back as one piece: letter by letter
            found.extend(frozenset(c.lower()) for c in readings[0])
        else:
            found.append(frozenset(letters))
    return tuple(found)


def by_initials(name: str, typed: str) -> bool:
    """Whether `typed` (lower-case latin letters) begins the pinyin initials of `name`."""
    letters = initials(name)
    return len(typed) <= len(letters) and all(c in letters[i] for i, c in enumerate(typed))


def _rank(person: Person, typed: str) -> int:
    """Exact matches first, then beginnings, then the rest."""
    low = typed.lower()
    if low in (person.username.lower(), person.full_name.lower()):
        return 0
    if person.username.lower().startswith(low) or person.full_name.startswith(typed):
        return 1
    return 2


def matching(typed: str, people: Iterable[Person]) -> list[Person]:
    """The people whose name or user name contains `typed`, or whose name's pinyin initials
    begin with it, best first."""
    typed = typed.strip()
    low = typed.lower()
    initial = bool(LETTERS.fullmatch(low))
    found = [
        p
        for p in people
        if low in p.username.lower()
        or typed in p.full_name
        or (initial and bool(p.full_name) and by_initials(p.full_name, low))
    ]
    return sorted(found, key=lambda p: (_rank(p, typed), p.full_name, p.username))


def _may_hold(document: Any) -> Any:
    """Whether a person may hold a copy of `document`, as the policy decides (copy.hold:
    clearance for its level, its knowledge scope, no administrator)."""
    from baomi.ledger.queries import audience

    heard = audience(document)

    def allowed(person: Person) -> bool:
        return policy.check(
            "copy.hold",
            person=person,
            level=document.level,
            audience=heard,
            posts=person.post_codes,
        ).allowed

    return allowed


def _shared_names() -> set[str]:
    """Full names two or more members of staff share: those are picked by user name."""
    return set(
        Person.objects.filter(is_active=True, admin_role="")
        .exclude(full_name="")
        .values("full_name")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("full_name", flat=True)
    )


@login_required
def autocomplete(request: AuthedRequest) -> JsonResponse:
    """Members of staff matching `q`; with `copy`, only those who may hold that copy (which
    the asker must know of). Each suggestion says what to type into the field: the name, or
    the user name where the name is shared."""
    from baomi.core.visibility import visible_or_404
    from baomi.ledger.models import Copy

    typed = request.GET.get("q", "").replace("\x00", "").strip()[:40]  # PostgreSQL refuses NUL
    wanted = request.GET.get("copy", "")
    fits = None
    if wanted:
        if not wanted.isdigit():
            return JsonResponse({"people": []})
        copy = visible_or_404(Copy.objects.select_related("document"), request.user, pk=wanted)
        fits = _may_hold(copy.document)
    if not typed:
        return JsonResponse({"people": []})
    staff = (
        Person.objects.filter(is_active=True, admin_role="")
        .select_related("department")
        .order_by("username")
    )
    shared = _shared_names()
    results = []
    for person in matching(typed, staff):
        if fits is not None and not fits(person):
            continue
        name = person.full_name or person.username
        results.append(
            {
                "id": person.pk,
                "username": person.username,
                "name": name,
                "department": str(person.department) if person.department else "",
                "value": person.username if name in shared else name,
            }
        )
        if len(results) == SHOWN:
            break
    return JsonResponse({"people": results}, json_dumps_params={"ensure_ascii": False})
