"""REST API of the duty desk: telegrams, the roster, shift handovers and the duty board. The
same services and rules as the page; the desk belongs to the confidential room's posts."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from baomi import policy
from baomi.core.api import VisibleReadViewSet
from baomi.core.errors import validated
from baomi.core.inputs import MULTILINE
from baomi.core.levels import Level, Urgency
from baomi.ledger.models import Cabinet
from baomi.people.models import Person, person_of

from . import services
from .models import DutyHandover, DutyShift, Telegram


def _desk(request: Request) -> None:
    if not policy.check("custody.manage", actor=person_of(request)).allowed:
        raise PermissionDenied


def _staff() -> Any:
    return Person.objects.filter(is_active=True, admin_role="")


class TelegramSerializer(serializers.ModelSerializer):
    class Meta:
        model = Telegram
        fields = [
            "id",
            "direction",
            "kind",
            "number",
            "traffic",
            "urgency",
            "level",
            "important",
            "correspondent",
            "subject",
            "document",
            "in_reply_to",
            "registered_at",
            "ack_due_at",
            "acked_at",
            "due_at",
            "done_at",
            "outcome",
            "escalated_to",
            "head_seen_at",
            "in_charge_by",
            "in_charge_at",
        ]


class ReceiveSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=40)
    traffic = serializers.ChoiceField(choices=Telegram.Traffic.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    correspondent = serializers.CharField(max_length=100)
    subject = serializers.CharField(max_length=200)
    marking = serializers.CharField(required=False, allow_blank=True, default="")
    important = serializers.BooleanField(default=False)
    kind = serializers.ChoiceField(choices=Telegram.Kind.choices, default=Telegram.Kind.ORDINARY)
    cabinet = serializers.SlugRelatedField(slug_field="code", queryset=Cabinet.objects.all())
    due_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=300, style=MULTILINE)


class ReportSerializer(serializers.Serializer):
    leader = serializers.PrimaryKeyRelatedField(queryset=_staff())


class ReplySerializer(serializers.Serializer):
    number = serializers.CharField(max_length=40)
    traffic = serializers.ChoiceField(choices=Telegram.Traffic.choices)
    level = serializers.ChoiceField(choices=Level.choices)


class TelegramSendSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=40)
    traffic = serializers.ChoiceField(choices=Telegram.Traffic.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    level = serializers.ChoiceField(choices=Level.choices)
    correspondent = serializers.CharField(max_length=100)
    subject = serializers.CharField(max_length=200)


class TelegramViewSet(VisibleReadViewSet):
    """机要电报: register on receipt, acknowledge (回单), the head sees or takes charge of an
    alert notice, complete, reply; a telegram sent on its own (发电)."""

    serializer_class = TelegramSerializer
    queryset = Telegram.objects.all()

    def narrow(self, rows: Any) -> Any:
        if policy.check("custody.manage", actor=person_of(self.request)).allowed:
            return rows
        # the head of the confidential room sees what was reported to them
        return rows.filter(escalated_to=self.request.user.pk)

    @extend_schema(request=ReceiveSerializer, responses={201: TelegramSerializer})
    def create(self, request: Request) -> Response:
        _desk(request)
        data = validated(ReceiveSerializer, request)
        telegram = services.register_telegram(actor=person_of(request), **data)
        return Response(TelegramSerializer(telegram).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: TelegramSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str) -> Response:
        telegram = services.acknowledge_telegram(
            actor=person_of(request), telegram=self.get_object()
        )
        return Response(TelegramSerializer(telegram).data)

    @extend_schema(request=TelegramSendSerializer, responses={201: TelegramSerializer})
    @action(detail=False, methods=["post"])
    def send(self, request: Request) -> Response:
        _desk(request)
        data = validated(TelegramSendSerializer, request)
        sent = services.send_telegram(actor=person_of(request), **data)
        return Response(TelegramSerializer(sent).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: TelegramSerializer})
    @action(detail=True, methods=["post"], url_path="take-charge", url_name="take-charge")
    def take_charge(self, request: Request, pk: str) -> Response:
        telegram = services.take_charge_of_telegram(
            actor=person_of(request), telegram=self.get_object()
        )
        return Response(TelegramSerializer(telegram).data)

    @extend_schema(request=None, responses={200: TelegramSerializer})
    @action(detail=True, methods=["post"])
    def seen(self, request: Request, pk: str) -> Response:
        telegram = services.head_has_seen(actor=person_of(request), telegram=self.get_object())
        return Response(TelegramSerializer(telegram).data)

    @extend_schema(request=ReportSerializer, responses={200: TelegramSerializer})
    @action(detail=True, methods=["post"])
    def report(self, request: Request, pk: str) -> Response:
        data = validated(ReportSerializer, request)
        telegram = services.report_telegram(
            actor=person_of(request), telegram=self.get_object(), leader=data["leader"]
        )
        return Response(TelegramSerializer(telegram).data)

    @extend_schema(request=OutcomeSerializer, responses={200: TelegramSerializer})
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        data = validated(OutcomeSerializer, request)
        telegram = services.complete_telegram(
            actor=person_of(request), telegram=self.get_object(), outcome=data["outcome"]
        )
        return Response(TelegramSerializer(telegram).data)

    @extend_schema(request=ReplySerializer, responses={201: TelegramSerializer})
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk: str) -> Response:
        data = validated(ReplySerializer, request)
        reply = services.reply_telegram(
            actor=person_of(request), original=self.get_object(), **data
        )
        return Response(TelegramSerializer(reply).data, status=status.HTTP_201_CREATED)


class ShiftSerializer(serializers.ModelSerializer):
    class Meta:
        model = DutyShift
        fields = ["id", "day", "role", "person", "starts_at", "ends_at"]


class AssignSerializer(serializers.Serializer):
    day = serializers.DateField()
    primary = serializers.PrimaryKeyRelatedField(queryset=_staff())
    secondary = serializers.PrimaryKeyRelatedField(queryset=_staff())


class DutyShiftViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """正副班: the roster; POST assigns one duty day's two shifts."""

    serializer_class = ShiftSerializer
    queryset = DutyShift.objects.none()

    def get_queryset(self) -> Any:
        _desk(self.request)
        return DutyShift.objects.all()

    @extend_schema(request=AssignSerializer, responses={201: ShiftSerializer(many=True)})
    def create(self, request: Request) -> Response:
        _desk(request)
        data = validated(AssignSerializer, request)
        shifts = services.assign_duty(actor=person_of(request), **data)
        return Response(ShiftSerializer(shifts, many=True).data, status=status.HTTP_201_CREATED)


