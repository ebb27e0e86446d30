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
    commas or 、; a name that matches no one is an error on `field`."""
    staff = Person.objects.filter(is_active=True, admin_role="")
    found = []
    for name in (n for n in re.split(r"[\s,，、;；]+", text) if n):
        person = staff.filter(models.Q(username=name) | models.Q(full_name=name)).first()
        if person is None:
            raise ValidationError(
                {field: _("No member of staff is called %(name)s.") % {"name": name}}
            )
        found.append(person)
    return found


def one_staff_named(text: str, field: str = "person") -> Person:
    """Exactly one member of staff typed by name (see `staff_named`)."""
    found = staff_named(text, field)
    if len(found) != 1:
        raise ValidationError({field: _("Name one person.")})
    return found[0]
