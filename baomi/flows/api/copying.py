"""复制 endpoint: approved copies of a document, numbered on."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view, parser_classes
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from baomi.core.errors import validated
from baomi.core.inputs import id_field
from baomi.ledger.consent import Letter, letter
from baomi.people.models import person_of

from .. import services
from ._common import CopyRefSerializer, _approval, _copy


class ReproduceSerializer(CopyRefSerializer):
    count = serializers.IntegerField(min_value=1, max_value=99)
    cabinet = serializers.CharField(help_text="cabinet code")
    approval = id_field(required=False, allow_null=True, default=None)
    consent_issuer = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="issuing body of the consent"
    )
    consent_reference = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="reference number of its letter"
    )
    consent_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="date of its letter"
    )
    consent_scan = serializers.FileField(
        required=False, allow_null=True, default=None, help_text="PDF, PNG or JPEG"
    )


def letter_of(v: dict[str, Any]) -> Letter | None:
    """The consent letter of a request validated by a serializer with the consent_* fields."""
    scan = v.get("consent_scan")
    return letter(
        issuer=v["consent_issuer"],
        reference=v["consent_reference"],
        given_on=v["consent_date"],
        scan=scan.read() if scan is not None else None,
        scan_name=(scan.name or "") if scan is not None else "",
    )


@extend_schema(request=ReproduceSerializer, responses={201: dict})
@api_view(["POST"])
@parser_classes([JSONParser, MultiPartParser, FormParser])
def reproduce(request: Request) -> Response:
    """复制: approved copies of the document a copy belongs to, numbered on."""
    from baomi.ledger.models import Cabinet

    v = validated(ReproduceSerializer, request)
    cabinet = Cabinet.objects.filter(code=v["cabinet"]).first()
    if cabinet is None:
        raise NotFound
    made = services.reproduce_copies(
        actor=person_of(request),
        document=_copy(request, v).document,
        count=v["count"],
        cabinet=cabinet,
        approval=_approval(v["approval"], request.user),
        consent=letter_of(v),
    )
    return Response(
        {"copies": [{"id": c.pk, "copy_no": c.label} for c in made]},
        status=status.HTTP_201_CREATED,
    )
