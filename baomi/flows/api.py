"""REST API of the daily flows: circulations, loans and loss reports, each action one service.

Copies are named by id or by their label's code; whatever the person may not know of answers
404. Denials are problem+json naming the rules, as everywhere.
"""

from __future__ import annotations

from typing import Any, cast

from django.db import models
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from baomi.core.errors import validated
from baomi.ledger.models import Copy, Document, visible
from baomi.ledger.queries import copy_by_code
from baomi.people.models import Person

from . import services
from .models import (
    ArchiveVolume,
    CarryOut,
    Channel,
    Circulation,
    CirculationStep,
    DestructionBatch,
    Handover,
    Loan,
    LossReport,
    Stocktake,
    Transfer,
)


def _staff() -> QuerySet[Person]:
    return Person.objects.filter(is_active=True, admin_role="")


def _copy(request: Request, data: dict[str, Any]) -> Copy:
    """The copy named by `copy` (id) or `code` (its label), if the person may know of it."""
    if data.get("code"):
        found = copy_by_code(request.user, data["code"])
    else:
        visible = Document.objects.visible_to(request.user)
        found = Copy.objects.filter(pk=int(data["copy"]), document__in=visible).first()
    if found is None:
        raise NotFound
    return found


class CopyRefSerializer(serializers.Serializer):
    copy = serializers.IntegerField(required=False, help_text="copy id")
    code = serializers.CharField(required=False, help_text="label code, e.g. BMC-12-000003")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("copy") and not attrs.get("code"):
            raise serializers.ValidationError(_("Name the copy by its id or its label."))
        return attrs


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
        fields = ["id", "copy", "clerk", "state", "started_at", "finished_at", "steps"]


class StartCirculationSerializer(CopyRefSerializer):
    readers = serializers.PrimaryKeyRelatedField(queryset=_staff(), many=True)


class CirculationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """传阅: open circulations first; `hand` gives the copy to the next reader, `take-back`
    receives it from the reader who has it; readers sign through `steps/{id}/sign`."""

    serializer_class = CirculationSerializer
    queryset = Circulation.objects.none()

    def get_queryset(self) -> Any:
        return (
            Circulation.objects.filter(visible(self.request.user, "copy__document"))
            .prefetch_related("steps")
            .order_by("state", "-started_at", "-id")
        )

    @extend_schema(request=StartCirculationSerializer, responses={201: CirculationSerializer})
    def create(self, request: Request) -> Response:
        data = validated(StartCirculationSerializer, request)
        circulation = services.start_circulation(
            actor=request.user,
            copy=_copy(request, data),
            readers=data["readers"],
        )
        return Response(CirculationSerializer(circulation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: StepSerializer})
    @action(detail=True, methods=["post"])
    def hand(self, request: Request, pk: str) -> Response:
        step = services.hand_to_reader(actor=request.user, circulation=self.get_object())
        return Response(StepSerializer(step).data)

    @extend_schema(request=None, responses={200: StepSerializer})
    @action(detail=True, methods=["post"], url_path="take-back")
    def take_back(self, request: Request, pk: str) -> Response:
        step = services.take_back(actor=request.user, circulation=self.get_object())
        return Response(StepSerializer(step).data)


class StepViewSet(viewsets.GenericViewSet):
    """A reader's own turns in circulations."""

    serializer_class = StepSerializer
    queryset = CirculationStep.objects.none()

    def get_queryset(self) -> Any:
        return CirculationStep.objects.filter(reader=cast(Person, self.request.user))

    @extend_schema(request=None, responses={200: StepSerializer})
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str) -> Response:
        step = services.sign_for_copy(actor=request.user, step=self.get_object())
        return Response(StepSerializer(step).data)


class LoanSerializer(serializers.ModelSerializer):
    class Meta:
        model = Loan
        fields = [
            "id",
            "copy",
            "borrower",
            "lent_by",
            "place",
            "lent_at",
            "due_at",
            "returned_at",
            "approval",
        ]


class LendSerializer(CopyRefSerializer):
    borrower = serializers.PrimaryKeyRelatedField(queryset=_staff())
    place = serializers.ChoiceField(choices=Loan.Place.choices, default=Loan.Place.OFFICE)
    due_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    approval = serializers.IntegerField(required=False, allow_null=True, default=None)


class LoanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """借阅: open loans first, then the returned ones."""

    serializer_class = LoanSerializer
    queryset = Loan.objects.none()

    def get_queryset(self) -> Any:
        return Loan.objects.filter(visible(self.request.user, "copy__document")).order_by(
            "-returned_at", "due_at", "id"
        )

    @extend_schema(request=LendSerializer, responses={201: LoanSerializer})
    def create(self, request: Request) -> Response:
        v = validated(LendSerializer, request)
        # the borrower's own approval to read the copy at home, used up by this loan
        approval = _approval(v["approval"], v["borrower"])
        loan = services.lend_copy(
            actor=request.user,
            copy=_copy(request, v),
            borrower=v["borrower"],
            place=v["place"],
            due_at=v["due_at"],
            approval=approval,
        )
        return Response(LoanSerializer(loan).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: LoanSerializer})
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: str) -> Response:
        loan = services.return_loan(actor=request.user, loan=self.get_object())
        return Response(LoanSerializer(loan).data)


class LossReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = LossReport
        fields = [
            "id",
            "copy",
            "reported_by",
            "reported_at",
            "circumstances",
            "state",
            "report_due_at",
            "deemed_leak_on",
            "resolved_by",
            "resolved_at",
            "resolution",
        ]


class ReportLostSerializer(CopyRefSerializer):
    circumstances = serializers.CharField()


class ResolveSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, default="")


class LossReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """丢失: anyone who may know the document reports; the security office resolves."""

    serializer_class = LossReportSerializer
    queryset = LossReport.objects.none()

    def get_queryset(self) -> Any:
        return LossReport.objects.filter(visible(self.request.user, "copy__document")).order_by(
            "state", "-id"
        )

    @extend_schema(request=ReportLostSerializer, responses={201: LossReportSerializer})
    def create(self, request: Request) -> Response:
        data = validated(ReportLostSerializer, request)
        report = services.report_lost(
            actor=request.user,
            copy=_copy(request, data),
            circumstances=data["circumstances"],
        )
        return Response(LossReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ResolveSerializer, responses={200: LossReportSerializer})
    @action(detail=True, methods=["post"])
    def found(self, request: Request, pk: str) -> Response:
        data = validated(ResolveSerializer, request)
        report = services.mark_found(
            actor=request.user, report=self.get_object(), note=data["text"]
        )
        return Response(LossReportSerializer(report).data)

    @extend_schema(request=ResolveSerializer, responses={200: LossReportSerializer})
    @action(detail=True, methods=["post"], url_path="write-off")
    def write_off(self, request: Request, pk: str) -> Response:
        data = validated(ResolveSerializer, request)
        report = services.write_off(
            actor=request.user, report=self.get_object(), resolution=data["text"]
        )
        return Response(LossReportSerializer(report).data)


def register_routes(router: Any) -> None:
    """Mount the flows' endpoints on the API's router."""
    router.register("circulations", CirculationViewSet, basename="circulation")
    router.register("circulation-steps", StepViewSet, basename="circulation-step")
    router.register("loans", LoanViewSet, basename="loan")
    router.register("loss-reports", LossReportViewSet, basename="loss-report")
    router.register("channels", ChannelViewSet, basename="channel")
    router.register("transfers", TransferViewSet, basename="transfer")
    router.register("carry-outs", CarryOutViewSet, basename="carry-out")
    router.register("handovers", HandoverViewSet, basename="handover")
    router.register("destruction-batches", DestructionBatchViewSet, basename="destruction-batch")
    router.register("stocktakes", StocktakeViewSet, basename="stocktake")
    router.register("archive-volumes", ArchiveVolumeViewSet, basename="archive-volume")


def urls() -> list[Any]:
    """Endpoints that are single actions rather than collections."""
    from django.urls import path

    return [path("reproductions/", reproduce, name="api-reproduce")]


# --- transfer, carry-out, copying ---------------------------------------------------------------


