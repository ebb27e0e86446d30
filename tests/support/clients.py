"""Clients for pages and the API, signed in as a person or anonymous; messages in English."""

from __future__ import annotations

from typing import Any

from django.test import Client
from rest_framework.test import APIClient

PASSWORD = "Correct-horse-7"


def api(who: Any = None) -> APIClient:
    """An API client signed in as `who` (anonymous when None)."""
    client = APIClient(headers={"accept-language": "en"})
    if who is not None:
        client.force_login(who)
    return client


def browser(who: Any = None) -> Client:
    """A page client signed in as `who` (anonymous when None)."""
    client = Client(headers={"accept-language": "en"})
    if who is not None:
        client.force_login(who)
    return client


def sign_in(client: Client, username: str, password: str = PASSWORD, token: str = "", **headers):  # type: ignore[no-untyped-def]
    """Post the sign-in form, as a person at the keyboard would."""
    return client.post(
        "/accounts/login/", {"username": username, "password": password, "token": token}, **headers
    )
