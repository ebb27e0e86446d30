"""复制 endpoint: approved copies of a document, numbered on."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view, parser_classes
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from baomi.core.errors import validated
from baomi.core.inputs import id_field
from baomi.ledger.api.consent import ConsentLetterFields, letter_of
from baomi.people.models import person_of

from .. import services
from ._common import CopyRefSerializer, _approval, _copy


class ReproduceSerializer(CopyRefSerializer, ConsentLetterFields):
    count = serializers.IntegerField(min_value=1, max_value=99)
    cabinet = serializers.CharField(help_text="cabinet code")
    approval = id_field(required=False, allow_null=True, default=None)


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
