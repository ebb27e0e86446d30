"""清查 endpoints."""

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
from baomi.people.models import person_of

from .. import services
from ..models import (
    Stocktake,
)


class StocktakeSerializer(serializers.ModelSerializer):
    missing = serializers.SerializerMethodField()
    unexpected = serializers.SerializerMethodField()
    misplaced = serializers.SerializerMethodField()

    class Meta:
        model = Stocktake
        fields = ["id", "opened_at", "closed_at", "cabinet", "missing", "unexpected", "misplaced"]

    def to_representation(self, instance: Stocktake) -> Any:
        # one reading of the lines per stocktake, shared by the three lists below
        self._found = (instance.pk, services.stocktake_result(instance))
        return super().to_representation(instance)

    def _result(self, stocktake: Stocktake) -> Any:
        found = getattr(self, "_found", None)
        if found is None or found[0] != stocktake.pk:
            found = self._found = (stocktake.pk, services.stocktake_result(stocktake))
        return found[1]

    def get_missing(self, stocktake: Stocktake) -> list[int]:
        return [x.copy_id for x in self._result(stocktake).missing]

    def get_unexpected(self, stocktake: Stocktake) -> list[int]:
        return [x.copy_id for x in self._result(stocktake).unexpected]

    def get_misplaced(self, stocktake: Stocktake) -> list[int]:
        return [x.copy_id for x in self._result(stocktake).misplaced]


class OpenStocktakeSerializer(serializers.Serializer):
    cabinet = serializers.CharField(required=False, allow_blank=True, default="")


class SeenSerializer(serializers.Serializer):
    code = serializers.CharField()
    cabinet = serializers.CharField(help_text="cabinet code")


class StocktakeViewSet(VisibleReadViewSet):
    """清查: open for a cabinet (or all), `seen` for each scanned label, `close` at the end."""

    serializer_class = StocktakeSerializer
    queryset = Stocktake.objects.order_by("-id")

    def _cabinet(self, code: str) -> Any:
        from baomi.ledger.models import Cabinet

        found = Cabinet.objects.filter(code=code).first()
        if found is None:
            raise NotFound
        return found

    @extend_schema(request=OpenStocktakeSerializer, responses={201: StocktakeSerializer})
    def create(self, request: Request) -> Response:
        data = validated(OpenStocktakeSerializer, request)
        code = data["cabinet"]
        stocktake = services.open_stocktake(
            actor=person_of(request), cabinet=self._cabinet(code) if code else None
        )
        return Response(StocktakeSerializer(stocktake).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SeenSerializer, responses={200: StocktakeSerializer})
    @action(detail=True, methods=["post"])
    def seen(self, request: Request, pk: str) -> Response:
        data = validated(SeenSerializer, request)
        stocktake = self.get_object()
        services.record_seen(
            actor=person_of(request),
            stocktake=stocktake,
            code=data["code"],
            cabinet=self._cabinet(data["cabinet"]),
        )
        return Response(StocktakeSerializer(stocktake).data)

    @extend_schema(request=None, responses={200: StocktakeSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        stocktake = self.get_object()
        services.close_stocktake(actor=person_of(request), stocktake=stocktake)
        stocktake.refresh_from_db()
        return Response(StocktakeSerializer(stocktake).data)
