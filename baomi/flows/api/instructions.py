"""阅批 follow-up endpoints: the open instructions, and how they were carried out."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from baomi.core.api import VisibleReadViewSet
from baomi.core.errors import validated
from baomi.ledger.models import Instruction
from baomi.people.models import person_of

from .. import services
from ..services.instructions import CARRIED_OUT_MAX, chase_due_at


class InstructionFollowUpSerializer(serializers.ModelSerializer):
    """A routed item's instructions with their follow-up: chased how often, carried out how."""

    chase_due_at = serializers.SerializerMethodField()
    chases = serializers.SerializerMethodField()
    carried_out_at = serializers.SerializerMethodField()
    carried_out_by = serializers.SerializerMethodField()

    class Meta:
        model = Instruction
        fields = [
            "id",
            "document",
            "leader",
            "routed_by",
            "routed_at",
            "written_at",
            "chase_due_at",
            "chases",
            "carried_out_at",
            "carried_out_by",
        ]
        read_only_fields = fields

    @staticmethod
    def _follow_up(instruction: Instruction) -> Any:
        return getattr(instruction, "follow_up", None)

    def get_chase_due_at(self, instruction: Instruction) -> str:
        return chase_due_at(instruction).isoformat()

    def get_chases(self, instruction: Instruction) -> int:
        found = self._follow_up(instruction)
        return found.chases if found else 0

    def get_carried_out_at(self, instruction: Instruction) -> str | None:
        found = self._follow_up(instruction)
        return found.recorded_at.isoformat() if found and found.recorded_at else None

    def get_carried_out_by(self, instruction: Instruction) -> int | None:
        found = self._follow_up(instruction)
        return found.recorded_by_id if found else None


class CarriedOutSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=CARRIED_OUT_MAX)


class InstructionViewSet(VisibleReadViewSet):
    """阅批: instructions not yet carried out, the longest waiting first (the routing posts see
    all of them, a leader those addressed to them); `carried-out` records how written
    instructions were carried out (落实情况)."""

    serializer_class = InstructionFollowUpSerializer
    queryset = Instruction.objects.select_related("follow_up").order_by("routed_at", "id")

    def narrow(self, rows: QuerySet[Any]) -> QuerySet[Any]:
        if self.action == "list":
            return rows.filter(pk__in=services.open_instructions(self.request.user).values("pk"))
        return rows

    @extend_schema(request=CarriedOutSerializer, responses={200: InstructionFollowUpSerializer})
    @action(detail=True, methods=["post"], url_path="carried-out")
    def carried_out(self, request: Request, pk: str | None = None) -> Response:
        instruction = self.get_object()
        text = validated(CarriedOutSerializer, request)["text"]
        services.record_carrying_out(actor=person_of(request), instruction=instruction, text=text)
        found = Instruction.objects.select_related("follow_up").get(pk=instruction.pk)
        return Response(InstructionFollowUpSerializer(found).data)
