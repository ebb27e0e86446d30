"""REST API of the policy: the rule catalog with the parameters in force, changed by the
security administrator."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from baomi.core.errors import validated
from baomi.core.inputs import MULTILINE
from baomi.people.models import person_of
from baomi.policy import engine
from baomi.policy import services as policy_services
from baomi.policy.catalog import catalog


class RuleSerializer(serializers.Serializer):
    id = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    clause = serializers.CharField()
    module = serializers.CharField()
    enforced = serializers.BooleanField()
    status = serializers.ChoiceField(choices=[engine.ENFORCED, engine.APPLIED, engine.NOT_YET])
    effect = serializers.CharField()
    own_citation = serializers.BooleanField()
    params = serializers.DictField()


class RuleParameterSerializer(serializers.Serializer):
    value = serializers.JSONField()
    reason = serializers.CharField(max_length=300, style=MULTILINE)


class RuleCitationSerializer(serializers.Serializer):
    zh_hans = serializers.CharField(max_length=300, required=False, allow_blank=True)
    en = serializers.CharField(max_length=300, required=False, allow_blank=True)
    reset = serializers.BooleanField(
        default=False, help_text="return to the catalog's citation; the texts are then ignored"
    )
    reason = serializers.CharField(max_length=300, style=MULTILINE)


class RuleViewSet(viewsets.ViewSet):
    """The rule catalog with the parameters in force; parameters are changed by the security
    administrator (PUT …/rules/{id}/parameters/{name}/), and so is each rule's citation
    (PUT …/rules/{id}/citation/)."""

    lookup_value_regex = r"[A-Z_.]+"
    serializer_class = RuleSerializer

    def _row(self, rule_id: str) -> dict[str, Any]:
        rule = catalog()[rule_id]
        return {
            "id": rule.id,
            "title": rule.title,
            "summary": rule.summary,
            "clause": engine.clause(rule.id),
            "module": rule.module,
            "enforced": engine.status(rule.id) == engine.ENFORCED,
            "status": engine.status(rule.id),
            "effect": rule.effect,
            "own_citation": engine.own_citation(rule.id) is not None,
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
            actor=person_of(request),
            rule_id=pk,
            name=name,
            value=data["value"],
            reason=data["reason"],
        )
        return Response(self._row(pk))

    @extend_schema(request=RuleCitationSerializer, responses=RuleSerializer)
    @action(detail=True, methods=["put"], url_path="citation")
    def citation(self, request: Request, pk: str) -> Response:
        data = validated(RuleCitationSerializer, request)
        actor = person_of(request)
        if data["reset"]:
            policy_services.reset_citation(actor=actor, rule_id=pk, reason=data["reason"])
        else:
            policy_services.set_citation(
                actor=actor,
                rule_id=pk,
                zh_hans=data.get("zh_hans", ""),
                en=data.get("en", ""),
                reason=data["reason"],
            )
        return Response(self._row(pk))


def register_routes(router: Any) -> None:
    """Mount the rule catalog on the API's router."""
    router.register("rules", RuleViewSet, basename="rule")
