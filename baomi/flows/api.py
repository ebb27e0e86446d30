"""REST API of the daily flows: circulations, loans and loss reports, each action one service.

Copies are named by id or by their label's code; whatever the person may not know of answers
404. Denials are problem+json naming the rules, as everywhere.
"""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from baomi.ledger.models import Copy, Document
from baomi.ledger.queries import copy_by_code
from baomi.people.models import Person

from . import services
from .models import Circulation, CirculationStep, Loan, LossReport


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
        visible = Document.objects.visible_to(self.request.user)
        return (
            Circulation.objects.filter(copy__document__in=visible)
            .prefetch_related("steps")
            .order_by("state", "-started_at", "-id")
        )

    @extend_schema(request=StartCirculationSerializer, responses={201: CirculationSerializer})
    def create(self, request: Request) -> Response:
        data = StartCirculationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        circulation = services.start_circulation(
            actor=request.user,
            copy=_copy(request, data.validated_data),
            readers=data.validated_data["readers"],
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
        visible = Document.objects.visible_to(self.request.user)
        return Loan.objects.filter(copy__document__in=visible).order_by(
            "-returned_at", "due_at", "id"
        )

    @extend_schema(request=LendSerializer, responses={201: LoanSerializer})
    def create(self, request: Request) -> Response:
        from baomi.approvals.models import Approval

        data = LendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        approval = None
        if data.validated_data["approval"]:
            # the borrower's own approval to read the copy at home, used up by this loan
            approval = Approval.objects.filter(
                pk=data.validated_data["approval"], requester=data.validated_data["borrower"]
            ).first()
            if approval is None:
                raise NotFound
        loan = services.lend_copy(
            actor=request.user,
            copy=_copy(request, data.validated_data),
            borrower=data.validated_data["borrower"],
            place=data.validated_data["place"],
            due_at=data.validated_data["due_at"],
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
        visible = Document.objects.visible_to(self.request.user)
        return LossReport.objects.filter(copy__document__in=visible).order_by("state", "-id")

    @extend_schema(request=ReportLostSerializer, responses={201: LossReportSerializer})
    def create(self, request: Request) -> Response:
        data = ReportLostSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.report_lost(
            actor=request.user,
            copy=_copy(request, data.validated_data),
            circumstances=data.validated_data["circumstances"],
        )
        return Response(LossReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ResolveSerializer, responses={200: LossReportSerializer})
    @action(detail=True, methods=["post"])
    def found(self, request: Request, pk: str) -> Response:
        data = ResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.mark_found(
            actor=request.user, report=self.get_object(), note=data.validated_data["text"]
        )
        return Response(LossReportSerializer(report).data)

    @extend_schema(request=ResolveSerializer, responses={200: LossReportSerializer})
    @action(detail=True, methods=["post"], url_path="write-off")
    def write_off(self, request: Request, pk: str) -> Response:
        data = ResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.write_off(
            actor=request.user, report=self.get_object(), resolution=data.validated_data["text"]
        )
        return Response(LossReportSerializer(report).data)


def register_routes(router: Any) -> None:
    """Mount the flows' endpoints on the API's router."""
    router.register("circulations", CirculationViewSet, basename="circulation")
    router.register("circulation-steps", StepViewSet, basename="circulation-step")
    router.register("loans", LoanViewSet, basename="loan")
    router.register("loss-reports", LossReportViewSet, basename="loss-report")
