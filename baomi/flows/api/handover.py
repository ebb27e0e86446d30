"""移交 endpoints."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from baomi.core.api import VisibleReadViewSet
from baomi.core.errors import validated
from baomi.core.inputs import MULTILINE
from baomi.people.models import person_of

from .. import services
from ..models import (
    Handover,
)
from ._common import CopyRefSerializer, _staff


class HandoverSerializer(serializers.ModelSerializer):
    items = serializers.SerializerMethodField()

    class Meta:
        model = Handover
        fields = [
            "id",
            "person",
            "receiver",
            "opened_at",
            "person_signed_at",
            "receiver_signed_at",
            "completed_at",
            "cancelled_at",
            "items",
        ]

    def get_items(self, handover: Handover) -> list[dict[str, Any]]:
        return [{"copy": i.copy_id, "checked_at": i.checked_at} for i in handover.items.all()]


class OpenHandoverSerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(queryset=_staff())
    receiver = serializers.PrimaryKeyRelatedField(queryset=_staff())


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, style=MULTILINE)


class HandoverViewSet(VisibleReadViewSet):
    """移交: the lists a person opened, gives or receives; `check` a copy, `sign` the list,
    `cancel` an open one with the reason."""

    serializer_class = HandoverSerializer
    queryset = Handover.objects.prefetch_related("items").order_by("-opened_at", "-id")

    @extend_schema(request=OpenHandoverSerializer, responses={201: HandoverSerializer})
    def create(self, request: Request) -> Response:
        data = validated(OpenHandoverSerializer, request)
        handover = services.open_handover(actor=person_of(request), **data)
        return Response(HandoverSerializer(handover).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CopyRefSerializer, responses={200: HandoverSerializer})
    @action(detail=True, methods=["post"])
    def check(self, request: Request, pk: str) -> Response:
        data = validated(CopyRefSerializer, request)
        handover = self.get_object()
        # named among the list's own copies: the receiver checks what he is taking over, a copy
        # in a cabinet he will keep included, whether or not he may know its document
        copy = services.listed_copy(handover, code=data.get("code", ""), pk=data.get("copy"))
        if copy is None:
            raise NotFound
        services.check_handover_item(actor=person_of(request), handover=handover, copy=copy)
        return Response(HandoverSerializer(self.get_object()).data)

    @extend_schema(request=None, responses={200: HandoverSerializer})
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str) -> Response:
        handover = services.sign_handover(actor=person_of(request), handover=self.get_object())
        return Response(HandoverSerializer(handover).data)

    @extend_schema(request=ReasonSerializer, responses={200: HandoverSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        data = validated(ReasonSerializer, request)
        handover = services.cancel_handover(
            actor=person_of(request), handover=self.get_object(), reason=data["reason"]
        )
        return Response(HandoverSerializer(handover).data)
