"""Copies, attachments and print waste, each of a document the person may know exists."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    extend_schema,
)
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from baomi.core.api import VisibleViewSetMixin
from baomi.people.models import person_of

from .. import services
from ..models import Attachment, Copy, PrintWaste
from ..views import CONTENT_TYPES
from .documents import _valid
from .files import ByFormat, FileRenderer, _file
from .serializers import (
    AttachmentSerializer,
    CopyDetailSerializer,
    DestroyWasteSerializer,
    PrintWasteSerializer,
)


class CopyViewSet(VisibleViewSetMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A copy of a document the person may know exists: where it is, and its custody timeline
    from the audit log. Reading it is on record."""

    queryset = Copy.objects.select_related("document", "cabinet", "holder")
    serializer_class = CopyDetailSerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        found = self.get_object()
        services.view_copy(actor=person_of(request), copy=found)
        return Response(CopyDetailSerializer(found).data)


class AttachmentViewSet(VisibleViewSetMixin, viewsets.GenericViewSet):
    """A document's electronic content, decrypted for someone in its scope and cleared for its
    level; every download is on record."""

    queryset = Attachment.objects.select_related("document")
    serializer_class = AttachmentSerializer

    @extend_schema(responses={(200, FileRenderer.media_type): OpenApiTypes.BINARY})
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[FileRenderer],
        content_negotiation_class=ByFormat,
    )
    def content(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        """The file's bytes, with its own content type."""
        attachment = self.get_object()
        data = services.read_content(actor=person_of(request), attachment=attachment)
        return _file(data, CONTENT_TYPES[attachment.file_type], attachment.name)


class PrintWasteViewSet(VisibleViewSetMixin, viewsets.GenericViewSet):
    """Print waste of a document the person may know exists."""

    queryset = PrintWaste.objects.all()
    serializer_class = PrintWasteSerializer

    @extend_schema(request=DestroyWasteSerializer, responses={200: PrintWasteSerializer})
    @action(detail=True, methods=["post"], url_path="destroy", url_name="destroy")
    def destroy_waste(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        """Destroyed on site by the clerk, with a second person supervising."""
        waste = self.get_object()
        supervisor = _valid(DestroyWasteSerializer, request)["supervisor"]
        done = services.destroy_print_waste(
            actor=person_of(request), waste=waste, supervisor=supervisor
        )
        return Response(PrintWasteSerializer(done).data)
