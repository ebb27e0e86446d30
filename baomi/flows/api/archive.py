"""归档 endpoints."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from baomi.core.api import VisibleReadViewSet
from baomi.core.errors import validated
from baomi.core.inputs import YEAR_MAX, YEAR_MIN, id_field
from baomi.ledger.models import Copy
from baomi.people.models import person_of

from .. import services
from ..models import (
    ArchiveVolume,
)
from ._common import _copy


class ArchiveVolumeSerializer(serializers.ModelSerializer):
    copies = serializers.SerializerMethodField()

    class Meta:
        model = ArchiveVolume
        fields = ["id", "year", "title", "department", "cabinet", "created_at", "copies"]

    def get_copies(self, volume: ArchiveVolume) -> list[int]:
        return [c.pk for c in volume.copies.all()]


class ArchiveSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=YEAR_MIN, max_value=YEAR_MAX)
    title = serializers.CharField(max_length=100)
    department = id_field(help_text="department id")
    cabinet = serializers.CharField(help_text="cabinet code")
    copies = serializers.ListField(child=id_field(), allow_empty=False)


class DueCopySerializer(serializers.ModelSerializer):
    class Meta:
        model = Copy
        fields = ["id", "document", "copy_no", "state", "holder"]


class ArchiveVolumeViewSet(VisibleReadViewSet):
    """归档: volumes of the year's completed documents; `due` lists copies still held that are
    due for archiving."""

    serializer_class = ArchiveVolumeSerializer
    queryset = ArchiveVolume.objects.prefetch_related("copies").order_by("-year", "title", "-id")

    @extend_schema(request=ArchiveSerializer, responses={201: ArchiveVolumeSerializer})
    def create(self, request: Request) -> Response:
        from baomi.core.models import OrgUnit
        from baomi.ledger.models import Cabinet

        v = validated(ArchiveSerializer, request)
        volume = services.archive_copies(
            actor=person_of(request),
            year=v["year"],
            title=v["title"],
            department=OrgUnit.objects.filter(pk=v["department"]).first(),
            cabinet=Cabinet.objects.filter(code=v["cabinet"]).first(),
            copies=[_copy(request, {"copy": pk}) for pk in v["copies"]],
        )
        return Response(ArchiveVolumeSerializer(volume).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: DueCopySerializer(many=True)})
    @action(detail=False, methods=["get"])
    def due(self, request: Request) -> Response:
        rows = self.paginate_queryset(services.due_for_archiving(request.user))
        return self.get_paginated_response(DueCopySerializer(rows, many=True).data)
