"""丢失 endpoints: reported by anyone who may know the document, resolved by the security office."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from baomi.core.api import VisibleReadViewSet
from baomi.core.errors import validated
from baomi.core.inputs import MULTILINE
from baomi.people.models import person_of

from .. import services
from ..models import (
    LossReport,
)
from ._common import CopyRefSerializer, _copy


class LossReportSerializer(serializers.ModelSerializer):
    authority_report_due_at = serializers.DateTimeField(read_only=True, allow_null=True)

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
            "leak_deemed_at",
            "leak_report_due_at",
            "authority_report_due_at",
            "authority_reported_by",
            "authority_reported_at",
            "authority",
            "authority_reference",
            "resolved_by",
            "resolved_at",
            "resolution",
        ]


class ReportLostSerializer(CopyRefSerializer):
    circumstances = serializers.CharField(style=MULTILINE)


class AuthorityReportSerializer(serializers.Serializer):
    authority = serializers.CharField(max_length=100)
    reference = serializers.CharField(max_length=60)
    reported_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ResolveSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, default="", style=MULTILINE)


class LossReportViewSet(VisibleReadViewSet):
    """丢失: anyone who may know the document reports; the security office resolves."""

    serializer_class = LossReportSerializer
    queryset = LossReport.objects.order_by("state", "-id")

    @extend_schema(request=ReportLostSerializer, responses={201: LossReportSerializer})
    def create(self, request: Request) -> Response:
        data = validated(ReportLostSerializer, request)
        report = services.report_lost(
            actor=person_of(request),
            copy=_copy(request, data),
            circumstances=data["circumstances"],
        )
        return Response(LossReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ResolveSerializer, responses={200: LossReportSerializer})
    @action(detail=True, methods=["post"])
    def found(self, request: Request, pk: str) -> Response:
        data = validated(ResolveSerializer, request)
        report = services.mark_found(
            actor=person_of(request), report=self.get_object(), note=data["text"]
        )
        return Response(LossReportSerializer(report).data)

    @extend_schema(request=ResolveSerializer, responses={200: LossReportSerializer})
    @action(detail=True, methods=["post"], url_path="write-off")
    def write_off(self, request: Request, pk: str) -> Response:
        data = validated(ResolveSerializer, request)
        report = services.write_off(
            actor=person_of(request), report=self.get_object(), resolution=data["text"]
        )
        return Response(LossReportSerializer(report).data)

    @extend_schema(request=AuthorityReportSerializer, responses={200: LossReportSerializer})
    @action(detail=True, methods=["post"], url_path="authority-report")
    def authority_report(self, request: Request, pk: str) -> Response:
        """The report to the competent authority (DOC.LOSS): to whom, its reference number, and
        when it was made (now when not given)."""
        data = validated(AuthorityReportSerializer, request)
        report = services.record_authority_report(
            actor=person_of(request),
            report=self.get_object(),
            authority=data["authority"],
            reference=data["reference"],
            reported_at=data["reported_at"],
        )
        return Response(LossReportSerializer(report).data)
