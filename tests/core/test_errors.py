"""One translation of a denial: problem+json for the API, form messages for the UI."""

from __future__ import annotations

import json

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import path
from django.utils import translation
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny

from baomi import policy
from baomi.core.errors import add_to_form, problem_response


@api_view(["POST"])
@permission_classes([AllowAny])
def mark(request):
    policy.require("document.mark", marking=request.data["marking"])
    return None


@api_view(["POST"])
@permission_classes([AllowAny])
def invalid(request):
    raise ValidationError({"title": ["Give the document a title."]})


urlpatterns = [path("mark/", mark), path("invalid/", invalid)]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_api_denial_is_problem_json_naming_rule_parameters_and_clause(client):
    response = client.post("/mark/", {"marking": "绝密★31年"}, content_type="application/json")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert body["type"] == "urn:baomi:problem:rule-violation" and body["instance"] == "/mark/"
    [violation] = body["violations"]
    assert violation["rule"] == "CLS.PERIOD.MAX"
    assert violation["params"]["max_years"]["top_secret"] == 30
    assert violation["clause"] and "30" in violation["message"]
    assert "CLS.PERIOD.MAX" in body["detail"]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_api_validation_error_is_problem_json_naming_the_field(client):
    response = client.post("/invalid/", {}, content_type="application/json")
    body = json.loads(response.content)
    assert response.status_code == 400 and body["errors"] == {
        "title": ["Give the document a title."]
    }


def denial() -> policy.RuleViolation:
    try:
        policy.require("document.mark", marking="机密★")
    except policy.RuleViolation as exc:
        return exc
    raise AssertionError("the marking should have been refused")


@pytest.mark.django_db
def test_form_gets_the_same_lines_as_the_api_in_the_active_language():
    class MarkForm(forms.Form):
        marking = forms.CharField()

    form = MarkForm({"marking": "机密★"})
    assert form.is_valid()
    with translation.override("en"):
        add_to_form(form, denial())
    [line] = form.non_field_errors()
    assert line.startswith("CLS.MARKING ") and "star" in line


@pytest.mark.django_db
def test_problem_response_outside_the_rest_framework():
    response = problem_response(denial(), "/x/")
    body = json.loads(response.content)
    assert response.status_code == 403 and body["violations"][0]["rule"] == "CLS.MARKING"
