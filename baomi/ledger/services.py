"""Services of the ledger."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from baomi import audit
from baomi.core.models import OrgUnit

from .models import Cabinet


@transaction.atomic(durable=True)
def create_cabinet(
    *,
    actor: Any,
    name: str,
    code: str,
    department: OrgUnit,
    custodian: Any,
    location: str = "",
    for_classified: bool = True,
) -> Cabinet:
    """Register a secure cabinet with its custodian, who must be an active member of staff
    (an administrator account never holds carriers)."""
    if Cabinet.objects.filter(code=code).exists():
        raise ValidationError({"code": _("Cabinet %(code)s already exists.") % {"code": code}})
    if not custodian.is_active or custodian.admin_role:
        raise ValidationError({"custodian": _("The custodian must be an active member of staff.")})
    cabinet = Cabinet.objects.create(
        name=name,
        code=code,
        department=department,
        custodian=custodian,
        location=location,
        for_classified=for_classified,
    )
    audit.record(
        actor,
        "cabinet.created",
        cabinet,
        code=code,
        department=department,
        custodian=custodian,
        for_classified=for_classified,
    )
    return cabinet
