"""The ledger: classified documents, their numbered copies, who may know of them, and where each
copy is. Secure cabinets (保密柜) hold copies under a named custodian (DOC.STORE)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from baomi.core.inputs import COPIES_MAX, COPY_NO_MAX, PAGES_MAX, SHEETS_MAX, bounded
from baomi.core.levels import Level, SecretKind, Urgency
from baomi.core.rules import clearance_ceiling
from baomi.core.visibility import (
    Rows,
    Through,
    VisibleQuerySet,
    document_condition,
    sees_nothing,
)


def lists_cabinets(person: Any) -> Q:
    """Every cabinet, for those ACC.ROLE lets list them (who keeps or oversees custody); none
    for anyone else. A cabinet names no document: what is in it is counted per person."""
    from baomi.policy import check

    return Q() if check("cabinet.list", actor=person).allowed else Q(pk__in=[])


class Cabinet(models.Model):
    name = models.CharField(_("name"), max_length=60)
    code = models.CharField(_("code"), max_length=20, unique=True)
    department = models.ForeignKey(
        "core.OrgUnit",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="cabinets",
    )
    custodian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("custodian"),
        on_delete=models.PROTECT,
        related_name="cabinets",
    )
    location = models.CharField(_("location"), max_length=100, blank=True)
    # DOC.STORE: classified and ordinary items are stored apart
    for_classified = models.BooleanField(_("for classified items"), default=True)

    visibility = Rows(lists_cabinets)
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("secure cabinet")
        verbose_name_plural = _("secure cabinets")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SecretItem(models.Model):
    """保密事项范围: one item of the catalog of what the organization treats as secret."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    kind = models.CharField(
        _("kind of secret"), max_length=12, choices=SecretKind.choices, default=SecretKind.STATE
    )
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("secret item")
        verbose_name_plural = _("secret-item catalog")
        ordering = ["-level", "name"]

    def __str__(self) -> str:
        return self.name


SEALED_TITLE = "（亲启件）"


def visible(person: Any, path: str = "") -> Q:
    """The condition "this person may know the document exists" (SPEC §3), for Document itself
    (`path` empty) or for rows reaching it through `path` ("copy__document"): checked per row in
    SQL, so a list of copies or circulations walks its own index instead of first building the
    set of every visible document. Non-secret items for every member of staff; classified items
    when the tier admits the level and the person is in the knowledge scope by name,
    department or post, or holds a custody post in the registering department (the room's one
    register, see `keeps_register`); declassified items for all staff. Administrator accounts
    see none."""
    if not person.is_authenticated or not person.is_active or person.admin_role:
        return Q(pk__in=[])
    prefix = f"{path}__" if path else ""
    ceiling = clearance_ceiling(person.tier)
    in_scope = ScopeEntry.objects.filter(document=OuterRef(f"{prefix}pk")).filter(
        Q(person=person.pk)
        | Q(department=person.department_id)
        | Q(post__in=list(person.post_codes))
    )
    known = Q(Exists(in_scope))
    if keeps_register(person) and person.department_id is not None:
        known |= Q(**{f"{prefix}department": person.department_id})
    return (
        Q(**{f"{prefix}level__lte": Level.INTERNAL})
        # declassified: tracked still, but without restriction
        | Q(**{f"{prefix}state": "declassified"})
        | (Q(**{f"{prefix}level__lte": ceiling}) & known)
    )


def keeps_register(person: Any) -> bool:
    """Whether `person` holds a custody post (the posts ACC.ROLE lets manage custody) while
    ACC.NEED_TO_KNOW lets such posts know their room's register: they then know of every item
    their department registered and every copy in the cabinets they keep, so the room's clerks
    cover each other's duty and a custodian accounts for her cabinet. Knowing of an item is
    not reading it: its content still asks for the knowledge scope (`content.view`)."""
    from baomi.policy import params

    if sees_nothing(person) or not params("ACC.NEED_TO_KNOW")["custody_posts_see_register"]:
        return False
    custody_posts = params("ACC.ROLE")["posts"].get("custody.manage", ())
    return bool(set(custody_posts) & person.post_codes)


