"""Visibility, declared once per model.

Every model that reaches a classified document says how, in one class attribute:

    class Loan(models.Model):
        visibility = Through("copy__document")
        objects = VisibleQuerySet.as_manager()

and `Loan.objects.visible_to(person)` is built from that declaration, in SQL, by the one
implementation below. Pages fetch single objects through `visible_or_404`; API viewsets through
`baomi.core.api.VisibleViewSetMixin`. Services still refuse on their own.

The condition "this person may know this document exists" belongs to the ledger, which registers
it here (`document_condition.register`), so `core` imports no app above it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, Self, TypeVar

from django.db import models
from django.db.models import Q
from django.http import Http404

M = TypeVar("M", bound=models.Model)


class NotVisible(LookupError):
    """The object does not exist for this person: absent, or outside what they may know of.

    Services raise it rather than an HTTP error; the page and API layers answer 404, the same
    answer as for an id that exists nowhere, so a refusal tells nothing of the object."""


class _DocumentCondition:
    """The ledger's condition on documents, reached through a path (`copy__document`)."""

    def __init__(self) -> None:
        self._fn: Callable[[Any, str], Q] | None = None

    def register(self, fn: Callable[[Any, str], Q]) -> None:
        self._fn = fn

    def __call__(self, person: Any, path: str) -> Q:
        if self._fn is None:  # the ledger is not loaded: nothing is visible rather than all
            return Q(pk__in=[])
        return self._fn(person, path)


document_condition = _DocumentCondition()


class Visibility(Protocol):
    def condition(self, model: type[models.Model], person: Any) -> Q:
        """The rows of `model` the person may know of, as one condition on `model`."""
        ...


@dataclass(frozen=True, slots=True)
class Through:
    """Visible when the document reached through one of `paths` is ("" for Document itself).

    Several paths are alternatives: a telegram is known through its own ledger document or,
    for a reply, through the telegram it answers."""

    paths: tuple[str, ...]

    def __init__(self, *paths: str) -> None:
        object.__setattr__(self, "paths", paths)

    def condition(self, model: type[models.Model], person: Any) -> Q:
        found = Q(pk__in=[])
        for path in self.paths:
            found |= document_condition(person, path)
        return found


@dataclass(frozen=True, slots=True)
class WhollyKnown:
    """For a row that gathers several documents (a destruction batch, an archive volume):
    visible when it reaches at least one document and every document it reaches is visible.
    A row mixing in one document outside the person's scope is not shown at all, so nothing of
    it leaks, not even its number."""

    path: str

    def condition(self, model: type[models.Model], person: Any) -> Q:
        reaching = model._default_manager.filter(**{f"{self.path}__isnull": False}).values("pk")
        hidden = _documents().exclude(document_condition(person, ""))
        # negated per row: Django turns this multi-valued exclusion into one subquery per row
        return Q(pk__in=reaching) & ~Q(**{f"{self.path}__in": hidden})


@dataclass(frozen=True, slots=True)
class Via:
    """Visible when the row it belongs to (through the foreign key `path`) is visible."""

    path: str

    def condition(self, model: type[models.Model], person: Any) -> Q:
        parent = model._meta.get_field(self.path).related_model
        assert isinstance(parent, type)
        found = declaration(parent)
        if isinstance(found, Through):
            # the parent's own document path, walked from here: a join, not a subquery
            return Through(*(_join(self.path, p) for p in found.paths)).condition(model, person)
        return Q(**{f"{self.path}__in": visible_to(parent, person).values("pk")})


def _join(first: str, then: str) -> str:
    return f"{first}__{then}" if then else first


@dataclass(frozen=True, slots=True)
class Rows:
    """Visible by a rule of the model's own (a meeting's participants, an approval's approvers),
    given as a function of the person returning a condition on the model."""

    rule: Callable[[Any], Q]

    def condition(self, model: type[models.Model], person: Any) -> Q:
        return self.rule(person)


def _documents() -> models.QuerySet[Any]:
    from django.apps import apps

    return apps.get_model("ledger", "Document")._default_manager.all()


def sees_nothing(person: Any) -> bool:
    """Anonymous and inactive accounts see nothing, and neither do the three administrators:
    separation of duties keeps classified registers out of their reach."""
    return (
        person is None
        or not person.is_authenticated
        or not person.is_active
        or bool(getattr(person, "admin_role", ""))
    )


def declaration(model: type[models.Model]) -> Visibility:
    found = getattr(model, "visibility", None)
    if found is None:
        raise TypeError(f"{model._meta.label} declares no visibility")
    return found  # type: ignore[no-any-return]


def condition(model: type[models.Model], person: Any) -> Q:
    """The declared condition for `model` and `person`, with the common gate applied."""
    if sees_nothing(person):
        return Q(pk__in=[])
    return declaration(model).condition(model, person)


def knows_document(person: Any, path: str) -> Q:
    """The condition "the person may know the document reached through `path`", for marking
    rows in a list the person sees as a whole (a handover list names every copy handed over,
    but a document's number only where its reader may know it)."""
    if sees_nothing(person):
        return Q(pk__in=[])
    return document_condition(person, path)


def visible_to(model: type[M], person: Any) -> models.QuerySet[M]:
    if sees_nothing(person):
        return model._default_manager.none()
    return model._default_manager.filter(condition(model, person))


class VisibleQuerySet(models.QuerySet[M]):
    """A queryset that knows its model's declared visibility."""

    def visible_to(self, person: Any) -> Self:
        """The rows the person may know of (see the model's `visibility`)."""
        if sees_nothing(person):
            return self.none()
        return self.filter(declaration(self.model).condition(self.model, person))


def visible_or_404(rows: type[M] | models.QuerySet[M], person: Any, **lookup: Any) -> M:
    """The one object `lookup` names among the rows the person may know of, or 404: an object
    outside them answers exactly as one that does not exist."""
    qs = rows if isinstance(rows, models.QuerySet) else rows._default_manager.all()
    if sees_nothing(person):
        raise Http404
    found = qs.filter(declaration(qs.model).condition(qs.model, person)).filter(**lookup).first()
    if found is None:
        raise Http404
    return found


def visible_or_raise(rows: type[M] | models.QuerySet[M], person: Any, **lookup: Any) -> M:
    """As `visible_or_404`, for services: raises `NotVisible`."""
    try:
        return visible_or_404(rows, person, **lookup)
    except Http404 as exc:
        raise NotVisible from exc
