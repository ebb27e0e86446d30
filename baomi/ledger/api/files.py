"""Files the ledger's API answers with: xlsx and PDF registers, attachments' own bytes."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from ..views import XLSX

FORMATS = ("xlsx", "pdf")


class FileRenderer(BaseRenderer):
    """Hands over a file's bytes as they are; a refusal still reads as problem+json."""

    media_type = "application/octet-stream"
    format = "bin"
    charset = None
    render_style = "binary"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Any = None,
    ) -> Any:
        if isinstance(data, bytes):
            return data
        return JSONRenderer().render(data)


class XlsxRenderer(FileRenderer):
    media_type = XLSX
    format = "xlsx"


class PdfRenderer(FileRenderer):
    media_type = "application/pdf"
    format = "pdf"


class ByFormat(DefaultContentNegotiation):
    """A file endpoint answers in the format its query names (`?format=` or a suffix), whatever
    the Accept header says; with none named, in its first format."""

    def select_renderer(
        self, request: Request, renderers: Any, format_suffix: str | None = None
    ) -> Any:
        wanted = format_suffix or request.query_params.get("format")
        for renderer in renderers:
            if renderer.format == wanted:
                return renderer, renderer.media_type
        return renderers[0], renderers[0].media_type


def _file(data: bytes, content_type: str, name: str) -> Response:
    return Response(
        data,
        content_type=content_type,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
    )
