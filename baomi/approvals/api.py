"""REST API of the approval flow: the person's inbox and own requests, and the decisions.

Denials come back as problem+json through the project's exception handler (403 naming the
rules for a RuleViolation, 400 for a validation error); a request the person may not see is 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from baomi.core.errors import validated
from baomi.core.inputs import MULTILINE
from baomi.core.query import cleaned
from baomi.people.models import Person

from . import services
from .forms import BoxQuery
from .models import Approval

BOXES = ("inbox", "mine")


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", read_only=True)
    name = serializers.CharField(source="display_name", read_only=True)


class ApprovalSerializer(serializers.ModelSerializer):
    kind_title = serializers.CharField(read_only=True)
    requester = PersonRefSerializer(read_only=True)
    decided_by = PersonRefSerializer(read_only=True, allow_null=True)
    subject = serializers.SerializerMethodField()
    approver = serializers.SerializerMethodField()
    can_decide = serializers.SerializerMethodField()
    can_withdraw = serializers.SerializerMethodField()

    class Meta:
        model = Approval
        fields = [
            "id",
            "kind",
            "kind_title",
            "state",
            "requester",
            "subject",
            "summary",
            "payload",
            "approver",
            "requested_at",
            "expires_at",
            "decided_by",
            "decided_at",
            "comment",
            "consumed_at",
            "consumed_by",
            "can_decide",
            "can_withdraw",
        ]
        read_only_fields = fields

    def _person(self) -> Person:
        return cast(Person, self.context["request"].user)

    def get_subject(self, obj: Approval) -> dict[str, str] | None:
        return obj.subject_ref

    def get_approver(self, obj: Approval) -> dict[str, Any]:
        return {
            "post": obj.approver_post or None,
            "unit": obj.approver_unit_id,
            "person": obj.approver_id,
            "label": obj.approver_label,
        }

    def get_can_decide(self, obj: Approval) -> bool:
        person = self._person()
        return obj.is_open and obj.requester_id != person.pk and obj.is_approver(person)

    def get_can_withdraw(self, obj: Approval) -> bool:
        return obj.is_open and obj.requester_id == self._person().pk


class DecisionSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=services.COMMENT_MAX,
        style=MULTILINE,
    )


class ApprovalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """`?box=inbox` (default): requests waiting for my decision; `?box=mine`: my requests.
    A single request is readable by its requester, its approvers and whoever decided it."""

    serializer_class = ApprovalSerializer
    queryset = Approval.objects.none()

    def get_queryset(self) -> Any:
        person = cast(Person, self.request.user)
        if self.action == "list":
            box = cleaned(BoxQuery, self.request.query_params)["box"] or "inbox"
            qs = (
                Approval.objects.awaiting(person)
                if box == "inbox"
                else Approval.objects.requested_by(person)
            )
        else:
            qs = Approval.objects.visible_to(person)
        return qs.select_related("requester", "approver", "approver_unit", "decided_by")

    @extend_schema(parameters=[OpenApiParameter("box", str, enum=list(BOXES), default="inbox")])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def _decide(self, request: Request, service: Callable[..., Approval]) -> Response:
        approval = self.get_object()
        comment = validated(DecisionSerializer, request)["comment"]
        approval = service(actor=request.user, approval=approval, comment=comment)
        return Response(self.get_serializer(approval).data)

    @extend_schema(request=DecisionSerializer, responses=ApprovalSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """Approve a pending request (an eligible approver, never the requester)."""
        return self._decide(request, services.approve)

    @extend_schema(request=DecisionSerializer, responses=ApprovalSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        """Reject a pending request; the comment saying why is required."""
        return self._decide(request, services.reject)

    @extend_schema(request=None, responses=ApprovalSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        """The requester takes back a pending request."""
        approval = services.withdraw(actor=cast(Person, request.user), approval=self.get_object())
        return Response(self.get_serializer(approval).data)

    @extend_schema(request=None, responses=ApprovalSerializer)
    @action(detail=True, methods=["post"])
    def remind(self, request: Request, pk: str | None = None) -> Response:
        """催办: the requester (or the clerk) reminds the approver, at most once in APPR.REMIND's
        interval; every approver is told and the reminder is on record."""
        approval = self.get_object()
        services.remind_approver(actor=cast(Person, request.user), approval=approval)
        return Response(self.get_serializer(approval).data)


def register_routes(router: Any) -> None:
    """Mount the approvals on the API's router."""
    router.register("approvals", ApprovalViewSet, basename="approval")