def _approval(pk: int | None, requester: Any) -> Any:
    from baomi.approvals.models import Approval

    if not pk:
        return None
    found = Approval.objects.filter(pk=pk, requester=requester).first()
    if found is None:
        raise NotFound
    return found


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
            actor=request.user,
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
    in_reply_to = serializers.IntegerField(required=False, allow_null=True, default=None)


class SignedBySerializer(serializers.Serializer):
    signed_by = serializers.CharField(max_length=60)


class TransferViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """传递: send a copy over a channel; `deliver` when the recipient has signed."""

    serializer_class = TransferSerializer
    queryset = Transfer.objects.none()

    def get_queryset(self) -> Any:
        return Transfer.objects.filter(visible(self.request.user, "copy__document")).order_by(
            "-sent_at", "-id"
        )

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
            actor=request.user,
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
            actor=request.user,
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
    approval = serializers.IntegerField(required=False, allow_null=True, default=None)


class CarryOutViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """带出: a copy out of the office with approval; `back` when it is brought back."""

    serializer_class = CarryOutSerializer
    queryset = CarryOut.objects.none()

    def get_queryset(self) -> Any:
        return CarryOut.objects.filter(visible(self.request.user, "copy__document")).order_by(
            "-out_at", "-id"
        )

    @extend_schema(request=CarryOutRequestSerializer, responses={201: CarryOutSerializer})
    def create(self, request: Request) -> Response:
        v = validated(CarryOutRequestSerializer, request)
        record = services.carry_out(
            actor=request.user,
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
        record = services.bring_back(actor=request.user, record=self.get_object())
        return Response(CarryOutSerializer(record).data)


class ReproduceSerializer(CopyRefSerializer):
    count = serializers.IntegerField(min_value=1, max_value=99)
    cabinet = serializers.CharField(help_text="cabinet code")
    approval = serializers.IntegerField(required=False, allow_null=True, default=None)
    issuer_consent = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema(request=ReproduceSerializer, responses={201: dict})
@api_view(["POST"])
def reproduce(request: Request) -> Response:
    """复制: approved copies of the document a copy belongs to, numbered on."""
    from baomi.ledger.models import Cabinet

    v = validated(ReproduceSerializer, request)
    cabinet = Cabinet.objects.filter(code=v["cabinet"]).first()
    if cabinet is None:
        raise NotFound
    made = services.reproduce_copies(
        actor=request.user,
        document=_copy(request, v).document,
        count=v["count"],
        cabinet=cabinet,
        approval=_approval(v["approval"], request.user),
        issuer_consent=v["issuer_consent"],
    )
    return Response(
        {"copies": [{"id": c.pk, "copy_no": c.label} for c in made]},
        status=status.HTTP_201_CREATED,
    )


# --- handover, destruction, stocktake ----------------------------------------------------------


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
    reason = serializers.CharField(max_length=300)


class HandoverViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """移交: the lists a person opened, gives or receives; `check` a copy, `sign` the list,
    `cancel` an open one with the reason."""

    serializer_class = HandoverSerializer
    queryset = Handover.objects.none()

    def get_queryset(self) -> Any:
        me = self.request.user.pk
        return (
            Handover.objects.filter(
                models.Q(person_id=me) | models.Q(receiver_id=me) | models.Q(opened_by_id=me)
            )
            .prefetch_related("items")
            .order_by("-opened_at", "-id")
        )

    @extend_schema(request=OpenHandoverSerializer, responses={201: HandoverSerializer})
    def create(self, request: Request) -> Response:
        data = validated(OpenHandoverSerializer, request)
        handover = services.open_handover(actor=request.user, **data)
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
        services.check_handover_item(actor=request.user, handover=handover, copy=copy)
        return Response(HandoverSerializer(self.get_object()).data)

    @extend_schema(request=None, responses={200: HandoverSerializer})
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str) -> Response:
        handover = services.sign_handover(actor=request.user, handover=self.get_object())
        return Response(HandoverSerializer(handover).data)

    @extend_schema(request=ReasonSerializer, responses={200: HandoverSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        data = validated(ReasonSerializer, request)
        handover = services.cancel_handover(
            actor=request.user, handover=self.get_object(), reason=data["reason"]
        )
        return Response(HandoverSerializer(handover).data)


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
    copies = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


class DestroySerializer(serializers.Serializer):
    method = serializers.CharField(max_length=60)
    place = serializers.CharField(max_length=100)
    on_site = serializers.BooleanField(default=False)
    escort = serializers.PrimaryKeyRelatedField(queryset=_staff(), allow_null=True, default=None)
    supervisors = serializers.PrimaryKeyRelatedField(queryset=_staff(), many=True)
    approval = serializers.IntegerField(required=False, allow_null=True, default=None)


class DestructionBatchViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """销毁: list copies, destroy the batch under supervision, fetch its certificate."""

    serializer_class = BatchSerializer
    queryset = DestructionBatch.objects.none()

    def get_queryset(self) -> Any:
        return services.whole_batches(self.request.user).prefetch_related("items")

    @extend_schema(request=ListBatchSerializer, responses={201: BatchSerializer})
    def create(self, request: Request) -> Response:
        data = validated(ListBatchSerializer, request)
        copies = [_copy(request, {"copy": pk}) for pk in data["copies"]]
        batch = services.list_for_destruction(actor=request.user, copies=copies)
        return Response(BatchSerializer(batch).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DestroySerializer, responses={200: BatchSerializer})
    @action(detail=True, methods=["post"], url_path="destroy")
    def destroy_batch(self, request: Request, pk: str) -> Response:
        v = validated(DestroySerializer, request)
        batch = services.destroy_batch(
            actor=request.user,
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
        from .certificate import destruction_certificate

        batch = self.get_object()
        if batch.state != DestructionBatch.State.DESTROYED:
            raise NotFound
        return HttpResponse(destruction_certificate(batch), content_type="application/pdf")


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


class StocktakeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """清查: open for a cabinet (or all), `seen` for each scanned label, `close` at the end."""

    serializer_class = StocktakeSerializer
    queryset = Stocktake.objects.none()

    def get_queryset(self) -> Any:
        return Stocktake.objects.filter(opened_by=cast(Person, self.request.user)).order_by("-id")

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
            actor=request.user, cabinet=self._cabinet(code) if code else None
        )
        return Response(StocktakeSerializer(stocktake).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SeenSerializer, responses={200: StocktakeSerializer})
    @action(detail=True, methods=["post"])
    def seen(self, request: Request, pk: str) -> Response:
        data = validated(SeenSerializer, request)
        stocktake = self.get_object()
        services.record_seen(
            actor=request.user,
            stocktake=stocktake,
            code=data["code"],
            cabinet=self._cabinet(data["cabinet"]),
        )
        return Response(StocktakeSerializer(stocktake).data)

    @extend_schema(request=None, responses={200: StocktakeSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        stocktake = self.get_object()
        services.close_stocktake(actor=request.user, stocktake=stocktake)
        stocktake.refresh_from_db()
        return Response(StocktakeSerializer(stocktake).data)


class ArchiveVolumeSerializer(serializers.ModelSerializer):
    copies = serializers.SerializerMethodField()

    class Meta:
        model = ArchiveVolume
        fields = ["id", "year", "title", "department", "cabinet", "created_at", "copies"]

    def get_copies(self, volume: ArchiveVolume) -> list[int]:
        return [c.pk for c in volume.copies.all()]


class ArchiveSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    title = serializers.CharField(max_length=100)
    department = serializers.IntegerField(help_text="department id")
    cabinet = serializers.CharField(help_text="cabinet code")
    copies = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


class DueCopySerializer(serializers.ModelSerializer):
    class Meta:
        model = Copy
        fields = ["id", "document", "copy_no", "state", "holder"]


class ArchiveVolumeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """归档: volumes of the year's completed documents; `due` lists copies still held that are
    due for archiving."""

    serializer_class = ArchiveVolumeSerializer
    queryset = ArchiveVolume.objects.none()

    def get_queryset(self) -> Any:
        return services.whole_volumes(self.request.user).prefetch_related("copies")

    @extend_schema(request=ArchiveSerializer, responses={201: ArchiveVolumeSerializer})
    def create(self, request: Request) -> Response:
        from baomi.core.models import OrgUnit
        from baomi.ledger.models import Cabinet

        v = validated(ArchiveSerializer, request)
        volume = services.archive_copies(
            actor=request.user,
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
