"""The headers every answer carries: pages, the API, downloads, the API docs, the login page,
a 404 and a refusal all have the Content-Security-Policy, the Permissions-Policy and
Cache-Control: no-store; only static files may be cached."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from baomi.core.http import NoStoreMiddleware
from baomi.demo import load_demo
from baomi.ledger.models import Document
from baomi.people.models import Person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_key_file")]

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
DENIED_FEATURES = ("camera", "microphone", "geolocation", "payment", "usb", "serial", "hid")


def directives(header: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_guarded(response) -> None:  # type: ignore[no-untyped-def]
    where = f"{response.request['PATH_INFO']} ({response.status_code})"
    assert directives(response["Content-Security-Policy"]) == POLICY, where
    features = dict(f.split("=") for f in response["Permissions-Policy"].split(", "))
    assert all(features[name] == "()" for name in DENIED_FEATURES), where
    cache = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache, where


@pytest.fixture
def demo():  # type: ignore[no-untyped-def]
    load_demo()
    return Document.objects.get(title="关于2027年重大项目布局的请示")


def test_every_kind_of_answer_carries_the_policies_and_is_not_stored(client, demo):
    anonymous = [
        client.get("/accounts/login/"),
        client.get("/no-such-page/"),
        client.get("/api/v1/documents/"),
    ]
    assert [r.status_code for r in anonymous] == [200, 404, 403]

    client.force_login(Person.objects.get(username="yangxue"))
    pages = {
        "/": 200,
        "/ledger/": 200,
        f"/ledger/documents/{demo.pk}/": 200,
        f"/ledger/documents/{demo.pk}/labels/": 200,  # the QR labels, inline SVG
        "/api/v1/documents/": 200,
        f"/api/v1/documents/{demo.pk}/": 200,
        "/ledger/export.xlsx": 200,
        "/ledger/registers/incoming.pdf": 200,
        "/api/v1/documents/export/?register=incoming&format=pdf": 200,
        "/api/v1/docs/": 200,
        "/api/v1/docs/?script": 200,
        "/api/v1/schema/": 200,
        "/no-such-page/": 404,
        "/api/v1/documents/999999/": 404,
    }
    answers = {path: client.get(path) for path in pages}
    assert {path: r.status_code for path, r in answers.items()} == pages
    assert answers["/ledger/registers/incoming.pdf"]["Content-Type"] == "application/pdf"
    assert answers["/ledger/export.xlsx"].content.startswith(b"PK")
    assert b"<svg" in answers[f"/ledger/documents/{demo.pk}/labels/"].content
    for response in [*anonymous, *answers.values()]:
        assert_guarded(response)


def test_the_api_docs_load_their_start_up_script_from_a_url(client, demo):
    client.force_login(Person.objects.get(username="yangxue"))
    page = client.get("/api/v1/docs/").content.decode()
    assert "<style" not in page and 'style="' not in page
    # every script element has a source: none carries code of its own
    assert page.count("<script") == page.count("<script src=") == 3
    assert '<script src="/api/v1/docs/?script="' in page
    script = client.get("/api/v1/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle(" in script.content


def test_static_files_alone_may_be_cached():
    middleware = NoStoreMiddleware(lambda request: HttpResponse("body { }"))
    static = middleware(RequestFactory().get("/static/web/baomi.css"))
    assert "Cache-Control" not in static
    page = middleware(RequestFactory().get("/staticky/"))
    assert "no-store" in page["Cache-Control"]


def test_the_pages_carry_no_inline_script_or_style(client, demo):
    client.force_login(Person.objects.get(username="yangxue"))
    for path in ("/", "/ledger/", f"/ledger/documents/{demo.pk}/", "/flows/", "/telegrams/"):
        page = client.get(path).content.decode()
        assert 'style="' not in page and "<style" not in page, path
        assert " onchange=" not in page and " onclick=" not in page, path
        assert page.count("<script") == page.count("<script src="), path
        assert '<meta name="htmx-config"' in page and '"allowEval": false' in page


def test_a_browser_gets_the_api_as_json_not_the_browsable_pages(client, demo):
    client.force_login(Person.objects.get(username="yangxue"))
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/api/v1/documents/", HTTP_ACCEPT=browser)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json()["count"] >= 1
