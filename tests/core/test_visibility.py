"""Visibility is declared once per model: every model that reaches a classified document says
how, and `visible_to` is built from that declaration alone."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from django.http import Http404

from baomi.core import visibility
from baomi.core.visibility import VisibleQuerySet, visible_or_404, visible_or_raise

DOCUMENT = "ledger.Document"


@pytest.fixture
def demo(db):  # type: ignore[no-untyped-def]
    from baomi.demo import load_demo

    load_demo()


def _reaches_document(model: type[models.Model], depth: int = 4) -> bool:
    """Whether a chain of forward relations leads from `model` to a ledger document."""
    if model._meta.label == DOCUMENT:
        return True
    if depth == 0:
        return False
    for field in model._meta.get_fields():
        if not (field.is_relation and field.concrete and field.related_model):
            continue
        target = field.related_model
        assert isinstance(target, type)
        if target._meta.app_label in {"people", "core", "auth", "contenttypes"}:
            continue
        if target is not model and _reaches_document(target, depth - 1):
            return True
    return False


def reaching_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if _reaches_document(m)]


def test_every_model_that_reaches_a_document_declares_its_visibility():
    found = reaching_models()
    assert len(found) >= 20  # the walk really follows the relations
    undeclared = [
        m._meta.label
        for m in found
        if not hasattr(m, "visibility") or not isinstance(m._default_manager.all(), VisibleQuerySet)
    ]
    assert not undeclared


def test_a_model_without_a_declaration_is_refused_not_shown():
    from baomi.core.models import OrgUnit
    from baomi.people.models import Person

    with pytest.raises(TypeError, match="declares no visibility"):
        visibility.condition(OrgUnit, Person(username="x", is_active=True))


@pytest.mark.django_db
def test_administrators_and_anonymous_see_nothing_of_any_declared_model(demo):
    from django.contrib.auth.models import AnonymousUser

    from baomi.people.models import Person

    admins = list(Person.objects.exclude(admin_role=""))
    assert len(admins) == 3
    for model in reaching_models():
        for who in [AnonymousUser(), *admins]:
            assert not model._default_manager.all().visible_to(who).exists(), model  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_visible_or_404_answers_alike_for_hidden_and_missing(demo):
    from baomi.ledger.models import Copy
    from baomi.people.models import Person

    copy = Copy.objects.filter(document__level__gte=3).first()
    assert copy is not None
    admin = Person.objects.get(username="secadmin")
    with pytest.raises(Http404):
        visible_or_404(Copy, admin, pk=copy.pk)
    with pytest.raises(Http404):
        visible_or_404(Copy, admin, pk=10**9)
    with pytest.raises(visibility.NotVisible):
        visible_or_raise(Copy, admin, pk=copy.pk)


def _calls(name: str) -> list[tuple[str, int, str]]:
    """Every call of `name` in the package: file, line and its first argument's source."""
    import ast
    from pathlib import Path

    import baomi

    root = Path(baomi.__file__).resolve().parent
    found = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            func = getattr(node, "func", None)
            called = getattr(func, "id", None) or getattr(func, "attr", None)
            if isinstance(node, ast.Call) and called == name and node.args:
                where = str(path.relative_to(root.parent))
                found.append((where, node.lineno, ast.unparse(node.args[0])))
    return found


def test_no_hand_written_document_condition_outside_the_declarations():
    """The ledger's condition is reached only through `visible_to`, `visible_or_404` and
    `knows_document`: a hand-written `visible(person, path)` elsewhere is a second
    implementation of need-to-know."""
    calls = [c for c in _calls("visible") if not c[0].endswith("ledger/models.py")]
    assert not calls


def test_pages_fetch_declared_models_only_through_visible_or_404():
    declared = {m.__name__ for m in apps.get_models() if hasattr(m, "visibility")}
    plain = [c for c in _calls("get_object_or_404") if c[2].split(".")[0] in declared]
    assert len(_calls("get_object_or_404")) > 0  # the walk really finds calls
    assert not plain
