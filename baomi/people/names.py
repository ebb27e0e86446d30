"""People typed by name on a page: what a clerk at a scanner does instead of picking from a
long list."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from .models import Person


def staff_named(text: str, field: str = "person") -> list[Person]:
    """Active members of staff typed in order, by user name or full name, separated by spaces,
    commas or 、. A user name is exact; a full name two people share is not: it is an error on
    `field`, as is a name that matches no one."""
    staff = Person.objects.filter(is_active=True, admin_role="")
    found = []
    for name in (n for n in re.split(r"[\s,，、;；]+", text) if n):
        matches = list(staff.filter(models.Q(username=name) | models.Q(full_name=name))[:3])
        exact = [p for p in matches if p.username == name]
        if not exact and len(matches) > 1:
            raise ValidationError(
                {
                    field: _("Several members of staff are called %(name)s: type the user name.")
                    % {"name": name}
                }
            )
        if not matches:
            raise ValidationError(
                {field: _("No member of staff is called %(name)s.") % {"name": name}}
            )
        found.append((exact or matches)[0])
    return found


def one_staff_named(text: str, field: str = "person") -> Person:
    """Exactly one member of staff typed by name (see `staff_named`)."""
    found = staff_named(text, field)
    if len(found) != 1:
        raise ValidationError({field: _("Name one person.")})
    return found[0]


def typed_names(people: list[Person]) -> str:
    """People as a clerk would type them for `staff_named`: each by full name, or by user name
    where another member of staff has the same name; 、 between them."""
    names = [p.full_name for p in people if p.full_name]
    shared = set(
        Person.objects.filter(is_active=True, admin_role="", full_name__in=names)
        .values("full_name")
        .annotate(n=models.Count("pk"))
        .filter(n__gt=1)
        .values_list("full_name", flat=True)
    )
    return "、".join(
        p.username if not p.full_name or p.full_name in shared else p.full_name for p in people
    )
