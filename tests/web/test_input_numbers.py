"""Numbers people give are bounded in the model, the serializer and the form: an overflowing or
negative count is refused with 400 naming the field, never a 500, and nothing is saved."""

from __future__ import annotations

import copy as copying
import json
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers

from baomi.core.inputs import PAGES_MAX
from baomi.ledger.models import Document
from baomi.people.models import Person

from . import test_input_lists

#: the demo organization, built once for this module as for the lists' sweep
demo = test_input_lists.demo
HUGE = 10**20
API = "/api/v1/documents/"


def _registration(**changes: Any) -> dict[str, Any]:
    from baomi.core.models import OrgUnit

    return {
        "origin": "incoming",
        "title": "关于数字边界的通知",
        "issuer": "市委办公室",
        "issued_on": "2026-11-20",
        "marking": "秘密★1年",
        "copies": 2,
        "cabinet": "JYS-01",
        "scope_departments": [OrgUnit.objects.get(name="机要室").pk],
        **changes,
    }


def _clerk(demo: dict[str, Person]) -> Client:
    client = Client()
    client.force_login(demo["yangxue"])
    return client


def test_an_overflowing_page_count_is_refused_by_name_and_nothing_is_saved(db, demo):
    client = _clerk(demo)
    before = Document.objects.count()
    refused = client.post(API, _registration(page_count=HUGE), content_type="application/json")
    assert refused.status_code == 400, refused.content
    assert list(refused.json()["errors"]) == ["page_count"]
    assert Document.objects.count() == before
    made = client.post(API, _registration(page_count=PAGES_MAX), content_type="application/json")
    assert made.status_code == 201, made.content
    assert Document.objects.get(pk=made.json()["id"]).page_count == PAGES_MAX


@pytest.mark.parametrize(
    ("field", "value"),
    [("copies", -1), ("copies", 0), ("page_count", -5), ("copies", HUGE), ("page_count", "1e400")],
)
def test_a_negative_or_malformed_count_is_refused_by_name(db, demo, field, value):
    client = _clerk(demo)
    before = Document.objects.count()
    refused = client.post(API, _registration(**{field: value}), content_type="application/json")
    assert refused.status_code == 400 and list(refused.json()["errors"]) == [field]
    assert Document.objects.count() == before


def test_the_print_run_and_waste_counts_are_bounded_too(db, demo):
    client = _clerk(demo)
    internal = _registration(origin="internal", approved_count=2, drafts=HUGE, surplus=-1)
    refused = client.post(API, internal, content_type="application/json").json()
    assert set(refused["errors"]) == {"drafts", "surplus"}
    page = client.post(
        "/ledger/internal/new/", {**_registration(), "approved_count": 2, "drafts": HUGE}
    )
    assert page.status_code == 200 and "drafts" in page.context["form"].errors


def test_the_models_bound_what_they_count():
    def refused(model: Any, field: str, value: int) -> bool:
        try:
            model._meta.get_field(field).run_validators(value)
        except ValidationError:
            return True
        return False

    from baomi.flows.models import ArchiveVolume, Channel
    from baomi.ledger.models import Copy, PrintWaste

    for model, field in [
        (Document, "page_count"),
        (Document, "approved_count"),
        (Copy, "copy_no"),
        (PrintWaste, "sheets"),
        (ArchiveVolume, "year"),
    ]:
        assert refused(model, field, HUGE) and refused(model, field, 0), f"{model}.{field}"
    assert refused(Channel, "max_level", 5) and not refused(Channel, "max_level", 4)
    assert not refused(Document, "page_count", 1) and not refused(ArchiveVolume, "year", 2026)


# ---------------------------------------------------------------- every integer the API takes


