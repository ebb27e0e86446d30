"""传递 and 携带外出 endpoints: channels, transfers, carry-outs."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from baomi.core.api import VisibleListViewSet
from baomi.core.errors import validated
from baomi.core.inputs import id_field
from baomi.ledger.models import Document
from baomi.people.models import person_of

from .. import services
from ..models import (
    CarryOut,
    Channel,
    Transfer,
)
from ._common import CopyRefSerializer, _approval, _copy, _staff


class ChannelSerializer(serializers.ModelSerializer):
    class Meta:
        model = Channel
        fields = ["id", "name", "kind", "max_level", "encrypted", "for_classified", "active"]


class ChannelViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Transfer channels; the security office configures them."""

    serializer_class = ChannelSerializer
    queryset = Channel.objects.order_by("name")

    @extend_schema(request=ChannelSerializer, responses={201: ChannelSerializer})
    def create(self, request: Request) -> Response:
        data = validated(ChannelSerializer, request)
        channel = services.create_channel(
            actor=person_of(request),
            **{k: v for k, v in data.items() if k != "active"},
        )
        return Response(ChannelSerializer(channel).data, status=status.HTTP_201_CREATED)


class TransferSerializer(serializers.ModelSerializer):
    class Meta:
        model = Transfer
        fields = [
            "id",
            "copy",
            "channel",
            "couriers",
            "recipient",
            "in_reply_to",
            "sent_at",
            "received_at",
            "signed_by",
        ]


class SendSerializer(CopyRefSerializer):
    channel = serializers.PrimaryKeyRelatedField(queryset=Channel.objects.filter(active=True))
    couriers = serializers.PrimaryKeyRelatedField(queryset=_staff(), many=True)
    recipient = serializers.CharField(max_length=100)
    in_reply_to = id_field(required=False, allow_null=True, default=None)


class SignedBySerializer(serializers.Serializer):
    signed_by = serializers.CharField(max_length=60)


class TransferViewSet(VisibleListViewSet):
    """传递: send a copy over a channel; `deliver` when the recipient has signed."""

    serializer_class = TransferSerializer
    queryset = Transfer.objects.order_by("-sent_at", "-id")

    @extend_schema(request=SendSerializer, responses={201: TransferSerializer})
    def create(self, request: Request) -> Response:
        data = validated(SendSerializer, request)
        answered = None
        if data["in_reply_to"]:
            visible = Document.objects.visible_to(request.user)
            answered = visible.filter(pk=data["in_reply_to"]).first()
            if answered is None:
                raise NotFound
        transfer = services.send_copy(
            actor=person_of(request),
            copy=_copy(request, data),
            channel=data["channel"],
            couriers=data["couriers"],
            recipient=data["recipient"],
            in_reply_to=answered,
        )
        return Response(TransferSerializer(transfer).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SignedBySerializer, responses={200: TransferSerializer})
    @action(detail=True, methods=["post"])
    def deliver(self, request: Request, pk: str) -> Response:
        data = validated(SignedBySerializer, request)
        transfer = services.confirm_delivery(
            actor=person_of(request),
            transfer=self.get_object(),
            signed_by=data["signed_by"],
        )
        return Response(TransferSerializer(transfer).data)


class CarryOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = CarryOut
        fields = [
            "id",
            "copy",
            "person",
            "destination",
            "abroad",
            "approval",
            "out_at",
            "due_at",
            "back_at",
        ]


class CarryOutRequestSerializer(CopyRefSerializer):
    person = serializers.PrimaryKeyRelatedField(queryset=_staff())
    companions = serializers.PrimaryKeyRelatedField(queryset=_staff(), many=True, default=list)
    destination = serializers.CharField(max_length=100)
    due_at = serializers.DateTimeField()
    abroad = serializers.BooleanField(default=False)
    approval = id_field(required=False, allow_null=True, default=None)


class CarryOutViewSet(VisibleListViewSet):
    """带出: a copy out of the office with approval; `back` when it is brought back."""

    serializer_class = CarryOutSerializer
    queryset = CarryOut.objects.order_by("-out_at", "-id")

    @extend_schema(request=CarryOutRequestSerializer, responses={201: CarryOutSerializer})
    def create(self, request: Request) -> Response:
        v = validated(CarryOutRequestSerializer, request)
        record = services.carry_out(
            actor=person_of(request),
            copy=_copy(request, v),
            person=v["person"],
            companions=v["companions"],
            destination=v["destination"],
            due_at=v["due_at"],
            abroad=v["abroad"],
            approval=_approval(v["approval"], v["person"]),
        )
        return Response(CarryOutSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: CarryOutSerializer})
    @action(detail=True, methods=["post"])
    def back(self, request: Request, pk: str) -> Response:
        record = services.bring_back(actor=person_of(request), record=self.get_object())
        return Response(CarryOutSerializer(record).data)
