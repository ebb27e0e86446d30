"""The register and every action a document's page offers, each one a call of the ledger's
services."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from baomi.approvals.api import ApprovalSerializer
from baomi.approvals.models import Approval
from baomi.core.errors import validated
from baomi.core.levels import Level
from baomi.people.models import Person, person_of

from .. import services
from ..models import Document, Instruction
from ..queries import register_for
from ..registers import REGISTERS
from ..views import XLSX
from .files import ByFormat, PdfRenderer, XlsxRenderer, _file
from .serializers import (
    IMPORT_REPORT,
    REGISTRATION,
    ApplySerializer,
    AttachmentSerializer,
    ChangeRequestSerializer,
    DocumentDetailSerializer,
    DocumentSerializer,
    ExportQuerySerializer,
    ImportSerializer,
    IncomingRegistrationSerializer,
    InstructionSerializer,
    InstructionsSerializer,
    InternalRegistrationSerializer,
    OriginSerializer,
    OutgoingRegistrationSerializer,
    PrintRequestSerializer,
    PrintWasteRequestSerializer,
    PrintWasteSerializer,
    RouteSerializer,
    ScopeRequestSerializer,
    UploadSerializer,
)

LIST_FILTERS = [
    OpenApiParameter("q", str, description=_("Text in the title, number, issuer or code name.")),
    OpenApiParameter("level", int, enum=[int(v) for v in Level]),
    OpenApiParameter("state", str, enum=list(Document.State.values)),
]


def _person(request: Request) -> Person:
    return cast(Person, request.user)


def _visible(request: Request) -> QuerySet[Document]:
    return Document.objects.visible_to(_person(request))


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    return validated(serializer_class, request)


class DocumentViewSet(viewsets.ReadOnlyModelViewSet):
    """The register: only documents the person may know exist (others answer 404). Reading
    one is a recorded view. Filters: q (substring), level, state. POST registers a document
    on the path its `origin` names; the actions below are those of a document's page."""

    def get_queryset(self) -> Any:
        if self.action == "list":
            return register_for(self.request.user, self.request.query_params)
        if self.action == "retrieve":
            return register_for(self.request.user, self.request.query_params).prefetch_related(
                "copies__cabinet", "attachments", "instructions", "print_waste"
            )
        return _visible(self.request)

    def get_serializer_class(self) -> Any:
        return DocumentDetailSerializer if self.action == "retrieve" else DocumentSerializer

    @extend_schema(parameters=LIST_FILTERS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        found = self.get_object()
        services.view_document(actor=person_of(request), document=found)
        return Response(DocumentDetailSerializer(found, context=self.get_serializer_context()).data)

    @extend_schema(
        request=PolymorphicProxySerializer(
            component_name="Registration",
            serializers={
                "incoming": IncomingRegistrationSerializer,
                "internal": InternalRegistrationSerializer,
                "outgoing": OutgoingRegistrationSerializer,
            },
            resource_type_field_name="origin",
        ),
        responses={201: DocumentDetailSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """收文、印制、发文登记: register an incoming item, a print run of the organization's own
        document, or an outgoing item; each copy is numbered and placed in the cabinet."""
        origin = _valid(OriginSerializer, request)["origin"]
        serializer_class, service = REGISTRATION[origin]
        fields = _valid(serializer_class, request)
        del fields["origin"]
        created = service(actor=person_of(request), **fields)
        # what the registering person has just given, with the copies numbered: not a view
        found = Document.objects.prefetch_related("copies__cabinet").get(pk=created.pk)
        return Response(
            DocumentDetailSerializer(found, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=PrintRequestSerializer, responses={201: ApprovalSerializer})
    @action(detail=False, methods=["post"], url_path="print-requests", url_name="print-requests")
    def print_requests(self, request: Request, **kwargs: Any) -> Response:
        """Ask a leader to approve a print run's distribution (发送范围): the number of formal
        copies and their recipients. The approval, once given, is named when the run is
        registered (DOC.PRINT.SCOPE)."""
        data = _valid(PrintRequestSerializer, request)
        return self._approval(services.ask_to_print(actor=person_of(request), **data))

    @extend_schema(request=RouteSerializer, responses={201: InstructionSerializer})
    @action(detail=True, methods=["post"])
    def route(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        """Route an incoming item to a leader for instructions (阅批)."""
        found = self.get_object()
        leader = _valid(RouteSerializer, request)["leader"]
        routed = services.route_for_instructions(
            actor=person_of(request), document=found, leader=leader
        )
        return Response(InstructionSerializer(routed).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=InstructionsSerializer, responses={200: InstructionSerializer})
    @action(detail=True, methods=["post"])
    def instructions(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        """The leader the item was routed to writes the instructions (批示), once."""
        found = self.get_object()
        text = _valid(InstructionsSerializer, request)["text"]
        mine = Instruction.objects.filter(document=found, leader=_person(request))
        instruction = mine.filter(written_at=None).first() or mine.last()
        if instruction is None:
            raise NotFound
        written = services.write_instructions(
            actor=person_of(request), instruction=instruction, text=text
        )
        return Response(InstructionSerializer(written).data)

    @extend_schema(request=None, responses={200: DocumentSerializer})
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        """The addressee signs for an item a proxy received; it then opens to its scope."""
        signed = services.sign_for_receipt(actor=person_of(request), document=self.get_object())
        return Response(DocumentSerializer(signed, context=self.get_serializer_context()).data)

    @extend_schema(request=ScopeRequestSerializer, responses={201: ApprovalSerializer})
    @action(detail=True, methods=["post"], url_path="scope-requests")
    def scope_requests(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        """Ask the issuing side to let a person know this document."""
        found = self.get_object()
        data = _valid(ScopeRequestSerializer, request)
        asked = services.ask_to_widen_scope(
            actor=person_of(request), document=found, person=data["person"], reason=data["reason"]
        )
        return self._approval(asked)

    @extend_schema(request=ChangeRequestSerializer, responses={201: ApprovalSerializer})
    @action(detail=True, methods=["post"], url_path="change-requests")
    def change_requests(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        """Ask for a change of the classification: declassify, extend, upgrade or downgrade."""
        found = self.get_object()
        data = _valid(ChangeRequestSerializer, request)
        asked = services.ask_to_change_classification(
            actor=person_of(request), document=found, **data
        )
        return self._approval(asked)

    def _approval(self, approval: Approval) -> Response:
        return Response(
            ApprovalSerializer(approval, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=ApplySerializer,
        responses={
            200: DocumentSerializer,
            204: OpenApiResponse(description=_("Done; the document is now outside your scope.")),
        },
    )
    @action(detail=True, methods=["post"])
    def apply(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        """Use one's granted approval on this document: widen the scope, or change the
        classification."""
        found = self.get_object()
        granted = _valid(ApplySerializer, request)["approval"]
        if granted.kind == "scope.widen":
            services.widen_scope(actor=person_of(request), document=found, approval=granted)
        else:
            services.change_classification(
                actor=person_of(request), document=found, approval=granted
            )
        after = _visible(request).filter(pk=found.pk).first()
        if after is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(DocumentSerializer(after, context=self.get_serializer_context()).data)

    @extend_schema(request=UploadSerializer, responses={201: AttachmentSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def content(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        """Store the document's electronic content, encrypted, as the deployment allows."""
        found = self.get_object()
        uploaded = _valid(UploadSerializer, request)["file"]
        stored = services.attach_content(
            actor=person_of(request), document=found, name=uploaded.name or "", data=uploaded.read()
        )
        return Response(AttachmentSerializer(stored).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PrintWasteRequestSerializer, responses={201: PrintWasteSerializer})
    @action(detail=True, methods=["post"], url_path="print-waste")
    def print_waste(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        """Record stencils, backing sheets or spoiled pages of a print run."""
        found = self.get_object()
        data = _valid(PrintWasteRequestSerializer, request)
        waste = services.record_print_waste(actor=person_of(request), document=found, **data)
        return Response(PrintWasteSerializer(waste).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[ExportQuerySerializer, *LIST_FILTERS],
        responses={
            (200, XLSX): OpenApiTypes.BINARY,
            (200, PdfRenderer.media_type): OpenApiTypes.BINARY,
        },
    )
    @action(
        detail=False,
        methods=["get"],
        renderer_classes=[XlsxRenderer, PdfRenderer],
        content_negotiation_class=ByFormat,
    )
    def export(self, request: Request, **kwargs: Any) -> Response:
        """A named register (收文登记簿, 发文登记簿, 涉密载体台账) as filtered by q, level and
        state, as far as the person may see it; the export is on record."""
        query = validated(ExportQuerySerializer, request, data=request.query_params)
        chosen = query["register"]
        fmt = self.format_kwarg or query["format"]
        data = services.export_register(
            actor=person_of(request),
            documents=register_for(request.user, request.query_params, copy_count=False),
            register=chosen,
            fmt=fmt,
        )
        content_type = PdfRenderer.media_type if fmt == "pdf" else XLSX
        return _file(data, content_type, f"{REGISTERS[chosen].name}.{fmt}")

    @extend_schema(
        request=ImportSerializer,
        responses={200: IMPORT_REPORT, 201: IMPORT_REPORT},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_(self, request: Request, **kwargs: Any) -> Response:
        """Import a register from xlsx: every row is checked; `commit` saves a file without a
        bad row, all of it at once (201). Otherwise the report lists each bad row's reasons."""
        data = _valid(ImportSerializer, request)
        report = services.import_register(
            actor=person_of(request), data=data["file"].read(), commit=data["commit"]
        )
        body = {
            "rows": report.rows,
            "errors": [{"row": row, "errors": errors} for row, errors in report.errors],
            "imported": report.imported,
        }
        return Response(
            body,
            status=status.HTTP_201_CREATED if report.imported else status.HTTP_200_OK,
        )
