"""REST API of people: who is who, and API tokens for a user name and password."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from baomi import policy
from baomi.core.errors import validated
from baomi.people import services as people
from baomi.people.models import Person


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


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"})
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


def register_routes(router: Any) -> None:
    """Mount the people's endpoints on the API's router."""
    router.register("people", PersonViewSet, basename="person")


def urls() -> list[Any]:
    """Endpoints that are single actions rather than collections."""
    return [path("auth/token/", obtain_token, name="api-token")]
