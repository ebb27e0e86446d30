"""REST API of the ledger: the register, registration on each of the three paths, and every
action a document's page offers, each one a call of the ledger's services.

Every document, copy, attachment and print-waste record is looked up through
`Document.objects.visible_to(person)`: whatever lies outside it answers 404, never 403.
Denials come back as problem+json through the project's exception handler (403 naming the
rules for a RuleViolation, 400 for a validation error).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast
from urllib.parse import quote

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from baomi.approvals.api import ApprovalSerializer
from baomi.approvals.models import Approval
from baomi.audit.models import AuditEvent
from baomi.core.levels import Level, SecretKind, Urgency
from baomi.core.models import OrgUnit
from baomi.people.models import Person, Post

from . import services
from .models import Attachment, Cabinet, Copy, Document, Instruction, PrintWaste, SecretItem
from .queries import register_for
from .registers import REGISTERS
from .views import CONTENT_TYPES, XLSX

FORMATS = ("xlsx", "pdf")


def _staff() -> QuerySet[Person]:
    """Active members of staff: administrator accounts hold no carriers and sign for nothing."""
    return Person.objects.filter(is_active=True, admin_role="")


# --- files --------------------------------------------------------------------------------------


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


# --- what the API shows ---------------------------------------------------------------------------


class CopySerializer(serializers.ModelSerializer):
    number = serializers.SerializerMethodField()
    cabinet: Any = serializers.StringRelatedField()

    class Meta:
        model = Copy
        fields = ["id", "copy_no", "number", "state", "cabinet", "holder"]

    def get_number(self, copy: Copy) -> str:
        """份号, six digits."""
        return copy.label


class CopyDetailSerializer(CopySerializer):
    """A copy with its custody timeline, read from the audit log."""

    document = serializers.IntegerField(source="document_id", read_only=True)
    marking = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()

    class Meta(CopySerializer.Meta):
        fields = [*CopySerializer.Meta.fields, "variant", "document", "marking", "timeline"]

    def get_marking(self, copy: Copy) -> str:
        return copy.document.marking or Level(copy.document.level).zh

    def get_timeline(self, copy: Copy) -> list[dict[str, Any]]:
        events = AuditEvent.objects.filter(object_type="ledger.copy", object_id=str(copy.pk))
        return [e.event for e in events.order_by("seq")]


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "document", "name", "file_type", "size", "sha256", "uploaded_at"]
        read_only_fields = fields


class InstructionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Instruction
        fields = ["id", "document", "leader", "routed_by", "routed_at", "text", "written_at"]
        read_only_fields = fields


class PrintWasteSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=PrintWaste.Kind.choices, read_only=True)

    class Meta:
        model = PrintWaste
        fields = [
            "id",
            "document",
            "kind",
            "sheets",
            "note",
            "recorded_by",
            "recorded_at",
            "destroyed_by",
            "supervised_by",
            "destroyed_at",
        ]
        read_only_fields = fields


class DocumentSerializer(serializers.ModelSerializer):
    copy_count = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "title",
            "code_name",
            "doc_number",
            "issuer",
            "issued_on",
            "origin",
            "kind",
            "level",
            "marking",
            "declassify_on",
            "urgency",
            "state",
            "copy_count",
        ]

    def get_title(self, document: Document) -> str:
        """The title, or only that it is a personal item while it is sealed to the reader."""
        request = self.context.get("request")
        return document.title_for(getattr(request, "user", None))

    def get_copy_count(self, document: Document) -> int:
        counted = getattr(document, "copy_count", None)  # the register's annotation
        return counted if counted is not None else document.copies.count()


class DocumentDetailSerializer(DocumentSerializer):
    copies = CopySerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    instructions = InstructionSerializer(many=True, read_only=True)
    print_waste = PrintWasteSerializer(many=True, read_only=True)

    class Meta(DocumentSerializer.Meta):
        fields = [
            *DocumentSerializer.Meta.fields,
            "copies",
            "attachments",
            "instructions",
            "print_waste",
        ]


# --- what the API accepts -------------------------------------------------------------------------


class RegistrationSerializer(serializers.Serializer):
    """What every registration path asks, as the registration pages do."""

    origin = serializers.ChoiceField(choices=Document.Origin.choices)
    title = serializers.CharField(max_length=200)
    code_name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    doc_number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    issuer = serializers.CharField(max_length=100)
    issued_on = serializers.DateField()
    kind = serializers.ChoiceField(choices=SecretKind.choices, default=SecretKind.STATE)
    marking = serializers.CharField(
        max_length=60,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("e.g. 机密★10年; leave empty for an unclassified item"),
    )
    level = serializers.ChoiceField(
        choices=Level.choices,
        allow_null=True,
        default=None,
        help_text=_("Level (unclassified items)"),
    )
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    form = serializers.ChoiceField(choices=Document.Form.choices, default=Document.Form.PAPER)
    page_count = serializers.IntegerField(min_value=1, default=1)
    copies = serializers.IntegerField(min_value=1, max_value=999)
    cabinet = serializers.SlugRelatedField(slug_field="code", queryset=Cabinet.objects.all())
    basis_item = serializers.PrimaryKeyRelatedField(
        queryset=SecretItem.objects.all(), allow_null=True, default=None
    )
    basis_reason = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )
    classified_by = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    scope_departments = serializers.PrimaryKeyRelatedField(
        queryset=OrgUnit.objects.all(), many=True, default=list
    )
    scope_posts = serializers.ListField(
        child=serializers.ChoiceField(choices=Post.choices), default=list
    )
    scope_persons = serializers.PrimaryKeyRelatedField(queryset=_staff(), many=True, default=list)


class IncomingRegistrationSerializer(RegistrationSerializer):
    """收文登记: an incoming item, possibly addressed to one person and signed for by another."""

    addressee = serializers.PrimaryKeyRelatedField(
        queryset=_staff(),
        allow_null=True,
        default=None,
        help_text=_("Addressed personally to (亲启)"),
    )
    signed_by = serializers.PrimaryKeyRelatedField(
        queryset=_staff(),
        allow_null=True,
        default=None,
        help_text=_("Leave empty when you signed for it yourself."),
    )


class InternalRegistrationSerializer(RegistrationSerializer):
    """内部印制登记: a print run, within its approved distribution count."""

    approved_count = serializers.IntegerField(min_value=1, max_value=999)
    drafts = serializers.IntegerField(min_value=0, default=0)
    proofs = serializers.IntegerField(min_value=0, default=0)
    surplus = serializers.IntegerField(min_value=0, default=0)


class OutgoingRegistrationSerializer(RegistrationSerializer):
    """发文登记: an outgoing item with the units it goes to, one copy each at least."""

    recipients = serializers.ListField(
        child=serializers.CharField(allow_blank=True), help_text=_("Recipients (主送)")
    )


REGISTRATION: dict[str, tuple[type[RegistrationSerializer], Callable[..., Document]]] = {
    Document.Origin.INCOMING: (IncomingRegistrationSerializer, services.register_incoming),
    Document.Origin.INTERNAL: (InternalRegistrationSerializer, services.register_internal),
    Document.Origin.OUTGOING: (OutgoingRegistrationSerializer, services.register_outgoing),
}


class OriginSerializer(serializers.Serializer):
    origin = serializers.ChoiceField(choices=Document.Origin.choices)


class RouteSerializer(serializers.Serializer):
    leader = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all())


class InstructionsSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True)


class ScopeRequestSerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.filter(is_active=True))
    reason = serializers.CharField(allow_blank=True)


class ChangeRequestSerializer(serializers.Serializer):
    change = serializers.ChoiceField(choices=services.CHANGES)
    marking = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The new marking; none for a declassification."),
    )
    reason = serializers.CharField(allow_blank=True)


class OwnApprovalField(serializers.PrimaryKeyRelatedField):
    """One of the requesting person's own approvals; anyone else's does not exist for them."""

    def get_queryset(self) -> Any:
        return Approval.objects.requested_by(self.context["request"].user)


class ApplySerializer(serializers.Serializer):
    approval = OwnApprovalField(queryset=Approval.objects.all())


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class PrintWasteRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PrintWaste.Kind.choices)
    sheets = serializers.IntegerField(min_value=1)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class DestroyWasteSerializer(serializers.Serializer):
    supervisor = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all())


class ExportQuerySerializer(serializers.Serializer):
    register = serializers.ChoiceField(choices=list(REGISTERS), default="carriers")
    format = serializers.ChoiceField(choices=FORMATS, default="xlsx")


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("An xlsx register laid out as the import template."))
    commit = serializers.BooleanField(
        default=False, help_text=_("Save the rows; otherwise only check them (a dry run).")
    )


IMPORT_REPORT = inline_serializer(
    "ImportReport",
    {
        "rows": serializers.IntegerField(),
        "errors": inline_serializer(
            "ImportRowErrors",
            {
                "row": serializers.IntegerField(),
                "errors": serializers.ListField(child=serializers.CharField()),
            },
            many=True,
        ),
        "imported": serializers.IntegerField(),
    },
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
    form = serializer_class(data=request.data, context={"request": request})
    form.is_valid(raise_exception=True)
    return dict(form.validated_data)


# --- the register and a document's actions --------------------------------------------------------


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
        services.view_document(actor=request.user, document=found)
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
        created = service(actor=request.user, **fields)
        # what the registering person has just given, with the copies numbered: not a view
        found = Document.objects.prefetch_related("copies__cabinet").get(pk=created.pk)
        return Response(
            DocumentDetailSerializer(found, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=RouteSerializer, responses={201: InstructionSerializer})
    @action(detail=True, methods=["post"])
    def route(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        """Route an incoming item to a leader for instructions (阅批)."""
        found = self.get_object()
        leader = _valid(RouteSerializer, request)["leader"]
        routed = services.route_for_instructions(actor=request.user, document=found, leader=leader)
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
            actor=request.user, instruction=instruction, text=text
        )
        return Response(InstructionSerializer(written).data)

    @extend_schema(request=None, responses={200: DocumentSerializer})
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        """The addressee signs for an item a proxy received; it then opens to its scope."""
        signed = services.sign_for_receipt(actor=request.user, document=self.get_object())
        return Response(DocumentSerializer(signed, context=self.get_serializer_context()).data)

    @extend_schema(request=ScopeRequestSerializer, responses={201: ApprovalSerializer})
    @action(detail=True, methods=["post"], url_path="scope-requests")
    def scope_requests(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        """Ask the issuing side to let a person know this document."""
        found = self.get_object()
        data = _valid(ScopeRequestSerializer, request)
        asked = services.ask_to_widen_scope(
            actor=request.user, document=found, person=data["person"], reason=data["reason"]
        )
        return self._approval(asked)

    @extend_schema(request=ChangeRequestSerializer, responses={201: ApprovalSerializer})
    @action(detail=True, methods=["post"], url_path="change-requests")
    def change_requests(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        """Ask for a change of the classification: declassify, extend, upgrade or downgrade."""
        found = self.get_object()
        data = _valid(ChangeRequestSerializer, request)
        asked = services.ask_to_change_classification(actor=request.user, document=found, **data)
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
            services.widen_scope(actor=request.user, document=found, approval=granted)
        else:
            services.change_classification(actor=request.user, document=found, approval=granted)
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
            actor=request.user, document=found, name=uploaded.name or "", data=uploaded.read()
        )
        return Response(AttachmentSerializer(stored).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PrintWasteRequestSerializer, responses={201: PrintWasteSerializer})
    @action(detail=True, methods=["post"], url_path="print-waste")
    def print_waste(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        """Record stencils, backing sheets or spoiled pages of a print run."""
        found = self.get_object()
        data = _valid(PrintWasteRequestSerializer, request)
        waste = services.record_print_waste(actor=request.user, document=found, **data)
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
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        chosen = query.validated_data["register"]
        fmt = self.format_kwarg or query.validated_data["format"]
        data = services.export_register(
            actor=request.user,
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
            actor=request.user, data=data["file"].read(), commit=data["commit"]
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


# --- copies, attachments, print waste -------------------------------------------------------------


class CopyViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A copy of a document the person may know exists: where it is, and its custody timeline
    from the audit log. Reading it is on record."""

    queryset = Copy.objects.none()
    serializer_class = CopyDetailSerializer

    def get_queryset(self) -> Any:
        return Copy.objects.select_related("document", "cabinet", "holder").filter(
            document__in=_visible(self.request)
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        found = self.get_object()
        services.view_copy(actor=request.user, copy=found)
        return Response(CopyDetailSerializer(found).data)


class AttachmentViewSet(viewsets.GenericViewSet):
    """A document's electronic content, decrypted for someone in its scope and cleared for its
    level; every download is on record."""

    queryset = Attachment.objects.none()
    serializer_class = AttachmentSerializer

    def get_queryset(self) -> Any:
        return Attachment.objects.select_related("document").filter(
            document__in=_visible(self.request)
        )

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
        data = services.read_content(actor=request.user, attachment=attachment)
        return _file(data, CONTENT_TYPES[attachment.file_type], attachment.name)


class PrintWasteViewSet(viewsets.GenericViewSet):
    """Print waste of a document the person may know exists."""

    queryset = PrintWaste.objects.none()
    serializer_class = PrintWasteSerializer

    def get_queryset(self) -> Any:
        return PrintWaste.objects.filter(document__in=_visible(self.request))

    @extend_schema(request=DestroyWasteSerializer, responses={200: PrintWasteSerializer})
    @action(detail=True, methods=["post"], url_path="destroy", url_name="destroy")
    def destroy_waste(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        """Destroyed on site by the clerk, with a second person supervising."""
        waste = self.get_object()
        supervisor = _valid(DestroyWasteSerializer, request)["supervisor"]
        done = services.destroy_print_waste(actor=request.user, waste=waste, supervisor=supervisor)
        return Response(PrintWasteSerializer(done).data)


def register_routes(router: Any) -> None:
    """Mount the ledger's endpoints on the API's router."""
    router.register("documents", DocumentViewSet, basename="document")
    router.register("copies", CopyViewSet, basename="copy")
    router.register("attachments", AttachmentViewSet, basename="attachment")
    router.register("print-waste", PrintWasteViewSet, basename="print-waste")
