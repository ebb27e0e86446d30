"""Every problem the API answers is plain text at any depth, and its status is the answer's."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings
from django.urls import path
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny

from baomi.core.errors import messages_of, plain, validated


class Nested(serializers.Serializer):
    copies = serializers.ListField(child=serializers.IntegerField(max_value=9))
    title = serializers.CharField(max_length=3)


@api_view(["POST"])
@permission_classes([AllowAny])
def nested(request):
    validated(Nested, request)


@api_view(["POST"])
@permission_classes([AllowAny])
def whole(request):
    raise serializers.ValidationError(["Name the copy.", "And its cabinet."])


@api_view(["GET", "POST"])
@permission_classes([AllowAny])
def missing(request):
    raise NotFound


urlpatterns = [path("nested/", nested), path("whole/", whole), path("missing/", missing)]


def _python_reprs(value):  # type: ignore[no-untyped-def]
    text = json.dumps(value, ensure_ascii=False)
    return [marker for marker in ("ErrorDetail", "[ErrorDetail", "code=") if marker in text]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__, LANGUAGE_CODE="en")
def test_nested_field_errors_are_plain_strings_named_by_their_path(client):
    response = client.post(
        "/nested/", {"copies": [1, 10**20], "title": "long"}, content_type="application/json"
    )
    body = response.json()
    assert response.status_code == 400 and body["status"] == 400
    assert body["errors"] == {
        "copies": {"1": ["Ensure this value is less than or equal to 9."]},
        "title": ["Ensure this field has no more than 3 characters."],
    }
    assert "copies.1: Ensure this value" in body["detail"] and "title: Ensure" in body["detail"]
    assert not _python_reprs(body)


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__, LANGUAGE_CODE="en")
def test_an_error_about_the_whole_input_and_the_rest_framework_own(client):
    whole = client.post("/whole/", {}, content_type="application/json").json()
    assert whole["errors"] == {"non_field_errors": ["Name the copy.", "And its cabinet."]}
    assert whole["detail"] == "Name the copy. And its cabinet." and not _python_reprs(whole)
    gone = client.get("/missing/")
    assert gone.status_code == 404 and gone.json() == {
        "type": "about:blank",
        "title": "Not found.",
        "status": 404,
    }
    unparsed = client.post("/nested/", b"{not json", content_type="application/json")
    assert unparsed.status_code == 400 and unparsed.json()["status"] == 400
    assert unparsed.json()["title"].startswith("JSON parse error")
    refused = client.put("/missing/")
    assert refused.status_code == refused.json()["status"] == 405


def test_plain_and_messages_of_reach_every_depth():
    from django.utils.translation import gettext_lazy

    detail = serializers.ErrorDetail("x", code="invalid")
    data = {"a": [detail, {"b": (gettext_lazy("y"), 3, None)}]}
    assert plain(data) == {"a": ["x", {"b": ["y", 3, None]}]}
    assert type(plain(data)["a"][0]) is str
    assert messages_of(plain(data)) == ["a: x", "a.b: y", "a.b: 3", "a.b: None"]