class DutyHandoverSerializer(serializers.ModelSerializer):
    class Meta:
        model = DutyHandover
        fields = [
            "id",
            "day",
            "handed_by",
            "taken_by",
            "opened_at",
            "items",
            "handed_signed_at",
            "taken_signed_at",
        ]


class OpenDutyHandoverSerializer(serializers.Serializer):
    taken_by = serializers.PrimaryKeyRelatedField(queryset=_staff())


class DutyHandoverViewSet(VisibleReadViewSet):
    """交接班: the unfinished items listed by the outgoing officer; both sign."""

    serializer_class = DutyHandoverSerializer
    queryset = DutyHandover.objects.all()

    def narrow(self, rows: Any) -> Any:
        _desk(self.request)
        return rows

    @extend_schema(request=OpenDutyHandoverSerializer, responses={201: DutyHandoverSerializer})
    def create(self, request: Request) -> Response:
        _desk(request)
        data = validated(OpenDutyHandoverSerializer, request)
        handover = services.hand_over_duty(actor=person_of(request), taken_by=data["taken_by"])
        return Response(DutyHandoverSerializer(handover).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: DutyHandoverSerializer})
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str) -> Response:
        handover = services.sign_duty_handover(actor=person_of(request), handover=self.get_object())
        return Response(DutyHandoverSerializer(handover).data)


class ClockSerializer(serializers.Serializer):
    telegram = serializers.IntegerField(source="telegram.pk")
    number = serializers.CharField(source="telegram.number")
    kind = serializers.CharField()
    due_at = serializers.DateTimeField()
    overdue = serializers.BooleanField()


@extend_schema(responses={200: ClockSerializer(many=True)})
@api_view(["GET"])
def duty_board(request: Request) -> Response:
    """Every running clock, soonest first."""
    _desk(request)
    return Response(ClockSerializer(services.duty_board(request.user), many=True).data)


def register_routes(router: Any) -> None:
    router.register("telegrams", TelegramViewSet, basename="telegram")
    router.register("duty-shifts", DutyShiftViewSet, basename="duty-shift")
    router.register("duty-handovers", DutyHandoverViewSet, basename="duty-handover")


def urls() -> list[Any]:
    from django.urls import path

    return [path("duty-board/", duty_board, name="api-duty-board")]
