"""Services of the core: the organization tree."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from baomi import audit

from .models import OrgUnit


@transaction.atomic(durable=True)
def create_org_unit(
    *,
    actor: Any,
    name: str,
    parent: OrgUnit | None = None,
    code: str = "",
    kind: str = OrgUnit.Kind.DEPARTMENT,
) -> OrgUnit:
    """Add a unit under `parent` (or a root unit); names are unique among siblings."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the unit a name.")})
    if OrgUnit.objects.filter(parent=parent, name=name).exists():
        raise ValidationError({"name": _("%(name)s already exists here.") % {"name": name}})
    unit = OrgUnit.objects.create(name=name, code=code, kind=kind, parent=parent, path="")
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    audit.record(
        actor, "orgunit.created", unit, name=name, parent=parent.pk if parent else None, kind=kind
    )
    return unit
