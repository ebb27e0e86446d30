"""How a case is tried: the request, what the answer shows, and what must not have changed."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.forms.models import model_to_dict
from django.urls import reverse

from tests.support import api, browser, pdf_text, xlsx_text

from . import Route, endpoints, pages, routes
from .cases import ANONYMOUS, Case
from .world import World

LOGIN = "/accounts/login/"
CASES: dict[str, Case] = {**pages.CASES, **endpoints.CASES}
VARIANTS = pages.VARIANTS
ROUTES: dict[str, Route] = {r.name: r for r in routes()}


def route_of(name: str) -> Route:
    """The route a case is for; a case whose route is gone fails here, by name."""
    assert name in ROUTES, f"{name}: the case names a route that no longer exists"
    return ROUTES[name]


def client_for(world: World, route: Route, username: str | None) -> Any:
    """A client for the route's kind, signed in as `username` (resuming the session the world
    made for them) or anonymous."""
    from django.conf import settings

    client = (api if route.api else browser)()
    if username is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[username]
    return client


def send(client: Any, route: Route, method: str, url: str, data: Mapping[str, Any]) -> Any:
    call = getattr(client, method.lower())
    if method == "GET":
        return call(url, data)
    if route.api:
        return call(url, data, format="json")
    return call(url, data)


def url(name: str, kwargs: Mapping[str, Any]) -> str:
    return reverse(name, kwargs=dict(kwargs) or None)


def refused_anonymously(route: Route, response: Any) -> str | None:
    """Why the answer to an anonymous request is wrong, or None: a page sends the visitor to
    sign in, the API answers 401 or 403."""
    status = response.status_code
    if route.api:
        return None if status in (401, 403) else f"got {status}, expected 401/403"
    location = response.get("Location", "")
    if status == 302 and location.startswith(LOGIN):
        return None
    return f"got {status} {location}, expected a redirect to {LOGIN}"


def body_text(response: Any) -> str:
    """What the answer shows, as text: a page, JSON, a spreadsheet or a PDF."""
    data = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        return xlsx_text(data)
    if "pdf" in kind:
        return pdf_text(data)
    text = data.decode("utf-8", errors="replace")
    if "json" in kind:
        # titles inside JSON may be escaped as \uXXXX; read them back as text
        try:
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            return text
    return text


def snapshot(obj: Any) -> dict[str, Any] | None:
    """The object's stored fields, read again."""
    if obj is None:
        return None
    return model_to_dict(type(obj).objects.get(pk=obj.pk))


def returned_ids(response: Any, id_field: str) -> set[Any]:
    body = response.json()
    rows = body["results"] if isinstance(body, dict) and "results" in body else body
    if isinstance(rows, dict):  # one object (people/me)
        rows = [rows]
    return {row[id_field] for row in rows}


def ids_of(rows: Any) -> set[Any]:
    if isinstance(rows, set):
        return rows
    return set(rows.values_list("pk", flat=True))


def username(role: str) -> str | None:
    return None if role == ANONYMOUS else role


def who(world: World, role: str) -> Any:
    return None if role == ANONYMOUS else world.people[role]
