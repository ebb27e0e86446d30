"""REST API of classified meetings: the same services and rules as the pages."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from baomi.core.api import VisibleReadViewSet
from baomi.core.errors import validated
from baomi.core.inputs import COPIES_MAX, MULTILINE
from baomi.core.levels import Level
from baomi.core.models import OrgUnit
from baomi.ledger.models import Cabinet, Copy
from baomi.ledger.queries import copy_by_code
from baomi.people.models import Person, person_of

from . import services
from .models import (
    DisciplineAnnouncement,
    Handout,
    Meeting,
    Participant,
    SecuritySignOff,
    VenueCheck,
)


def _staff() -> Any:
    return Person.objects.filter(is_active=True, admin_role="")


class Strict(serializers.Serializer):
    """A request body holding only the fields declared: a field the meeting's actions no longer
    take (a ticked check, "discipline announced", "venue checked") is refused by name, never
    silently ignored, so no one takes it for a way round a recorded act."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        sent = set(getattr(self, "initial_data", None) or ())
        unknown = sorted(sent - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {name: _("This field is not accepted here.") for name in unknown}
            )
        return attrs


class SignOffSerializer(serializers.ModelSerializer):
    class Meta:
        model = SecuritySignOff
        fields = [
            "id",
            "officer",
            "signed_at",
            "plan_version",
            "venue_inspection",
            "microphones",
            "measures",
        ]
        read_only_fields = fields


class AnnouncementSerializer(serializers.ModelSerializer):
    class Meta:
        model = DisciplineAnnouncement
        fields = ["id", "announced_by", "recorded_by", "announced_at", "session"]
        read_only_fields = fields


class VenueCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = VenueCheck
        fields = [
            "id",
            "checked_by",
            "recorded_by",
            "checked_at",
            "places",
            "papers_found",
            "notebooks_found",
            "findings",
        ]
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer):
    signoffs = SignOffSerializer(many=True, read_only=True)
    announcements = AnnouncementSerializer(many=True, read_only=True)
    venue_checks = VenueCheckSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "title",
            "level",
            "venue",
            "starts_at",
            "organizer",
            "security_lead",
            "secure_cabinet",
            "relay_scope",
            "state",
            "plan",
            "plan_version",
            "recording_planned",
            "signoffs",
            "approved_by",
            "approved_at",
            "session",
            "announcements",
            "venue_checks",
            "closed_at",
        ]
        read_only_fields = fields


class PlanMeetingSerializer(Strict):
    title = serializers.CharField(max_length=200)
    level = serializers.ChoiceField(choices=Level.choices)
    venue = serializers.CharField(max_length=200)
    starts_at = serializers.DateTimeField()
    security_lead = serializers.PrimaryKeyRelatedField(queryset=_staff())
    secure_cabinet = serializers.SlugRelatedField(slug_field="code", queryset=Cabinet.objects.all())
    relay_scope = serializers.PrimaryKeyRelatedField(
        queryset=OrgUnit.objects.all(), many=True, required=False, default=list
    )


class PlanSerializer(Strict):
    plan = serializers.CharField(style=MULTILINE)
    recording_planned = serializers.BooleanField(default=False)


class SignOffRequestSerializer(Strict):
    venue_inspection = serializers.CharField(
        style=MULTILINE, required=False, allow_blank=True, default=""
    )
    microphones = serializers.ChoiceField(choices=SecuritySignOff.Microphones.choices)
    measures = serializers.CharField(style=MULTILINE)


class AnnounceSerializer(Strict):
    announced_by = serializers.PrimaryKeyRelatedField(queryset=_staff())


class VenueCheckRequestSerializer(Strict):
    checked_by = serializers.PrimaryKeyRelatedField(queryset=_staff())
    places = serializers.CharField(style=MULTILINE)
    papers_found = serializers.IntegerField(min_value=0, max_value=COPIES_MAX, default=0)
    notebooks_found = serializers.IntegerField(min_value=0, max_value=COPIES_MAX, default=0)
    findings = serializers.CharField(style=MULTILINE, required=False, allow_blank=True, default="")


class ReportMissingSerializer(Strict):
    code = serializers.CharField(help_text="the copy's label code")
    circumstances = serializers.CharField(style=MULTILINE)


class ParticipantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Participant
        fields = ["id", "person", "role", "checked_in_at"]


class AddSerializer(Strict):
    person = serializers.PrimaryKeyRelatedField(queryset=_staff())
    role = serializers.ChoiceField(choices=Participant.Role.choices)


class CheckInSerializer(Strict):
    person = serializers.PrimaryKeyRelatedField(queryset=_staff(), required=False, allow_null=True)
    name = serializers.CharField(required=False, allow_blank=True, default="")


class Empty(Strict):
    """No body: an action that takes nothing."""


class MeetingDocumentSerializer(Strict):
    title = serializers.CharField(max_length=200)
    marking = serializers.CharField(max_length=40)


class LabelSerializer(Strict):
    code = serializers.CharField(help_text="the copy's label code")
    person = serializers.PrimaryKeyRelatedField(queryset=_staff(), required=False)


class HandoutSerializer(serializers.ModelSerializer):
    class Meta:
        model = Handout
        fields = ["id", "copy", "person", "handed_at", "returned_at"]


class RelaySerializer(Strict):
    unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all())


class NewsSerializer(Strict):
    title = serializers.CharField(max_length=200)
    text = serializers.CharField(style=MULTILINE)


class MeetingViewSet(VisibleReadViewSet):
    """涉密会议: plan, approve, participants and check-in, documents, session, close, relay."""

    serializer_class = MeetingSerializer
    queryset = Meeting.objects.all()

    def _copy(self, code: str) -> Copy:
        copy = copy_by_code(self.request.user, code)
        if copy is None:
            raise NotFound
        return copy

    def _done(self, meeting: Meeting) -> Response:
        return Response(MeetingSerializer(meeting).data)

    @extend_schema(request=PlanMeetingSerializer, responses={201: MeetingSerializer})
    def create(self, request: Request) -> Response:
        meeting = services.plan_meeting(
            actor=person_of(request), **validated(PlanMeetingSerializer, request)
        )
        return Response(MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PlanSerializer, responses={200: MeetingSerializer})
    @action(detail=True, methods=["post"])
    def plan(self, request: Request, pk: str) -> Response:
        v = validated(PlanSerializer, request)
        return self._done(
            services.write_plan(actor=person_of(request), meeting=self.get_object(), **v)
        )

    @extend_schema(request=SignOffRequestSerializer, responses={201: SignOffSerializer})
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request: Request, pk: str) -> Response:
        signoff = services.sign_off_security(
            actor=person_of(request),
            meeting=self.get_object(),
            **validated(SignOffRequestSerializer, request),
        )
        return Response(SignOffSerializer(signoff).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: MeetingSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        validated(Empty, request)
        return self._done(
            services.approve_plan(actor=person_of(request), meeting=self.get_object())
        )

    @extend_schema(request=AddSerializer, responses={201: ParticipantSerializer})
    @action(detail=True, methods=["post"])
    def participants(self, request: Request, pk: str) -> Response:
        participant = services.add_participant(
            actor=person_of(request), meeting=self.get_object(), **validated(AddSerializer, request)
        )
        return Response(ParticipantSerializer(participant).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CheckInSerializer, responses={200: ParticipantSerializer})
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request: Request, pk: str) -> Response:
        v = validated(CheckInSerializer, request)
        participant = services.check_in(
            actor=person_of(request),
            meeting=self.get_object(),
            person=v.get("person"),
            name=v["name"],
        )
        return Response(ParticipantSerializer(participant).data)

    @extend_schema(request=None, responses={200: MeetingSerializer})
    @action(detail=True, methods=["post"], url_path="open")
    def open_(self, request: Request, pk: str) -> Response:
        validated(Empty, request)
        return self._done(
            services.open_meeting(actor=person_of(request), meeting=self.get_object())
        )

    @extend_schema(request=AnnounceSerializer, responses={201: AnnouncementSerializer})
    @action(detail=True, methods=["post"])
    def discipline(self, request: Request, pk: str) -> Response:
        announcement = services.announce_discipline(
            actor=person_of(request),
            meeting=self.get_object(),
            **validated(AnnounceSerializer, request),
        )
        return Response(AnnouncementSerializer(announcement).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MeetingDocumentSerializer, responses={201: None})
    @action(detail=True, methods=["post"])
    def documents(self, request: Request, pk: str) -> Response:
        item = services.register_meeting_document(
            actor=person_of(request),
            meeting=self.get_object(),
            **validated(MeetingDocumentSerializer, request),
        )
        return Response({"document": item.document_id}, status=status.HTTP_201_CREATED)

    @extend_schema(request=LabelSerializer, responses={201: HandoutSerializer})
    @action(detail=True, methods=["post"], url_path="hand-out")
    def hand_out(self, request: Request, pk: str) -> Response:
        v = validated(LabelSerializer, request)
        if "person" not in v:
            raise serializers.ValidationError({"person": "required"})
        handout = services.hand_out(
            actor=person_of(request),
            meeting=self.get_object(),
            copy=self._copy(v["code"]),
            person=v["person"],
        )
        return Response(HandoutSerializer(handout).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=LabelSerializer, responses={200: HandoutSerializer})
    @action(detail=True, methods=["post"])
    def collect(self, request: Request, pk: str) -> Response:
        v = validated(LabelSerializer, request)
        handout = services.collect(
            actor=person_of(request), meeting=self.get_object(), copy=self._copy(v["code"])
        )
        return Response(HandoutSerializer(handout).data)

    @extend_schema(request=None, responses={200: MeetingSerializer})
    @action(detail=True, methods=["post"])
    def recess(self, request: Request, pk: str) -> Response:
        validated(Empty, request)
        return self._done(services.adjourn(actor=person_of(request), meeting=self.get_object()))

    @extend_schema(request=None, responses={200: MeetingSerializer})
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, pk: str) -> Response:
        validated(Empty, request)
        return self._done(services.resume(actor=person_of(request), meeting=self.get_object()))

    @extend_schema(request=VenueCheckRequestSerializer, responses={201: VenueCheckSerializer})
    @action(detail=True, methods=["post"], url_path="venue-check")
    def venue_check(self, request: Request, pk: str) -> Response:
        check = services.check_venue(
            actor=person_of(request),
            meeting=self.get_object(),
            **validated(VenueCheckRequestSerializer, request),
        )
        return Response(VenueCheckSerializer(check).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReportMissingSerializer, responses={201: None})
    @action(detail=True, methods=["post"], url_path="report-missing")
    def report_missing(self, request: Request, pk: str) -> Response:
        v = validated(ReportMissingSerializer, request)
        report = services.report_missing(
            actor=person_of(request),
            meeting=self.get_object(),
            copy=self._copy(v["code"]),
            circumstances=v["circumstances"],
        )
        return Response({"loss_report": report.pk}, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: HandoutSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        validated(Empty, request)
        chase = services.close_meeting(actor=person_of(request), meeting=self.get_object())
        return Response(HandoutSerializer(chase, many=True).data)

    @extend_schema(responses={200: HandoutSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def outstanding(self, request: Request, pk: str) -> Response:
        return Response(HandoutSerializer(services.outstanding(self.get_object()), many=True).data)

    @extend_schema(request=MeetingDocumentSerializer, responses={201: None})
    @action(detail=True, methods=["post"])
    def recording(self, request: Request, pk: str) -> Response:
        item = services.register_recording(
            actor=person_of(request),
            meeting=self.get_object(),
            **validated(MeetingDocumentSerializer, request),
        )
        return Response({"document": item.document_id}, status=status.HTTP_201_CREATED)

    @extend_schema(request=RelaySerializer, responses={201: None})
    @action(detail=True, methods=["post"])
    def relay(self, request: Request, pk: str) -> Response:
        done = services.relay(
            actor=person_of(request),
            meeting=self.get_object(),
            **validated(RelaySerializer, request),
        )
        return Response({"relay": done.pk}, status=status.HTTP_201_CREATED)

    @extend_schema(request=NewsSerializer, responses={201: None})
    @action(detail=True, methods=["post"])
    def news(self, request: Request, pk: str) -> Response:
        manuscript = services.submit_news_copy(
            actor=person_of(request),
            meeting=self.get_object(),
            **validated(NewsSerializer, request),
        )
        return Response({"manuscript": manuscript.pk}, status=status.HTTP_201_CREATED)


def register_routes(router: Any) -> None:
    router.register("meetings", MeetingViewSet, basename="meeting")
