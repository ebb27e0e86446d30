"""A refused API token request reads as plain text, and its problem's status is the answer's:
400 for a wrong password, 429 once the account is locked out."""

from __future__ import annotations

import pytest

from tests.support.clients import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"


def _strings(value):  # type: ignore[no-untyped-def]
    """Every string in a JSON value, at any depth."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def test_a_wrong_password_is_refused_in_plain_text(client, make_person):
    make_person()
    refused = client.post(
        TOKEN, {"username": "sunli", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    body = refused.json()
    assert refused.status_code == 400 and body["status"] == 400
    assert refused["Content-Type"] == "application/problem+json"
    assert body["detail"] == "The user name or the password is not correct."
    assert body["title"] == "The input is not valid."
    assert not [s for s in _strings(body) if "ErrorDetail" in s or s.startswith("[")]


def test_a_locked_out_account_is_refused_with_429_inside_and_out(client, make_person):
    make_person()
    for _ in range(5):
        client.post(TOKEN, {"username": "sunli", "password": "wrong"})
    locked = client.post(
        TOKEN, {"username": "sunli", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en"
    )
    body = locked.json()
    assert locked.status_code == 429 and body["status"] == 429
    assert body["type"] == "urn:baomi:problem:locked-out"
    assert body["title"] == "The account is locked for a while."
    assert body["detail"].startswith("Too many failed attempts")
    assert "token" not in body


def test_a_field_of_the_token_request_is_named(client):
    refused = client.post(TOKEN, {"password": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    body = refused.json()
    assert refused.status_code == 400 and body["errors"] == {
        "username": ["This field is required."]
    }
    assert body["detail"] == "username: This field is required."
