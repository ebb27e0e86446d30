"""REST API of the audit log and its signed checkpoints, for the security auditor; nothing in
it can change the log."""

from __future__ import annotations

import json
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from baomi import policy
from baomi.audit import checkpoints
from baomi.audit.models import AuditEvent, Checkpoint

from .queries import audit_events


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


def register_routes(router: Any) -> None:
    """Mount the audit log and its checkpoints on the API's router."""
    router.register("audit/events", AuditEventViewSet, basename="audit-event")
    router.register("audit/checkpoints", CheckpointViewSet, basename="checkpoint")
