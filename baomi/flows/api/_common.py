"""What the flows' endpoints share: copies named by id or label, staff pickers, own approvals."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request

from baomi.core.inputs import id_field
from baomi.ledger.models import Copy
from baomi.ledger.queries import copy_by_code
from baomi.people.models import Person


def _staff() -> QuerySet[Person]:
    return Person.objects.filter(is_active=True, admin_role="")


def _copy(request: Request, data: dict[str, Any]) -> Copy:
    """The copy named by `copy` (id) or `code` (its label), if the person may know of it."""
    if data.get("code"):
        found = copy_by_code(request.user, data["code"])
    else:
        found = Copy.objects.visible_to(request.user).filter(pk=int(data["copy"])).first()
    if found is None:
        raise NotFound
    return found


class CopyRefSerializer(serializers.Serializer):
    copy = id_field(required=False, help_text="copy id")
    code = serializers.CharField(required=False, help_text="label code, e.g. BMC-12-000003")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("copy") and not attrs.get("code"):
            raise serializers.ValidationError(_("Name the copy by its id or its label."))
        return attrs


def _approval(pk: int | None, requester: Any) -> Any:
    from baomi.approvals.models import Approval

    if not pk:
        return None
    found = Approval.objects.filter(pk=pk, requester=requester).first()
    if found is None:
        raise NotFound
    return found
