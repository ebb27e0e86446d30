"""What every API viewset shares: lists and details start from the model's declared visibility."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import mixins, viewsets


class VisibleViewSetMixin:
    """List and detail start from `visible_to(request.user)` on the viewset's `queryset`, so an
    object outside what the person may know of answers 404 and never shows in a list. Narrower
    lists (a reader's own steps) filter further in `narrow`."""

    request: Any

    def get_queryset(self) -> QuerySet[Any]:
        rows = super().get_queryset()  # type: ignore[misc]
        return self.narrow(rows.visible_to(self.request.user))

    def narrow(self, rows: QuerySet[Any]) -> QuerySet[Any]:
        return rows


class VisibleListViewSet(VisibleViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """A collection listed among what the person may know of; its actions reach objects of it."""


class VisibleReadViewSet(VisibleListViewSet, mixins.RetrieveModelMixin):
    """A collection listed and read among what the person may know of."""
