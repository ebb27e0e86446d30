"""The REST API, /api/v1/. Every endpoint calls the same services and policy as the pages."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import include, path
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from baomi import policy
from baomi.approvals.api import ApprovalViewSet
from baomi.audit import checkpoints
from baomi.audit.models import AuditEvent, Checkpoint
from baomi.core.errors import validated
from baomi.flows.api import register_routes as register_flows_routes
from baomi.flows.api import urls as flows_urls
from baomi.ledger.api import register_routes as register_ledger_routes
from baomi.meetings.api import register_routes as register_meeting_routes
from baomi.people import services as people
from baomi.people.models import Person
from baomi.policy import engine
from baomi.policy import services as policy_services
from baomi.policy.catalog import catalog
from baomi.review.api import register_routes as register_review_routes
from baomi.telegrams.api import register_routes as register_telegram_routes
from baomi.telegrams.api import urls as telegram_urls
from baomi.web.views import audit_events


class PersonSerializer(serializers.ModelSerializer):
    posts = serializers.SerializerMethodField()
    department: Any = serializers.StringRelatedField()

    class Meta:
        model = Person
        fields = [
            "id",
            "username",
            "full_name",
            "department",
            "posts",
            "tier",
            "admin_role",
            "is_active",
        ]

    def get_posts(self, person: Person) -> list[str]:
        return sorted(person.post_codes)


class PersonViewSet(viewsets.ReadOnlyModelViewSet):
    """People: the security administrator sees everyone; others see only themselves."""

    serializer_class = PersonSerializer
    queryset = Person.objects.none()  # the schema's type for {id}; get_queryset decides

    def get_queryset(self) -> Any:
        qs = Person.objects.select_related("department").prefetch_related("posts").order_by("pk")
        if policy.check("person.manage", actor=self.request.user).allowed:
            return qs
        return qs.filter(pk=self.request.user.pk)

    @action(detail=False)
    def me(self, request: Request) -> Response:
        return Response(PersonSerializer(request.user).data)


class RuleSerializer(serializers.Serializer):
    id = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    clause = serializers.CharField()
    module = serializers.CharField()
    enforced = serializers.BooleanField()
    params = serializers.DictField()


class RuleParameterSerializer(serializers.Serializer):
    value = serializers.JSONField()
    reason = serializers.CharField(max_length=300)


class RuleViewSet(viewsets.ViewSet):
    """The rule catalog with the parameters in force; parameters are changed by the security
    administrator (PUT …/rules/{id}/parameters/{name}/)."""

    lookup_value_regex = r"[A-Z_.]+"
    serializer_class = RuleSerializer

    def _row(self, rule_id: str) -> dict[str, Any]:
        rule = catalog()[rule_id]
        return {
            "id": rule.id,
            "title": rule.title,
            "summary": rule.summary,
            "clause": rule.clause,
            "module": rule.module,
            "enforced": rule.id in engine.enforced(),
            "params": engine.params(rule.id),
        }

    @extend_schema(responses=RuleSerializer(many=True))
    def list(self, request: Request) -> Response:
        return Response([self._row(rule_id) for rule_id in catalog()])

    @extend_schema(responses=RuleSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        if pk not in catalog():
            return Response(status=status.HTTP_404_NOT_FOUND)
        return Response(self._row(pk))

    @extend_schema(request=RuleParameterSerializer, responses=RuleSerializer)
    @action(detail=True, methods=["put"], url_path=r"parameters/(?P<name>[a-z_]+)")
    def parameter(self, request: Request, pk: str, name: str) -> Response:
        data = validated(RuleParameterSerializer, request)
        policy_services.set_parameter(
            actor=request.user,
            rule_id=pk,
            name=name,
            value=data["value"],
            reason=data["reason"],
        )
        return Response(self._row(pk))


class AuditEventSerializer(serializers.ModelSerializer):
    event = serializers.SerializerMethodField()
    hash = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = ["seq", "action", "actor_id", "object_type", "object_id", "event", "hash"]

    def get_event(self, e: AuditEvent) -> dict[str, Any]:
        return json.loads(e.body)

    def get_hash(self, e: AuditEvent) -> str:
        return bytes(e.hash).hex()


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit log, for the security auditor only; it cannot be changed through any route.
    Filters: action, actor_id, object_type, object_id, since, until (dates)."""

    serializer_class = AuditEventSerializer
    lookup_field = "seq"

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return AuditEvent.objects.none()
        policy.require("audit.read", actor=self.request.user)
        return audit_events(self.request.query_params)


class CheckpointSerializer(serializers.ModelSerializer):
    document = serializers.SerializerMethodField()

    class Meta:
        model = Checkpoint
        fields = ["id", "tree_size", "created_at", "document"]

    def get_document(self, cp: Checkpoint) -> Any:
        return json.loads(cp.document)


class CheckpointViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Signed checkpoints of the audit chain (security auditor); POST signs a new one."""

    serializer_class = CheckpointSerializer

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Checkpoint.objects.none()
        policy.require("audit.read", actor=self.request.user)
        return Checkpoint.objects.order_by("-tree_size")

    @extend_schema(request=None)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        policy.require("audit.read", actor=request.user)
        cp = checkpoints.sign_checkpoint(actor=request.user)
        stored = Checkpoint.objects.get(tree_size=cp.tree_size, document=cp.document)
        return Response(CheckpointSerializer(stored).data, status=status.HTTP_201_CREATED)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField()
    token = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema(request=TokenRequestSerializer, responses={200: dict})
@api_view(["POST"])
@permission_classes([AllowAny])
def obtain_token(request: Request) -> Response:
    """Exchange a user name and password (and one-time code, if enrolled) for an API token."""
    data = validated(TokenRequestSerializer, request)
    try:
        key = people.issue_api_token(request=request._request, **data)
    except ValidationError as exc:
        raise serializers.ValidationError({"detail": exc.messages}) from exc
    return Response({"token": key})


router = DefaultRouter()
router.register("people", PersonViewSet, basename="person")
router.register("rules", RuleViewSet, basename="rule")
router.register("audit/events", AuditEventViewSet, basename="audit-event")
router.register("audit/checkpoints", CheckpointViewSet, basename="checkpoint")
router.register("approvals", ApprovalViewSet, basename="approval")
register_ledger_routes(router)
register_flows_routes(router)
register_review_routes(router)
register_telegram_routes(router)
register_meeting_routes(router)

urlpatterns = [
    path("auth/token/", obtain_token, name="api-token"),
    *flows_urls(),
    *telegram_urls(),
    path("", include(router.urls)),
]
