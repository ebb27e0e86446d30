"""No query string crashes a list. Every API route and every page that names no object is
asked for with malformed parameters, as a demo person it answers; a filter, search or paging
value that does not parse is refused with 400 naming the parameter, a parameter the list does
not take is ignored, and nothing answers 500. Routes naming an object are tried with ids that
are no ids."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client, TestCase, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from baomi.demo import load_demo
from baomi.people.models import Person

#: who asks: the first of these to whom a route answers 200 without parameters
PEOPLE = ("yangxue", "chenmin", "zhouqiang", "secadmin", "auditor", "sysadmin", "sunli")

#: values no list parameter takes; a route that declares the parameter refuses them with 400
HUGE = "99999999999999999999"
MALFORMED = {
    "level": ["abc", "-1", "99", HUGE, "1e400"],
    "state": ["nope"],
    "q": ["x" * 10_000, "a\x00b"],
    "box": ["nope"],
    "actor_id": ["abc", "-1", HUGE, "1e400"],
    "since": ["nope", "2026-13-01"],
    "until": ["nope", "2026-02-30"],
    "limit": ["abc", "0", "-1", "1e400"],
    "offset": ["abc", "-1", "1e400"],
}
#: values that do no harm: the list answers as without them (paging beyond the end is empty)
HARMLESS = [
    ("page", "0"),
    ("page", "-1"),
    ("page", "abc"),
    ("page", HUGE),
    ("ordering", "__nope"),
    ("ordering", "-title,,;drop"),
    ("id", "1e400"),
    ("pk", "abc"),
    ("q", "%FF"),
    ("q", "\x01\u202e"),
    ("limit", HUGE),
    ("offset", HUGE),
    ("no_such_parameter", "x"),
]
#: the parameters each list declares, by route name
DECLARED = {
    "document-list": {"q", "level", "state", "limit", "offset"},
    "document-export": {"q", "level", "state"},
    "approval-list": {"box", "limit", "offset"},
    "audit-event-list": {"actor_id", "since", "until", "limit", "offset"},
    "ledger:register": {"q", "level", "state"},
    "ledger:export": {"q", "level", "state"},
    "ledger:register-export": {"q", "level", "state"},
    "meetings:meetings": {"level", "state"},
    "review:manuscripts": {"state"},
    "approvals:decided": {"state"},
    "approvals:mine": {"state"},
    "flows:instructions": {"level", "state"},
    "flows:list": {"level"},
    "flows:archive": {"level"},
    "flows:destruction": {"level", "state"},
    "flows:losses": {"level", "state"},
    "audit:log": {"actor_id", "since", "until"},
    "telegrams:telegrams": {"level", "state"},
}
#: ids that are no ids, for routes naming one object
NOT_IDS = ["abc", "-1", "0", HUGE, "1e400", "%FF", "1%00"]


def _walk(patterns: list[Any], prefix: str = "", names: str = "") -> Iterator[tuple[str, str]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            space = f"{names}{p.namespace}:" if p.namespace else names
            yield from _walk(p.url_patterns, prefix + str(p.pattern), space)
        elif isinstance(p, URLPattern) and p.name:
            yield prefix + str(p.pattern), names + p.name


def _routes() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(name, path) of every route without parameters, and of every route with one."""
    plain, one = [], []
    for pattern, name in _walk(get_resolver().url_patterns):
        pattern = pattern.replace("^", "").replace("$", "").replace("\\", "")
        if "(?P<format>" in pattern or "<format>" in pattern or "static" in pattern:
            continue
        params = re.findall(r"<[^>]+>|\(\?P<[^>]+>[^)]*\)", pattern)
        if not params:
            plain.append((name, "/" + pattern))
        elif len(params) == 1:
            one.append((name, "/" + pattern.replace(params[0], "{}")))
    return sorted(set(plain)), sorted(set(one))


