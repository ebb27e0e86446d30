"""REST API of the pre-publication review: the same services and rules as the desk.

Findings are shown to reviewers (and the leaders of a department asked for a second review),
described as the desk describes them: a document the person may not know of by its level and
departments only.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from baomi.core.api import VisibleReadViewSet, VisibleViewSetMixin
from baomi.core.errors import validated
from baomi.core.inputs import MULTILINE
from baomi.core.models import OrgUnit
from baomi.ledger.api.consent import ConsentLetterFields, letter_of
from baomi.people.models import person_of

from . import services
from .desk import describe_all
from .extract import MAX_CHARACTERS
from .models import Decision, Finding, Manuscript, Referral, ReleaseConsent


class FindingSerializer(serializers.ModelSerializer):
    description = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = ["id", "kind", "detail", "start", "end", "similarity", "description"]

    def get_description(self, finding: Finding) -> str:
        return str(self.context["descriptions"][finding.pk])


class ReferralSerializer(serializers.ModelSerializer):
    class Meta:
        model = Referral
        fields = ["id", "department", "referred_at", "signed_by", "signed_at", "agreed", "comment"]


class ReleaseConsentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReleaseConsent
        fields = ["id", "issuer", "reference", "given_on", "has_scan", "recorded_at"]


class DecisionSerializer(serializers.ModelSerializer):
    consent = ReleaseConsentSerializer(read_only=True)

    class Meta:
        model = Decision
        fields = [
            "verdict",
            "reasons",
            "redactions",
            "consent",
            "nothing_to_cut",
            "issuer_consent",
            "decided_by",
            "decided_at",
        ]


class ManuscriptSummarySerializer(serializers.ModelSerializer):
    """A row of the list: what a manuscript is and where it stands, without its text, findings
    or decision (those are on the manuscript itself)."""

    class Meta:
        model = Manuscript
        fields = [
            "id",
            "title",
            "kind",
            "outlet",
            "file_name",
            "department",
            "submitted_by",
            "submitted_at",
            "scanned_at",
            "state",
        ]


class ManuscriptSerializer(ManuscriptSummarySerializer):
    findings = serializers.SerializerMethodField()
    referrals = ReferralSerializer(many=True, read_only=True)
    decision = serializers.SerializerMethodField()

    class Meta(ManuscriptSummarySerializer.Meta):
        fields = [
            *ManuscriptSummarySerializer.Meta.fields,
            "text",
            "findings",
            "referrals",
            "decision",
        ]

    def get_findings(self, manuscript: Manuscript) -> list[dict[str, Any]] | None:
        person = self.context["request"].user
        if not services.may_see_findings(person, manuscript):
            return None
        rows = list(manuscript.findings.select_related("document__department", "secret_item"))
        context = {**self.context, "descriptions": describe_all(rows, person)}
        return cast(list[dict[str, Any]], FindingSerializer(rows, many=True, context=context).data)

    def get_decision(self, manuscript: Manuscript) -> dict[str, Any] | None:
        decision = manuscript.decisions.first()
        if decision is None:
            return None
        data = cast(dict[str, Any], DecisionSerializer(decision).data)
        # why findings were left in speaks of the findings: only to those who see them
        if services.may_see_findings(self.context["request"].user, manuscript):
            data["left_in"] = decision.left_in
        return data


class SubmitSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Manuscript.Kind.choices, default=Manuscript.Kind.TEXT)
    outlet = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    text = serializers.CharField(
        required=False, allow_blank=True, default="", trim_whitespace=False, style=MULTILINE
    )
    file = serializers.FileField(required=False, allow_null=True, default=None)


class ReferSerializer(serializers.Serializer):
    department = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all())


class DecideSerializer(ConsentLetterFields):
    verdict = serializers.ChoiceField(choices=Decision.Verdict.choices)
    reasons = serializers.CharField(required=False, allow_blank=True, default="", style=MULTILINE)
    redactions = serializers.ListField(
        child=serializers.ListField(
            child=serializers.IntegerField(min_value=0, max_value=MAX_CHARACTERS),
            min_length=2,
            max_length=2,
        ),
        required=False,
        default=list,
    )
    nothing_to_cut = serializers.BooleanField(required=False, default=False)
    nothing_to_cut_reason = serializers.CharField(
        required=False, allow_blank=True, default="", style=MULTILINE
    )
    left_in = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=500, style=MULTILINE
    )


class SignSerializer(serializers.Serializer):
    agreed = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, default="", style=MULTILINE)


class ManuscriptViewSet(VisibleReadViewSet):
    """送审稿: submit (text or a DOCX, PDF or text file), scan, refer, decide, redacted text."""

    serializer_class = ManuscriptSerializer
    queryset = Manuscript.objects.all()
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def narrow(self, visible: Any) -> Any:
        if self.action == "list":
            return visible.defer("text")
        return visible.prefetch_related("referrals")

    def get_serializer_class(self) -> Any:
        return ManuscriptSummarySerializer if self.action == "list" else ManuscriptSerializer

    @extend_schema(request=SubmitSerializer, responses={201: ManuscriptSerializer})
    def create(self, request: Request) -> Response:
        v = validated(SubmitSerializer, request)
        upload = v["file"]
        manuscript = services.submit_manuscript(
            actor=person_of(request),
            title=v["title"],
            kind=v["kind"],
            outlet=v["outlet"],
            text=v["text"],
            data=upload.read() if upload else None,
            file_name=(upload.name or "") if upload else "",
        )
        body = ManuscriptSerializer(manuscript, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: ManuscriptSerializer})
    @action(detail=True, methods=["post"])
    def scan(self, request: Request, pk: str) -> Response:
        manuscript = self.get_object()
        services.scan_manuscript(actor=person_of(request), manuscript=manuscript)
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=ReferSerializer, responses={201: ReferralSerializer})
    @action(detail=True, methods=["post"])
    def refer(self, request: Request, pk: str) -> Response:
        data = validated(ReferSerializer, request)
        referral = services.refer_manuscript(
            actor=person_of(request),
            manuscript=self.get_object(),
            department=data["department"],
        )
        return Response(ReferralSerializer(referral).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DecideSerializer, responses={200: ManuscriptSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        v = validated(DecideSerializer, request)
        services.decide_manuscript(
            actor=person_of(request),
            manuscript=self.get_object(),
            verdict=v["verdict"],
            reasons=v["reasons"],
            redactions=v["redactions"],
            consent=letter_of(v),
            nothing_to_cut=v["nothing_to_cut"],
            nothing_to_cut_reason=v["nothing_to_cut_reason"],
            left_in=v["left_in"],
        )
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(responses={(200, "text/plain"): OpenApiTypes.STR})
    @action(detail=True, methods=["get"])
    def redacted(self, request: Request, pk: str) -> HttpResponse:
        decision = self.get_object().decisions.filter(verdict=Decision.Verdict.REDACT).first()
        if decision is None:
            raise NotFound
        return HttpResponse(decision.redacted_text, content_type="text/plain; charset=utf-8")


class ReferralViewSet(VisibleViewSetMixin, viewsets.GenericViewSet):
    """会审: the department asked signs its second review."""

    serializer_class = ReferralSerializer
    queryset = Referral.objects.all()

    @extend_schema(request=SignSerializer, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str) -> Response:
        data = validated(SignSerializer, request)
        referral = services.sign_referral(
            actor=person_of(request),
            referral=self.get_object(),
            agreed=data["agreed"],
            comment=data["comment"],
        )
        return Response(ReferralSerializer(referral).data)


def register_routes(router: Any) -> None:
    router.register("manuscripts", ManuscriptViewSet, basename="manuscript")
    router.register("referrals", ReferralViewSet, basename="referral")
