"""What every API viewset shares: lists and details start from the model's declared visibility."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.signals import setting_changed
from django.db.models import QuerySet
from django.dispatch import receiver
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework import mixins, viewsets
from rest_framework.response import Response


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


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, generated once per process, language and version rather than on each
    request: it is the same for every signed-in person (the whole API is described to all of
    them) and changes only with the code, and generating it takes seconds."""

    _generated: ClassVar[dict[tuple[str, str | None], Any]] = {}

    def _get_schema_response(self, request: Any) -> Response:
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (translation.get_language() or "", version)
        schema = self._generated.get(key)
        if schema is None:
            generator = self.generator_class(
                urlconf=self.urlconf, api_version=version, patterns=self.patterns
            )
            schema = generator.get_schema(request=request, public=self.serve_public)
            # only the product's languages are kept: `?lang=` takes anything
            if key[0] in dict(settings.LANGUAGES):
                self._generated[key] = schema
        return Response(
            data=schema,
            headers={
                "Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'
            },
        )


@receiver(setting_changed)
def _forget_the_schema(**kwargs: Any) -> None:
    # a test that changes the settings (the API's versions, the languages) sees its own schema
    SchemaView._generated.clear()