document_condition.register(visible)


class DocumentQuerySet(VisibleQuerySet["Document"]):
    pass


class Document(models.Model):
    """涉密载体 / 文件: the logical item, registered once, with numbered copies."""

    class Origin(models.TextChoices):
        INTERNAL = "internal", _("internal")
        INCOMING = "incoming", _("incoming")
        OUTGOING = "outgoing", _("outgoing")

    class Form(models.TextChoices):
        PAPER = "paper", _("paper")
        MAGNETIC = "magnetic", _("magnetic")
        OPTICAL = "optical", _("optical")
        FLASH = "flash", _("flash memory")
        AUDIO_VIDEO = "audio_video", _("audio or video")
        ELECTRONIC = "electronic", _("electronic")

    class State(models.TextChoices):
        ACTIVE = "active", _("in force")
        DECLASSIFIED = "declassified", _("declassified")

    title = models.CharField(_("title"), max_length=200)
    code_name = models.CharField(_("code name"), max_length=60, blank=True)
    doc_number = models.CharField(_("document number"), max_length=60, blank=True)
    issuer = models.CharField(_("issuer"), max_length=100)
    issued_on = models.DateField(_("date of issue"))
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    kind = models.CharField(
        _("kind of secret"), max_length=12, choices=SecretKind.choices, default=SecretKind.STATE
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    marking = models.CharField(_("marking"), max_length=60, blank=True)
    declassify_on = models.DateField(_("declassified on"), null=True, blank=True)
    urgency = models.PositiveSmallIntegerField(
        _("urgency"), choices=Urgency.choices, default=Urgency.NORMAL
    )
    form = models.CharField(
        _("carrier form"), max_length=12, choices=Form.choices, default=Form.PAPER
    )
    page_count = models.PositiveIntegerField(
        _("pages"), default=1, validators=bounded(1, PAGES_MAX)
    )
    # classification (定密): who decided, on what basis, when
    classified_by = models.CharField(_("classifying authority"), max_length=100, blank=True)
    basis_item = models.ForeignKey(
        SecretItem,
        verbose_name=_("basis (catalog item)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    basis_reason = models.CharField(_("basis (written reason)"), max_length=300, blank=True)
    classified_on = models.DateField(_("classified on"), null=True, blank=True)
    department = models.ForeignKey(
        "core.OrgUnit",
        verbose_name=_("registering department"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="registered_documents"
    )
    registered_at = models.DateTimeField(_("registered at"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.ACTIVE)
    # outgoing: the units it is sent to (主送); internal print runs: the approved count
    recipients = models.CharField(_("recipients"), max_length=500, blank=True)
    approved_count = models.PositiveIntegerField(
        _("approved count"), null=True, blank=True, validators=bounded(1, COPIES_MAX)
    )
    # incoming item addressed to one person (亲启): whoever else signs for it is a proxy
    # recipient and may not open it before the addressee signs (DOC.RECEIPT)
    addressee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("addressee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="addressed_documents",
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed for by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    delivered_at = models.DateTimeField(_("signed by the addressee at"), null=True, blank=True)
    # an extract (摘抄) or compilation is a document of its own, derived from its source
    derived_from = models.ForeignKey(
        "self",
        verbose_name=_("derived from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="derived",
    )

    visibility = Through("")
    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-registered_at", "-id"]
        indexes = [
            models.Index(fields=["level", "state"], name="document_level_state_idx"),
            # the register's order: its first page walks this index
            models.Index(fields=["-registered_at", "-id"], name="document_registered_idx"),
            # the register filtered by level, in the same order (rare levels: no long scans)
            models.Index(
                fields=["level", "-registered_at", "-id"], name="document_level_registered_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.code_name or self.title

    def title_for(self, person: Any) -> str:
        """The title as `person` may read it: an item signed for by proxy shows only that it
        is a personal item, to everyone but its addressee, until the addressee signs."""
        if self.sealed and getattr(person, "pk", None) != self.addressee_id:
            return SEALED_TITLE
        return self.title

    @property
    def sealed(self) -> bool:
        """Signed for by a proxy and not yet by its addressee: still closed to all others."""
        return self.addressee_id is not None and self.delivered_at is None


class ScopeEntry(models.Model):
    """知悉范围: one person, department or post admitted to know a document."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="scope")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "core.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    post = models.CharField(max_length=20, blank=True)

    visibility = Through("document")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("knowledge scope entry")
        constraints = [
            models.CheckConstraint(
                name="scopeentry_exactly_one",
                condition=(
                    Q(person__isnull=False, department__isnull=True, post="")
                    | Q(person__isnull=True, department__isnull=False, post="")
                    | Q(person__isnull=True, department__isnull=True) & ~Q(post="")
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["person", "document"], name="scope_person_idx"),
            models.Index(fields=["department", "document"], name="scope_department_idx"),
            models.Index(fields=["post", "document"], name="scope_post_idx", condition=~Q(post="")),
        ]

    def __str__(self) -> str:
        return f"{self.document_id}: {self.person_id or self.department_id or self.post}"


@dataclass(frozen=True, slots=True)
class CopyVisibility:
    """A copy is known with its document, and to the keeper of the cabinet it lies in when she
    holds a custody post (`keeps_register`) and is cleared for its level: she accounts for
    every copy in her cabinet, whoever's knowledge scope it belongs to."""

    def condition(self, model: type[models.Model], person: Any) -> Q:
        found = Through("document").condition(model, person)
        if keeps_register(person):
            found |= Q(cabinet__custodian=person.pk) & Q(
                document__level__lte=clearance_ceiling(person.tier)
            )
        return found


class Copy(models.Model):
    """份: a numbered copy, the tracked unit; exactly one accountable holder at every moment."""

    class State(models.TextChoices):
        REGISTERED = "registered", _("registered")
        IN_CABINET = "in_cabinet", _("in cabinet")
        CIRCULATING = "circulating", _("circulating")
        ON_LOAN = "on_loan", _("on loan")
        IN_TRANSIT = "in_transit", _("in transit")
        RECEIVED = "received", _("received")
        REPORTED_LOST = "reported_lost", _("reported lost")
        WRITTEN_OFF = "written_off", _("written off")
        ARCHIVED = "archived", _("archived")
        IN_DESTRUCTION = "in_destruction", _("in a destruction batch")
        DESTROYED = "destroyed", _("destroyed")
        DECLASSIFIED = "declassified", _("declassified")

    class Variant(models.TextChoices):
        FORMAL = "formal", _("formal copy")
        DRAFT = "draft", _("draft")
        PROOF = "proof", _("proof")
        SURPLUS = "surplus", _("surplus print")
        REPRODUCTION = "copy", _("reproduction")

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="copies")
    copy_no = models.PositiveIntegerField(_("copy number"), validators=bounded(1, COPY_NO_MAX))
    # DOC.PRINT.SCOPE: drafts, proofs and surplus prints are registered like formal copies
    variant = models.CharField(
        _("variant"), max_length=8, choices=Variant.choices, default=Variant.FORMAL
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="held_copies",
    )
    cabinet = models.ForeignKey(
        Cabinet, null=True, blank=True, on_delete=models.PROTECT, related_name="copies"
    )
    # a unit outside the organization that signed for a copy sent to it (发文送达)
    external_holder = models.CharField(_("external holder"), max_length=100, blank=True)

    visibility = CopyVisibility()
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("copy")
        verbose_name_plural = _("copies")
        ordering = ["document", "copy_no"]
        constraints = [
            models.UniqueConstraint(fields=["document", "copy_no"], name="copy_unique_number"),
            models.CheckConstraint(
                name="copy_number_6_digits", condition=Q(copy_no__gte=1, copy_no__lte=999999)
            ),
            # 件件有着落: the state says who is accountable, and that holder is always named
            models.CheckConstraint(
                name="copy_accountable_holder",
                condition=(
                    Q(
                        state__in=["registered", "in_cabinet", "archived", "in_destruction"],
                        cabinet__isnull=False,
                        holder__isnull=True,
                    )
                    | Q(
                        state__in=["circulating", "on_loan", "in_transit"],
                        holder__isnull=False,
                        cabinet__isnull=True,
                    )
                    | (
                        Q(state="received", cabinet__isnull=True)
                        & (Q(holder__isnull=False) | ~Q(external_holder=""))
                    )
                    | Q(state__in=["reported_lost", "written_off", "destroyed", "declassified"])
                ),
            ),
        ]
        indexes = [
            # copies in someone's hands, in id order: the closing check and the workbench walk
            # these few instead of the whole register (the condition is outside_cabinets()'s)
            models.Index(
                fields=["id"],
                condition=Q(state__in=["circulating", "on_loan", "in_transit"]),
                name="copy_in_hand_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_id}/{self.label}"

    @property
    def label(self) -> str:
        """份号: six digits, zero-padded (GB/T 9704)."""
        return f"{self.copy_no:06d}"

    @property
    def scan_code(self) -> str:
        """What the copy's QR label carries and a scanner types: no title, nothing secret."""
        return f"BMC-{self.document_id}-{self.label}"

    @classmethod
    def parse_scan_code(cls, code: str) -> tuple[int, int] | None:
        """(document id, copy number) of a scanned label, or None for anything else."""
        # ASCII digits only, and few enough to fit a 64-bit id: str.isdigit() also takes "²"
        found = re.fullmatch(r"BMC-([0-9]{1,18})-([0-9]{1,18})", code.strip().upper())
        if found is None:
            return None
        return int(found[1]), int(found[2])


class Instruction(models.Model):
    """阅批: a leader's instructions on an incoming document, routed by the clerk."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="instructions")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="instructions"
    )
    routed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    routed_at = models.DateTimeField(_("routed at"))
    text = models.TextField(_("instructions"), blank=True)
    written_at = models.DateTimeField(_("written at"), null=True, blank=True)

    visibility = Through("document")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("leader's instructions")
        ordering = ["routed_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="instruction_written_has_text",
                condition=Q(written_at__isnull=True) | ~Q(text=""),
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_id} → {self.leader_id}"


class Attachment(models.Model):
    """A document's electronic content, encrypted at rest; the key lives outside the database."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="attachments")
    name = models.CharField(_("file name"), max_length=200)
    file_type = models.CharField(_("file type"), max_length=10)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    cipher = models.CharField(max_length=12)
    nonce = models.BinaryField(max_length=12)
    stored_as = models.CharField(max_length=64, unique=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    visibility = Through("document")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class PrintWaste(models.Model):
    """印制废料: stencils, backing sheets and spoiled pages of a print run, recorded and then
    destroyed under supervision (DOC.PRINT.SCOPE, DOC.DESTROY)."""

    class Kind(models.TextChoices):
        STENCIL = "stencil", _("stencils")
        BACKING = "backing", _("backing sheets")
        SPOILED = "spoiled", _("spoiled pages")
        OTHER = "other", _("other")

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="print_waste")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    sheets = models.PositiveIntegerField(_("sheets"), validators=bounded(1, SHEETS_MAX))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    destroyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    supervised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    destroyed_at = models.DateTimeField(_("destroyed at"), null=True, blank=True)

    visibility = Through("document")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("print waste")
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(name="print_waste_sheets", condition=Q(sheets__gte=1)),
            models.CheckConstraint(
                name="print_waste_destroyed_supervised",
                condition=Q(destroyed_at__isnull=True)
                | (
                    Q(destroyed_by__isnull=False, supervised_by__isnull=False)
                    & ~Q(destroyed_by=models.F("supervised_by"))
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_id}: {self.sheets} {self.kind}"


from .consent import Consent  # noqa: E402, F401  registers the consent letters to copy a document
