"""What the ledger's API shows and what it accepts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    inline_serializer,
)
from rest_framework import serializers

from baomi.approvals.models import Approval
from baomi.audit.models import AuditEvent
from baomi.core.inputs import COPIES_MAX, MULTILINE, PAGES_MAX, SHEETS_MAX
from baomi.core.levels import Level, SecretKind, Urgency
from baomi.core.models import OrgUnit
from baomi.people.models import Person, Post

from .. import services
from ..models import Attachment, Cabinet, Copy, Document, Instruction, PrintWaste, SecretItem
from ..registers import REGISTERS
from ..services.access import reads_content
from .files import FORMATS


def _staff() -> QuerySet[Person]:
    """Active members of staff: administrator accounts hold no carriers and sign for nothing."""
    return Person.objects.filter(is_active=True, admin_role="")


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

    def to_representation(self, instance: Document) -> dict[str, Any]:
        data = super().to_representation(instance)
        request = self.context.get("request")
        # an entry known through a custody post: the leaders' words are content, kept back
        if request is not None and not reads_content(request.user, instance):
            for written in data["instructions"]:
                written["text"] = ""
        return data


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
    page_count = serializers.IntegerField(min_value=1, max_value=PAGES_MAX, default=1)
    copies = serializers.IntegerField(min_value=1, max_value=COPIES_MAX)
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


class OwnPrintApprovalField(serializers.PrimaryKeyRelatedField):
    """One of the requesting person's own print-run approvals; anyone else's does not exist."""

    def get_queryset(self) -> Any:
        mine = Approval.objects.requested_by(self.context["request"].user)
        return mine.filter(kind="document.print")


class InternalRegistrationSerializer(RegistrationSerializer):
    """内部印制登记: a print run of the distribution (count and recipients) a leader approved,
    named by that approval (DOC.PRINT.SCOPE)."""

    approval = OwnPrintApprovalField(
        queryset=Approval.objects.all(),
        allow_null=True,
        default=None,
        help_text=_("The leader's approval of the run's distribution (kind document.print)"),
    )
    drafts = serializers.IntegerField(min_value=0, max_value=COPIES_MAX, default=0)
    proofs = serializers.IntegerField(min_value=0, max_value=COPIES_MAX, default=0)
    surplus = serializers.IntegerField(min_value=0, max_value=COPIES_MAX, default=0)


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
    text = serializers.CharField(allow_blank=True, style=MULTILINE)


class ScopeRequestSerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.filter(is_active=True))
    reason = serializers.CharField(allow_blank=True, style=MULTILINE)


class ChangeRequestSerializer(serializers.Serializer):
    change = serializers.ChoiceField(choices=services.CHANGES)
    marking = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The new marking; none for a declassification."),
    )
    reason = serializers.CharField(allow_blank=True, style=MULTILINE)


class PrintRequestSerializer(serializers.Serializer):
    """Ask a leader to approve a print run's distribution (发送范围)."""

    summary = serializers.CharField(max_length=200, help_text=_("Unclassified summary"))
    count = serializers.IntegerField(min_value=1, max_value=COPIES_MAX)
    recipients = serializers.ListField(
        child=serializers.CharField(max_length=100), help_text=_("Recipients (发送范围)")
    )


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
    sheets = serializers.IntegerField(min_value=1, max_value=SHEETS_MAX)
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
