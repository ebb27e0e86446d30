"""Text refuses the characters that hide or reorder what it shows: C0 controls other than tab
and line feed (carriage return too, in multi-line text), DEL and C1, and the bidirectional
embeddings, overrides and isolates. The refusal names the field; nothing is saved. The API
checks every string it takes in one place, the pages' forms derive from one base."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.test import Client
from rest_framework import mixins

import baomi
from baomi.core.inputs import CheckedForm, forbidden
from baomi.ledger.models import Document
from baomi.people.models import Person

from . import test_input_lists

#: the demo organization, built once for this module as for the lists' sweep
demo = test_input_lists.demo
API = "/api/v1/documents/"
DIRECTION = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]


def test_the_characters_refused_and_those_kept():
    refused = [chr(c) for c in range(0x20) if chr(c) not in "\t\n"] + ["\x7f", "\x85", "\x9f"]
    for char in refused + DIRECTION:
        assert forbidden(f"标题{char}", multiline=char != "\r") == char, hex(ord(char))
    assert forbidden("一\r\n二", multiline=False) == "\r"
    # tab, line breaks, the RLM and LRM marks (not overrides), CJK beyond the BMP
    kept = "第一条\t说明\n第二条\r\n（附件）«»—\u200f\u200e é ☆ \U00020000"
    assert forbidden(kept, multiline=True) is None
    assert forbidden(kept.replace("\r", ""), multiline=False) is None


def _registration(**changes: Any) -> dict[str, Any]:
    from baomi.core.models import OrgUnit

    return {
        "origin": "incoming",
        "title": "关于文本检查的通知",
        "issuer": "市委办公室",
        "issued_on": "2026-11-20",
        "marking": "秘密★1年",
        "copies": 1,
        "cabinet": "JYS-01",
        "scope_departments": [OrgUnit.objects.get(name="机要室").pk],
        **changes,
    }


def _as(demo: dict[str, Person], username: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(demo[username])
    return client


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\x07", "\x1b", "\r", "\x7f"])
def test_a_title_with_a_direction_override_or_control_is_refused_naming_title(db, demo, char):
    client = _as(demo, "yangxue")
    before = Document.objects.count()
    title = f"关于{char}exe.txt的通知"
    refused = client.post(API, _registration(title=title), content_type="application/json")
    body = refused.json()
    assert refused.status_code == 400 and list(body["errors"]) == ["title"]
    assert body["errors"]["title"] == [
        f"title may not contain the character U+{ord(char):04X}: control characters and "
        "direction overrides are not allowed in text."
    ]
    assert body["detail"].startswith("title: title may not contain")
    assert Document.objects.count() == before


def test_a_nested_string_is_checked_and_named(db, demo):
    client = _as(demo, "yangxue")
    outgoing = _registration(origin="outgoing", recipients=["市财政局", "市\u202e教育局"])
    refused = client.post(API, outgoing, content_type="application/json")
    assert refused.status_code == 400 and list(refused.json()["errors"]) == ["recipients"]


def test_a_nul_in_a_name_is_refused_naming_the_field(db, demo):
    client = _as(demo, "secadmin")
    channel = {"name": "机要\x00交通", "kind": "courier", "max_level": 3, "encrypted": True}
    refused = client.post("/api/v1/channels/", channel, content_type="application/json")
    assert refused.status_code == 400 and list(refused.json()["errors"]) == ["name"]
    page = client.post(
        "/people/new/", {"username": "newbie", "full_name": "王\x00五", "tier": "general"}
    )
    assert page.status_code == 200 and "full_name" in page.context["form"].errors
    assert not Person.objects.filter(username="newbie").exists()


def test_a_control_character_in_a_page_form_is_refused_at_its_field(db, demo):
    client = _as(demo, "yangxue")
    before = Document.objects.count()
    from baomi.ledger.models import Cabinet

    form = {
        **_registration(title="关于\u202e通知"),
        "kind": "state",
        "urgency": 0,
        "form": "paper",
        "page_count": 1,
        "cabinet": Cabinet.objects.get(code="JYS-01").pk,
    }
    page = client.post("/ledger/incoming/new/", form)
    errors = page.context["form"].errors
    assert page.status_code == 200 and list(errors) == ["title"]
    assert errors["title"] == [
        "Title may not contain the character U+202E: control characters and direction "
        "overrides are not allowed in text."
    ]
    assert Document.objects.count() == before


def test_tab_and_line_breaks_in_a_multi_line_reason_are_accepted(db, demo):
    client = _as(demo, "yangxue")
    document = Document.objects.visible_to(demo["yangxue"]).first()
    sunli = Person.objects.get(username="sunli")
    reason = "第一，工作需要：\t承办本件\r\n第二，已经科长同意。\n"
    asked = client.post(
        f"{API}{document.pk}/scope-requests/",
        {"person": sunli.pk, "reason": reason},
        content_type="application/json",
    )
    assert asked.status_code == 201, asked.content
    assert asked.json()["summary"] == reason.strip()
    refused = client.post(
        f"{API}{document.pk}/scope-requests/",
        {"person": sunli.pk, "reason": "工作需要\u2067"},
        content_type="application/json",
    )
    assert refused.status_code == 400 and list(refused.json()["errors"]) == ["reason"]


def test_a_multi_line_comment_on_a_page_keeps_its_line_breaks():
    from baomi.approvals.forms import DecisionForm

    kept = DecisionForm({"comment": "同意。\r\n\t请按期归还。"})
    assert kept.is_valid(), kept.errors
    refused = DecisionForm({"comment": "同意\u202d"})
    assert not refused.is_valid() and list(refused.errors) == ["comment"]


def test_a_password_is_left_as_typed():
    from baomi.people.forms import UnlockForm

    assert UnlockForm({"password": "pa\u202ess\x07word"}).is_valid()


# ----------------------------------------------- the check cannot be left out by a new surface


def _modules(suffix: str) -> list[Any]:
    found = []
    for info in pkgutil.walk_packages(baomi.__path__, "baomi."):
        parts = info.name.split(".")
        if suffix in parts and "migrations" not in parts:
            found.append(importlib.import_module(info.name))
    return found


def test_every_page_form_derives_from_the_checked_form():
    unchecked = [
        f"{module.__name__}.{name}"
        for module in _modules("forms")
        for name, cls in vars(module).items()
        if inspect.isclass(cls)
        and issubclass(cls, forms.BaseForm)
        and cls.__module__ == module.__name__
        and not issubclass(cls, CheckedForm)
    ]
    assert not unchecked


def test_the_api_reads_its_input_only_through_the_one_checked_door():
    """No API module validates a serializer itself, and no viewset writes through the REST
    framework's default create or update, which would validate without the check."""
    package = Path(baomi.__file__).parent
    sources = [
        path
        for path in package.rglob("*.py")
        if ("api" in path.parts or path.stem == "api") and "migrations" not in path.parts
    ]
    assert len(sources) > 10
    own_checks = [
        f"{path.relative_to(package)}:{node.lineno}"
        for path in sources
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute) and node.attr in ("is_valid", "validated_data")
    ]
    assert not own_checks
    from baomi.api import router

    defaults = [
        f"{viewset.__name__}.{method}"
        for _prefix, viewset, _basename in router.registry
        for mixin, method in (
            (mixins.CreateModelMixin, "create"),
            (mixins.UpdateModelMixin, "update"),
            (mixins.UpdateModelMixin, "partial_update"),
        )
        if getattr(viewset, method, None) is getattr(mixin, method)
    ]
    assert not defaults


def test_a_view_reading_the_posted_text_itself_gets_the_same_check():
    from django.core.exceptions import ValidationError
    from django.test import RequestFactory

    from baomi.core.inputs import posted_text

    post = RequestFactory().post("/", {"reason": "原因\u202e", "note": "一\r\n二\t三"})
    with pytest.raises(ValidationError) as raised:
        posted_text(post, "reason")
    assert list(raised.value.message_dict) == ["reason"]
    assert posted_text(post, "note", multiline=True) == "一\r\n二\t三"
    with pytest.raises(ValidationError):
        posted_text(post, "note")  # a carriage return in one-line text
    assert posted_text(post, "absent") == ""


def test_every_string_of_a_json_value_is_checked_keys_too():
    from baomi.core.inputs import text_errors
    from baomi.policy.api import RuleParameterSerializer

    fields = dict(RuleParameterSerializer().fields)
    assert list(text_errors(fields, {"value": {"名单\u202e": 1}, "reason": "调整"})) == ["value"]
    assert list(text_errors(fields, {"value": ["甲", ["乙\x1b"]], "reason": "调整"})) == ["value"]
    assert text_errors(fields, {"value": {"名单": [1, "甲"]}, "reason": "调整\r\n说明"}) == {}
