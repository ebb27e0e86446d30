"""销毁 endpoints."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from baomi.core.api import VisibleReadViewSet
from baomi.core.errors import validated
from baomi.core.inputs import id_field
from baomi.people.models import person_of

from .. import services
from ..models import (
    DestructionBatch,
)
from ._common import _approval, _copy, _staff


class BatchSerializer(serializers.ModelSerializer):
    copies = serializers.SerializerMethodField()

    class Meta:
        model = DestructionBatch
        fields = [
            "id",
            "state",
            "listed_at",
            "method",
            "place",
            "on_site",
            "destroyed_at",
            "copies",
        ]

    def get_copies(self, batch: DestructionBatch) -> list[int]:
        return [i.copy_id for i in batch.items.all()]


class ListBatchSerializer(serializers.Serializer):
    copies = serializers.ListField(child=id_field(), allow_empty=False)


class DestroySerializer(serializers.Serializer):
    method = serializers.CharField(max_length=60)
    place = serializers.CharField(max_length=100)
    on_site = serializers.BooleanField(default=False)
    escort = serializers.PrimaryKeyRelatedField(queryset=_staff(), allow_null=True, default=None)
    supervisors = serializers.PrimaryKeyRelatedField(queryset=_staff(), many=True)
    approval = id_field(required=False, allow_null=True, default=None)


class DestructionBatchViewSet(VisibleReadViewSet):
    """销毁: list copies, destroy the batch under supervision, fetch its certificate."""

    serializer_class = BatchSerializer
    queryset = DestructionBatch.objects.prefetch_related("items").order_by("-listed_at", "-id")

    @extend_schema(request=ListBatchSerializer, responses={201: BatchSerializer})
    def create(self, request: Request) -> Response:
        data = validated(ListBatchSerializer, request)
        copies = [_copy(request, {"copy": pk}) for pk in data["copies"]]
        batch = services.list_for_destruction(actor=person_of(request), copies=copies)
        return Response(BatchSerializer(batch).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DestroySerializer, responses={200: BatchSerializer})
    @action(detail=True, methods=["post"], url_path="destroy")
    def destroy_batch(self, request: Request, pk: str) -> Response:
        v = validated(DestroySerializer, request)
        batch = services.destroy_batch(
            actor=person_of(request),
            batch=self.get_object(),
            method=v["method"],
            place=v["place"],
            on_site=v["on_site"],
            escort=v["escort"],
            supervisors=v["supervisors"],
            approval=_approval(v["approval"], request.user),
        )
        return Response(BatchSerializer(batch).data)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def certificate(self, request: Request, pk: str) -> HttpResponse:
        from ..certificate import destruction_certificate

        batch = self.get_object()
        if batch.state != DestructionBatch.State.DESTROYED:
            raise NotFound
        return HttpResponse(destruction_certificate(batch), content_type="application/pdf")
