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