GENERATOR = SchemaGenerator()
SCHEMA = GENERATOR.get_schema(request=None, public=True)
COMPONENTS = SCHEMA["components"]["schemas"]
#: the serializer behind each component (drf-spectacular keeps no public map of them)
SERIALIZERS = {
    c.name: c.object for c in GENERATOR.registry._components.values() if c.type == "schemas"
}


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = COMPONENTS[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _variants(body: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """A request body's shapes with their components' names: each of a oneOf with its
    discriminator's value set."""
    if "oneOf" not in _resolve(body):
        return [(body.get("$ref", "").rsplit("/", 1)[-1], _resolve(body))]
    mapping = _resolve(body).get("discriminator", {})
    shapes = []
    for value, ref in mapping.get("mapping", {}).items():
        shape = copying.deepcopy(_resolve({"$ref": ref}))
        shape.setdefault("x-fixed", {})[mapping["propertyName"]] = value
        shapes.append((ref.rsplit("/", 1)[-1], shape))
    return shapes


def _overflowing(prop: dict[str, Any]) -> Any:
    """HUGE in the shape the property takes, or None for a property that holds no integer."""
    prop = _resolve(prop)
    if prop.get("readOnly"):
        return None
    if prop.get("type") == "integer":
        return HUGE
    if prop.get("type") == "array":
        inner = _overflowing(prop.get("items", {}))
        return None if inner is None else [inner] * max(prop.get("items", {}).get("minItems", 1), 2)
    return None


def _request_bodies() -> list[tuple[str, str, str, dict[str, Any]]]:
    """(path, method, component, shape) of every request body the API takes."""
    found = []
    for path, item in SCHEMA["paths"].items():
        for method, operation in item.items():
            content = operation.get("requestBody", {}).get("content", {})
            body = content.get("application/json") or next(iter(content.values()), None)
            if method not in ("post", "put", "patch") or body is None:
                continue
            for component, shape in _variants(body["schema"]):
                found.append((path, method, component, shape))
    return found


BODIES = _request_bodies()
INTEGER_FIELDS = [
    (path, method, name, shape, value)
    for path, method, _component, shape in BODIES
    for name, prop in shape.get("properties", {}).items()
    if (value := _overflowing(prop)) is not None
]


def test_the_sweep_finds_the_integer_fields_it_is_about():
    named = {(path, name) for path, _m, name, _s, _v in INTEGER_FIELDS}
    assert ("/api/v1/documents/", "page_count") in named
    assert ("/api/v1/documents/", "drafts") in named
    assert ("/api/v1/archive-volumes/", "year") in named
    assert ("/api/v1/reproductions/", "count") in named
    assert len(named) >= 20


def _unbounded(serializer: Any, prefix: str = "") -> list[str]:
    """The writable integer fields of a serializer (at any depth) without an upper bound; a
    related field is bounded by its table, a choice by its choices."""
    found = []
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        while isinstance(field, serializers.ListField):
            field = field.child
        if isinstance(field, serializers.Serializer):
            found += _unbounded(field, f"{prefix}{name}.")
        elif isinstance(field, serializers.IntegerField) and field.max_value is None:
            found.append(prefix + name)
    return found


REQUEST_SERIALIZERS = sorted({component for _p, _m, component, _s in BODIES if component})


@pytest.mark.parametrize("component", REQUEST_SERIALIZERS)
def test_every_integer_the_api_takes_has_bounds(component):
    serializer = SERIALIZERS[component]
    if isinstance(serializer, type):
        serializer = serializer()
    assert not _unbounded(serializer), f"{component}: no upper bound"


def _ids(client: Client, path: str) -> str:
    """`path` with each {parameter} filled by an object the person may see, where one is."""
    collection = path.split("{", 1)[0]
    listed = client.get(collection)
    first = "1"
    if listed.status_code == 200 and listed["Content-Type"].startswith("application/json"):
        rows = listed.json()
        rows = rows.get("results", rows) if isinstance(rows, dict) else rows
        if rows and isinstance(rows[0], dict):
            first = str(rows[0].get("id", rows[0].get("seq", 1)))
    return re.sub(r"\{[^}]+\}", first, path)


@pytest.mark.parametrize(
    ("path", "method", "name", "shape", "value"),
    INTEGER_FIELDS,
    ids=[f"{m} {p} {n}" for p, m, n, _s, _v in INTEGER_FIELDS],
)
def test_posting_an_overflowing_integer_is_never_a_crash(
    db, demo, path, method, name, shape, value
):
    answers = []
    for username in ("yangxue", "chenmin", "secadmin", "zhouqiang"):
        client = Client()
        client.force_login(demo[username])
        body = {**shape.get("x-fixed", {}), name: value}
        response = getattr(client, method)(
            _ids(client, path), json.dumps(body), content_type="application/json"
        )
        assert response.status_code < 500, f"{username}: {response.status_code}"
        if response.status_code == 400:
            errors = response.json().get("errors", {})
            assert name in errors, f"{username}: 400 without naming {name}: {errors}"
        answers.append(response.status_code)
    # refused for the number where the person may act, or refused before the body is read
    assert set(answers) <= {400, 403, 404}, answers
