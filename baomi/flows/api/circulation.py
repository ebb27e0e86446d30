"""传阅 endpoints: circulations and a reader's own steps."""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from baomi.core.api import VisibleReadViewSet, VisibleViewSetMixin
from baomi.core.errors import validated
from baomi.people.models import Person, person_of

from .. import services
from ..models import (
    Circulation,
    CirculationStep,
)
from ._common import CopyRefSerializer, _copy, _staff


class StepSerializer(serializers.ModelSerializer):
    class Meta:
        model = CirculationStep
        fields = [
            "id",
            "position",
            "reader",
            "state",
            "handed_at",
            "due_at",
            "signed_at",
            "returned_at",
        ]


class CirculationSerializer(serializers.ModelSerializer):
    steps = StepSerializer(many=True, read_only=True)

    class Meta:
        model = Circulation
        fields = ["id", "copy", "clerk", "state", "started_at", "deadline", "finished_at", "steps"]


class StartCirculationSerializer(CopyRefSerializer):
    readers = serializers.PrimaryKeyRelatedField(queryset=_staff(), many=True)


class CirculationViewSet(VisibleReadViewSet):
    """传阅: open circulations first; `hand` gives the copy to the next reader, `take-back`
    receives it from the reader who has it; readers sign through `steps/{id}/sign`."""

    serializer_class = CirculationSerializer
    queryset = Circulation.objects.prefetch_related("steps").order_by("state", "-started_at", "-id")

    @extend_schema(request=StartCirculationSerializer, responses={201: CirculationSerializer})
    def create(self, request: Request) -> Response:
        data = validated(StartCirculationSerializer, request)
        circulation = services.start_circulation(
            actor=person_of(request),
            copy=_copy(request, data),
            readers=data["readers"],
        )
        return Response(CirculationSerializer(circulation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: StepSerializer})
    @action(detail=True, methods=["post"])
    def hand(self, request: Request, pk: str) -> Response:
        step = services.hand_to_reader(actor=person_of(request), circulation=self.get_object())
        return Response(StepSerializer(step).data)

    @extend_schema(request=None, responses={200: StepSerializer})
    @action(detail=True, methods=["post"], url_path="take-back")
    def take_back(self, request: Request, pk: str) -> Response:
        step = services.take_back(actor=person_of(request), circulation=self.get_object())
        return Response(StepSerializer(step).data)


class StepViewSet(VisibleViewSetMixin, viewsets.GenericViewSet):
    """A reader's own turns in circulations."""

    serializer_class = StepSerializer
    queryset = CirculationStep.objects.all()

    def narrow(self, rows: Any) -> Any:
        return rows.filter(reader=cast(Person, self.request.user))

    @extend_schema(request=None, responses={200: StepSerializer})
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str) -> Response:
        step = services.sign_for_copy(actor=person_of(request), step=self.get_object())
        return Response(StepSerializer(step).data)