PLAIN, ONE_ID = _routes()
#: routes naming no object that the walk cannot fill in by itself
PLAIN += [("ledger:register-export", "/ledger/registers/incoming.pdf")]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[dict[str, Person]]:  # type: ignore[no-untyped-def]
    """The demo organization, built once for the module and rolled back at its end."""
    data = tmp_path_factory.mktemp("inputs")
    settings = override_settings(
        DATA_DIR=data,
        CONTENT_KEY_FILE=data / "content_key",
        SIGNING_KEY_FILE=data / "signing.pem",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    with django_db_blocker.unblock():
        settings.enable()
        atomics = TestCase._enter_atomics()
        try:
            load_demo()
            yield {p.username: p for p in Person.objects.filter(username__in=PEOPLE)}
        finally:
            TestCase._rollback_atomics(atomics)
            settings.disable()


def _asker(demo: dict[str, Person], path: str) -> Client | None:
    for username in PEOPLE:
        client = Client()
        client.force_login(demo[username])
        if client.get(path).status_code == 200:
            return client
    return None


def _get(client: Client, path: str, name: str, value: str) -> Any:
    if "%" in value:  # bytes as they came, undecoded
        return client.get(f"{path}?{name}={value}")
    return client.get(path, {name: value})


def _names_the_parameter(response: Any, name: str) -> bool:
    if response["Content-Type"].startswith("application/problem+json"):
        body = json.loads(response.content)
        return body["status"] == 400 and name in body["errors"]
    return f"({name})" in response.content.decode()


@pytest.mark.parametrize(("name", "path"), PLAIN, ids=[n for n, _p in PLAIN])
def test_a_list_refuses_a_malformed_parameter_by_name_and_ignores_the_rest(db, demo, name, path):
    client = _asker(demo, path)
    assert client is not None or not name.endswith("-list"), f"no demo person may list {path}"
    if client is None:
        pytest.skip(f"{path} answers no demo person without parameters (a form or an action)")
    wrong = []
    declared = DECLARED.get(name, set())
    plain = client.get(path)
    if plain.get("Content-Type", "").startswith("application/json"):
        body = json.loads(plain.content)
        if isinstance(body, dict) and "results" in body:  # the API's paging
            declared = declared | {"limit", "offset"}
    for parameter, values in MALFORMED.items():
        for value in values:
            response = _get(client, path, parameter, value)
            expected = 400 if parameter in declared else 200
            if response.status_code != expected:
                wrong.append(f"{parameter}={value[:20]!r}: {response.status_code}, not {expected}")
            elif expected == 400 and not _names_the_parameter(response, parameter):
                wrong.append(f"{parameter}={value[:20]!r}: the refusal does not name it")
    for parameter, value in [*HARMLESS, ("%FF", "%FF")]:
        response = _get(client, path, parameter, value)
        if response.status_code != 200:
            wrong.append(f"{parameter}={value[:20]!r}: {response.status_code}, not 200")
    assert not wrong, f"{path}: " + "; ".join(wrong)


@pytest.mark.parametrize(("name", "path"), ONE_ID, ids=[n for n, _p in ONE_ID])
def test_a_route_naming_an_object_answers_an_id_that_is_none_without_crashing(db, demo, name, path):
    client = Client()
    client.force_login(demo["yangxue"])
    crashed = []
    for value in NOT_IDS:
        for method in (client.get, client.post):
            response = method(path.format(value))
            if response.status_code >= 500:
                crashed.append(f"{method.__name__} {value!r}: {response.status_code}")
    assert not crashed, f"{path}: " + "; ".join(crashed)


def test_the_refusal_is_translated_and_the_page_names_the_parameter(db, demo):
    client = Client()
    client.force_login(demo["yangxue"])
    page = client.get("/ledger/", {"level": "abc"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 400 and "列表无法显示" in page.content.decode()
    assert "密级 (level)" in page.content.decode()
    english = client.get("/ledger/", {"state": "nope"}, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400 and "The list cannot be shown" in english.content.decode()
    assert "State (state)" in english.content.decode()


def test_the_api_names_the_parameter_in_plain_text(db, demo):
    client = Client()
    client.force_login(demo["yangxue"])
    refused = client.get("/api/v1/documents/", {"level": "abc"}, HTTP_ACCEPT_LANGUAGE="en")
    body = refused.json()
    assert refused.status_code == 400 and body["status"] == 400
    assert body["errors"] == {
        "level": ["Select a valid choice. abc is not one of the available choices."]
    }
    assert "level" in body["detail"]
    long = client.get("/api/v1/documents/", {"q": "x" * 10_000}, HTTP_ACCEPT_LANGUAGE="en")
    assert long.json()["errors"]["q"] == [
        "Ensure this value has at most 200 characters (it has 10000)."
    ]


def test_a_filter_still_filters(db, demo):
    client = Client()
    client.force_login(demo["yangxue"])
    every = client.get("/api/v1/documents/", {"limit": 1000}).json()["results"]
    secret = client.get("/api/v1/documents/", {"level": 3, "limit": 1000}).json()["results"]
    assert secret and {d["level"] for d in secret} == {3} and len(secret) < len(every)
    one = client.get("/api/v1/documents/", {"limit": 1}).json()
    assert len(one["results"]) == 1 and one["next"]


def test_a_scanned_label_that_is_none_answers_without_crashing(db, demo):
    client = Client()
    client.force_login(demo["yangxue"])
    for code in ["", "BMC-", "BMC-1-", f"BMC-{HUGE}-{HUGE}", "BMC-1e400-1", "a\x00b", "x" * 10_000]:
        assert client.get("/ledger/scan/", {"code": code}).status_code in (302, 404), code
