"""Services of the ledger."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from baomi import audit, policy
from baomi.audit.chain import Entry, record_many
from baomi.core import clock
from baomi.core.levels import Level, SecretKind, Urgency
from baomi.core.models import OrgUnit
from baomi.core.rules import parse_marking, period_in_force

from .custody import custody_data
from .models import Cabinet, Copy, Document, Instruction, PrintWaste, ScopeEntry, SecretItem


def _must_see(actor: Any, document_id: int) -> None:
    """A document outside what `actor` may know exists answers as if it did not exist."""
    if not Document.objects.visible_to(actor).filter(pk=document_id).exists():
        raise Http404


@transaction.atomic(durable=True)
def create_cabinet(
    *,
    actor: Any,
    name: str,
    code: str,
    department: OrgUnit,
    custodian: Any,
    location: str = "",
    for_classified: bool = True,
) -> Cabinet:
    """Register a secure cabinet with its custodian, who must be an active member of staff
    (an administrator account never holds carriers)."""
    if Cabinet.objects.filter(code=code).exists():
        raise ValidationError({"code": _("Cabinet %(code)s already exists.") % {"code": code}})
    if not custodian.is_active or custodian.admin_role:
        raise ValidationError({"custodian": _("The custodian must be an active member of staff.")})
    cabinet = Cabinet.objects.create(
        name=name,
        code=code,
        department=department,
        custodian=custodian,
        location=location,
        for_classified=for_classified,
    )
    audit.record(
        actor,
        "cabinet.created",
        cabinet,
        code=code,
        department=department,
        custodian=custodian,
        for_classified=for_classified,
    )
    return cabinet


@transaction.atomic(durable=True)
def register_incoming(
    *, actor: Any, addressee: Any = None, signed_by: Any = None, **fields: Any
) -> Document:
    """收文登记: check, register and number an incoming item; its copies go into the cabinet.

    A classified item carries its marking (the level comes from it, the period is checked
    against the policy's limits); the registering clerk is always in the knowledge scope; each
    copy is numbered 000001… and its registration is its own audit event, so every copy's
    custody can be traced from the first moment.

    An item addressed to one person (亲启) puts the addressee in the scope (if cleared for the
    level); whoever signs for it in the addressee's stead is a proxy recipient and the item
    stays closed to everyone but the addressee until the addressee signs (DOC.RECEIPT)."""
    signed_by = signed_by or actor
    document_fields: dict[str, Any] = {"signed_by": signed_by}
    if addressee is not None:
        from baomi.core.access import Audience

        level, _marking = _level_and_marking(
            fields.get("marking", ""), fields.get("level"), fields["issued_on"]
        )
        policy.require(
            "copy.hold",
            person=addressee,
            level=level,
            audience=Audience(persons=frozenset({addressee.pk})),
        )
        document_fields["addressee"] = addressee
        if addressee == signed_by:
            document_fields["delivered_at"] = clock.now()
        fields["scope_persons"] = [*fields.get("scope_persons", ()), addressee]
    return _register(
        actor=actor,
        origin=Document.Origin.INCOMING,
        document_fields=document_fields,
        audit_data={
            "signed_by": signed_by.pk,
            "addressee": addressee.pk if addressee else None,
        },
        **fields,
    )


@transaction.atomic(durable=True)
def register_internal(
    *,
    actor: Any,
    approved_count: int,
    drafts: int = 0,
    proofs: int = 0,
    surplus: int = 0,
    **fields: Any,
) -> Document:
    """内部印制登记: a print run of the organization's own document. No more formal copies than
    the approved distribution count (DOC.PRINT.SCOPE); drafts, proofs and surplus prints are
    numbered after the formal copies and registered like them, so each is accounted for until
    it is destroyed."""
    policy.require("document.print", copies=fields.get("copies", 0), approved=approved_count)
    extra: dict[str, int] = {
        Copy.Variant.DRAFT: drafts,
        Copy.Variant.PROOF: proofs,
        Copy.Variant.SURPLUS: surplus,
    }
    for variant, count in extra.items():
        if count < 0:
            raise ValidationError({str(variant): _("A count cannot be negative.")})
    return _register(
        actor=actor,
        origin=Document.Origin.INTERNAL,
        document_fields={"approved_count": approved_count},
        extra_copies=extra,
        audit_data={
            "approved_count": approved_count,
            **{str(v): n for v, n in extra.items() if n},
        },
        **fields,
    )


@transaction.atomic(durable=True)
def register_outgoing(*, actor: Any, recipients: Iterable[str], **fields: Any) -> Document:
    """发文登记: register the organization's own document as it is sent out, with the units it
    goes to; the copies wait in the cabinet until each is handed over for transfer."""
    names = [r.strip() for r in recipients if r.strip()]
    if not names:
        raise ValidationError({"recipients": _("Name at least one recipient.")})
    if len(names) > fields.get("copies", 0):
        raise ValidationError(
            {
                "recipients": _("Each recipient needs a copy: %(n)s recipients, %(c)s copies.")
                % {"n": len(names), "c": fields.get("copies", 0)}
            }
        )
    joined = "、".join(names)
    if len(joined) > Document._meta.get_field("recipients").max_length:  # type: ignore[operator]
        raise ValidationError({"recipients": _("The list of recipients is too long.")})
    return _register(
        actor=actor,
        origin=Document.Origin.OUTGOING,
        document_fields={"recipients": joined},
        audit_data={"recipients": names},
        **fields,
    )


def _register(
    *,
    actor: Any,
    origin: str,
    audit_data: dict[str, Any] | None = None,
    document_fields: dict[str, Any] | None = None,
    extra_copies: dict[str, int] | None = None,
    title: str,
    issuer: str,
    issued_on: dt.date,
    copies: int,
    cabinet: Cabinet,
    marking: str = "",
    level: int | None = None,
    kind: str = SecretKind.STATE,
    doc_number: str = "",
    code_name: str = "",
    urgency: int = Urgency.NORMAL,
    form: str = Document.Form.PAPER,
    page_count: int = 1,
    classified_by: str = "",
    basis_item: SecretItem | None = None,
    basis_reason: str = "",
    scope_persons: Iterable[Any] = (),
    scope_departments: Iterable[OrgUnit] = (),
    scope_posts: Iterable[str] = (),
) -> Document:
    level, period_marking = _level_and_marking(marking, level, issued_on)
    policy.require("document.register", actor=actor, cabinet=cabinet, level=level)
    _check_basis(level, basis_item, basis_reason)
    if not title.strip():
        raise ValidationError({"title": _("Give the document a title.")})
    extra = {variant: n for variant, n in (extra_copies or {}).items() if n}
    if not 1 <= copies <= 999 or copies + sum(extra.values()) > 999:
        raise ValidationError({"copies": _("Register between 1 and 999 copies.")})
    now = clock.now()
    declassify_on = None
    if period_marking is not None:
        declassify_on = period_in_force(period_marking).end_date(issued_on)
    document = Document.objects.create(
        title=title.strip(),
        code_name=code_name.strip(),
        doc_number=doc_number.strip(),
        issuer=issuer.strip(),
        issued_on=issued_on,
        origin=origin,
        kind=kind,
        level=level,
        marking=period_marking.format() if period_marking else "",
        declassify_on=declassify_on,
        urgency=urgency,
        form=form,
        page_count=page_count,
        classified_by=classified_by,
        basis_item=basis_item,
        basis_reason=basis_reason,
        classified_on=issued_on if period_marking else None,
        department=actor.department,
        registered_by=actor,
        registered_at=now,
        **(document_fields or {}),
    )
    entries = [ScopeEntry(document=document, person=actor)]
    entries += [
        ScopeEntry(document=document, person=p) for p in dict.fromkeys(scope_persons) if p != actor
    ]
    entries += [ScopeEntry(document=document, department=d) for d in scope_departments]
    entries += [ScopeEntry(document=document, post=post) for post in scope_posts]
    ScopeEntry.objects.bulk_create(entries)
    variants: list[str] = [Copy.Variant.FORMAL] * copies
    for variant, n in extra.items():
        variants += [variant] * n
    numbered = Copy.objects.bulk_create(
        Copy(
            document=document,
            copy_no=n,
            variant=variant,
            state=Copy.State.IN_CABINET,
            cabinet=cabinet,
        )
        for n, variant in enumerate(variants, start=1)
    )
    # the title may itself be secret: events name the document by reference only
    audit.record(
        actor,
        "document.registered",
        document,
        origin=document.origin,
        level=Level(level).zh,
        kind=kind,
        marking=document.marking,
        copies=copies,
        doc_number=document.doc_number,
        scope=len(entries),
        **(audit_data or {}),
    )
    record_many(
        Entry(
            actor,
            "copy.registered",
            ("ledger.copy", c.pk),
            {
                **custody_data(c),
                **({"variant": c.variant} if c.variant != Copy.Variant.FORMAL else {}),
            },
        )
        for c in numbered
    )
    return document


def _level_and_marking(marking: str, level: int | None, issued_on: dt.date) -> tuple[int, Any]:
    if marking.strip():
        parsed = parse_marking(marking, issued=issued_on)
        if level is not None and level != parsed.level:
            raise ValidationError({"level": _("The level differs from the marking's.")})
        return int(parsed.level), parsed
    if level is None:
        raise ValidationError(
            {
                "marking": _(
                    "Give the marking of a classified item, or the level of an unclassified one."
                )
            }
        )
    if Level(level).is_classified:
        raise ValidationError({"marking": _("A classified item needs its marking.")})
    return level, None


def _check_basis(level: int, item: SecretItem | None, reason: str) -> None:
    if item is not None and level < item.level and not reason.strip():
        raise ValidationError(
            {
                "basis_reason": _(
                    "The catalog puts %(item)s at %(level)s: a lower level needs a written reason."
                )
                % {"item": item.name, "level": Level(item.level).label}
            }
        )


def _must_open(actor: Any, document: Document) -> None:
    """Seeing a document's particulars or content: it must exist for `actor`, and an item
    signed for by proxy stays closed to all but its addressee (DOC.RECEIPT)."""
    _must_see(actor, document.pk)
    policy.require("document.open", actor=actor, document=document)


@transaction.atomic(durable=True)
def view_document(*, actor: Any, document: Document) -> Document:
    """Open a document's page: allowed only to someone who may know it exists (otherwise it is
    not found, as for any other object outside the scope); every view is on record, which for
    机密 and 绝密 items is the reader record the law requires (AUD.RECORD)."""
    _must_open(actor, document)
    audit.record(actor, "document.viewed", document, level=Level(document.level).zh)
    return document


def holders(document: Document) -> list[Any]:
    """Everyone accountable for a copy of the document now: holders and cabinet custodians."""
    from baomi.people.models import Person

    copies = Copy.objects.filter(document=document)
    return list(
        Person.objects.filter(
            models.Q(held_copies__in=copies) | models.Q(cabinets__copies__in=copies)
        ).distinct()
    )


@transaction.atomic(durable=True)
def declassify_due(*, today: dt.date | None = None) -> int:
    """自行解密: declassify every document whose period has ended (SPEC §2, 法第二十四条).

    Idempotent: a declassified document is never declassified again. Each is one audit
    event; every current holder and the registering clerk are told."""
    from baomi.core.notices import notify

    today = today or clock.today()
    due = list(
        Document.objects.select_for_update().filter(
            state=Document.State.ACTIVE, declassify_on__lte=today
        )
    )
    for document in due:
        document.state = Document.State.DECLASSIFIED
        document.save(update_fields=["state"])
        told = notify(
            [*holders(document), document.registered_by],
            "document.declassified",
            document,
            marking=document.marking,
            on=str(document.declassify_on),
        )
        audit.record(
            None,
            "document.declassified",
            document,
            reason="period_end",
            marking=document.marking,
            declassify_on=document.declassify_on,
            notified=told,
        )
    return len(due)


@transaction.atomic(durable=True)
def sign_for_receipt(*, actor: Any, document: Document) -> Document:
    """The addressee of an item signed for by proxy signs for it; from then on it opens to
    everyone in its scope as usual. Only the addressee signs, once."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    _must_see(actor, document.pk)
    if document.addressee_id != actor.pk:
        raise ValidationError(_("Only the addressee signs for this item."))
    if document.delivered_at is not None:
        raise ValidationError(_("The addressee has already signed for this item."))
    document.delivered_at = clock.now()
    document.save(update_fields=["delivered_at"])
    audit.record(actor, "document.receipt_signed", document, proxy=document.signed_by_id)
    return document


@transaction.atomic(durable=True)
def record_print_waste(
    *, actor: Any, document: Document, kind: str, sheets: int, note: str = ""
) -> PrintWaste:
    """印制废料登记: stencils, backing sheets or spoiled pages of an internal print run are
    recorded so that their destruction can be shown (DOC.PRINT.SCOPE)."""
    _must_see(actor, document.pk)
    policy.require("document.register", actor=actor, cabinet=None, level=document.level)
    if document.origin != Document.Origin.INTERNAL:
        raise ValidationError(_("Print waste belongs to a document printed here."))
    if kind not in PrintWaste.Kind.values:
        raise ValidationError({"kind": _("Choose what kind of waste this is.")})
    if sheets < 1:
        raise ValidationError({"sheets": _("Give the number of sheets, at least one.")})
    waste = PrintWaste.objects.create(
        document=document,
        kind=kind,
        sheets=sheets,
        note=note.strip(),
        recorded_by=actor,
        recorded_at=clock.now(),
    )
    audit.record(
        actor, "print_waste.recorded", waste, document=document.pk, kind=kind, sheets=sheets
    )
    return waste


@transaction.atomic(durable=True)
def destroy_print_waste(*, actor: Any, waste: PrintWaste, supervisor: Any) -> PrintWaste:
    """Print waste destroyed on site by the clerk with a second person supervising (DOC.DESTROY:
    never sold as waste paper, never destroyed alone)."""
    waste = PrintWaste.objects.select_for_update().get(pk=waste.pk)
    _must_see(actor, waste.document_id)
    policy.require("document.register", actor=actor, cabinet=None, level=Level.PUBLIC)
    if waste.destroyed_at is not None:
        raise ValidationError(_("This waste was already destroyed."))
    if supervisor == actor or not supervisor.is_active or supervisor.admin_role:
        raise ValidationError(
            {"supervisor": _("A second, active member of staff supervises the destruction.")}
        )
    waste.destroyed_by, waste.supervised_by = actor, supervisor
    waste.destroyed_at = clock.now()
    waste.save(update_fields=["destroyed_by", "supervised_by", "destroyed_at"])
    audit.record(
        actor,
        "print_waste.destroyed",
        waste,
        document=waste.document_id,
        supervisor=supervisor.pk,
        sheets=waste.sheets,
    )
    return waste


@transaction.atomic(durable=True)
def view_copy(*, actor: Any, copy: Copy) -> Copy:
    """Open a copy's page (its custody record); on record like every view."""
    _must_see(actor, copy.document_id)
    audit.record(actor, "copy.viewed", copy, document=copy.document_id, copy_no=copy.label)
    return copy


def ask_to_widen_scope(*, actor: Any, document: Document, person: Any, reason: str) -> Any:
    """Ask the issuing side to let `person` know this document (ACC.NEED_TO_KNOW: only the
    issuer widens a scope). The request goes to the leader of the registering department, which
    holds the document for the issuer inside this organization."""
    from baomi.approvals.services import request_approval

    _must_see(actor, document.pk)
    return request_approval(
        actor=actor,
        kind="scope.widen",
        summary=reason,
        subject=document,
        payload={"person": person.pk},
        unit=document.department,
    )


@transaction.atomic(durable=True)
def widen_scope(*, actor: Any, document: Document, approval: Any) -> ScopeEntry:
    """Add the approved person to the knowledge scope, using the approval up. The person must
    still be cleared for the level (ACC.CLEARANCE) and not an administrator (ACC.SOD)."""
    from baomi.approvals.services import consume
    from baomi.core.access import Audience
    from baomi.people.models import Person

    _must_see(actor, document.pk)
    approval = consume(actor=actor, approval=approval, action="scope.widen")
    if approval.object_id != str(document.pk) or approval.object_type != "ledger.document":
        raise ValidationError(_("This approval was given for another document."))
    person = Person.objects.get(pk=approval.payload["person"])
    # the scope itself is what is being widened: only clearance and separation still apply
    policy.require(
        "copy.hold",
        person=person,
        level=document.level,
        audience=Audience(persons=frozenset({person.pk})),
    )
    entry, _created = ScopeEntry.objects.get_or_create(document=document, person=person)
    audit.record(actor, "scope.widened", document, person=person.pk, approval=approval.pk)
    return entry


@transaction.atomic(durable=True)
def route_for_instructions(*, actor: Any, document: Document, leader: Any) -> Instruction:
    """DOC.RECEIPT: the clerk routes a registered incoming item to a leader for instructions;
    the leader joins the knowledge scope (still subject to clearance) and is told."""
    from baomi.core.access import Audience
    from baomi.core.notices import notify
    from baomi.people.models import Post

    _must_see(actor, document.pk)
    policy.require("document.route", actor=actor)
    if document.origin != Document.Origin.INCOMING:
        raise ValidationError(_("Only incoming items are routed for instructions."))
    if not leader.holds(Post.LEADER):
        raise ValidationError({"leader": _("%(name)s is not a leader.") % {"name": leader}})
    policy.require(
        "copy.hold",
        person=leader,
        level=document.level,
        audience=Audience(persons=frozenset({leader.pk})),
    )
    ScopeEntry.objects.get_or_create(document=document, person=leader)
    instruction = Instruction.objects.create(
        document=document, leader=leader, routed_by=actor, routed_at=clock.now()
    )
    notify([leader], "document.routed", document)
    audit.record(actor, "document.routed", document, leader=leader.pk)
    return instruction


@transaction.atomic(durable=True)
def write_instructions(*, actor: Any, instruction: Instruction, text: str) -> Instruction:
    """The leader to whom the item was routed writes the instructions (批示), once."""
    instruction = Instruction.objects.select_for_update().get(pk=instruction.pk)
    if instruction.leader_id != actor.pk:
        raise Http404
    if instruction.written_at is not None:
        raise ValidationError(_("These instructions were already written."))
    if not text.strip():
        raise ValidationError({"text": _("Write the instructions.")})
    instruction.text = text.strip()
    instruction.written_at = clock.now()
    instruction.save(update_fields=["text", "written_at"])
    # the text can itself be classified: the log names the instructions, not their words
    audit.record(actor, "instructions.written", instruction, document=instruction.document_id)
    return instruction


@transaction.atomic(durable=True)
def attach_content(*, actor: Any, document: Document, name: str, data: bytes) -> Any:
    """Store a document's electronic content, encrypted, as the deployment profile allows
    (DOC.CONTENT): never 绝密; state-secret content only in the classified profile. A file that
    is empty, not of an accepted type, damaged, protected, a decompression bomb or too large is
    refused and nothing is stored."""
    import hashlib
    import secrets

    from django.conf import settings

    from . import content
    from .models import Attachment

    _must_open(actor, document)
    try:
        kind = content.file_type(data)
    except content.ContentError as exc:
        raise ValidationError({"file": str(exc)}) from exc
    policy.require(
        "document.attach",
        document=document,
        profile=settings.BAOMI_PROFILE,
        size=len(data),
        file_type=kind,
    )
    cipher = content.cipher_name()
    nonce = secrets.token_bytes(12)
    stored_as = secrets.token_hex(16)
    attachment = Attachment.objects.create(
        document=document,
        name=name[:200],
        file_type=kind,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        cipher=cipher,
        nonce=nonce,
        stored_as=stored_as,
        uploaded_by=actor,
        uploaded_at=clock.now(),
    )
    path = content.store_dir() / stored_as
    path.write_bytes(
        content.encrypt(
            data, cipher=cipher, nonce=nonce, bound_to=f"{document.pk}/{attachment.pk}".encode()
        )
    )
    try:  # the file must not outlive a transaction that fails after this point
        audit.record(
            actor,
            "document.content_attached",
            document,
            attachment=attachment.pk,
            file_type=kind,
            size=len(data),
            sha256=attachment.sha256,
            cipher=cipher,
        )
    except Exception:
        path.unlink(missing_ok=True)
        raise
    return attachment


@transaction.atomic(durable=True)
def read_content(*, actor: Any, attachment: Any) -> bytes:
    """Decrypt and hand over a document's content to someone who may know it: in the scope and
    cleared for the level. Every download is on record (AUD.RECORD)."""
    from baomi.core.access import Audience

    from . import content

    document = attachment.document
    _must_open(actor, document)
    scope = ScopeEntry.objects.filter(document=document)
    audience = Audience(
        persons=frozenset(scope.exclude(person=None).values_list("person_id", flat=True)),
        departments=frozenset(
            scope.exclude(department=None).values_list("department_id", flat=True)
        ),
        posts=frozenset(scope.exclude(post="").values_list("post", flat=True)),
    )
    if document.state != Document.State.DECLASSIFIED and Level(document.level).is_classified:
        policy.require(
            "content.view",
            person=actor,
            level=document.level,
            audience=audience,
            posts=actor.post_codes,
        )
    data = content.decrypt(
        (content.store_dir() / attachment.stored_as).read_bytes(),
        cipher=attachment.cipher,
        nonce=bytes(attachment.nonce),
        bound_to=f"{document.pk}/{attachment.pk}".encode(),
    )
    audit.record(
        actor, "document.content_read", document, attachment=attachment.pk, sha256=attachment.sha256
    )
    return data


@dataclass(frozen=True)
class ImportReport:
    """What an import found: the rows read, the bad ones with their reasons, what was saved."""

    rows: int
    errors: list[tuple[int, list[str]]]
    imported: int = 0


def import_register(*, actor: Any, data: bytes, commit: bool) -> ImportReport:
    """Import an existing register from xlsx. Every row is checked first (a dry run lists every
    bad row with its reasons); only a file without a bad row is saved, all of it in one
    transaction, as incoming items registered by `actor` — every document and copy with its
    audit event."""
    from baomi.core.models import OrgUnit

    from . import xlsx

    policy.require("document.register", actor=actor, cabinet=None, level=Level.PUBLIC)
    try:
        rows = xlsx.read(
            data,
            cabinets={c.code: c for c in Cabinet.objects.all()},
            units={u.name: u for u in OrgUnit.objects.all()},
        )
    except ValueError as exc:
        raise ValidationError({"file": str(exc)}) from exc
    errors = [(row.number, row.errors) for row in rows if row.errors]
    if errors or not commit:
        return ImportReport(len(rows), errors)
    _import_rows(actor, rows)
    return ImportReport(len(rows), [], len(rows))


@transaction.atomic(durable=True)
def _import_rows(actor: Any, rows: list[Any]) -> None:
    now = clock.now()
    documents = []
    for row in rows:
        f = row.fields
        period = parse_marking(f["marking"]) if f["marking"] else None
        level = int(period.level) if period is not None else f["level"]
        policy.require("document.register", actor=actor, cabinet=f["cabinet"], level=level)
        documents.append(
            Document(
                title=f["title"],
                code_name=f["code_name"],
                doc_number=f["doc_number"],
                issuer=f["issuer"],
                issued_on=f["issued_on"],
                origin=Document.Origin.INCOMING,
                kind=f["kind"],
                level=level,
                marking=f["marking"],
                declassify_on=period_in_force(period).end_date(f["issued_on"]) if period else None,
                urgency=f["urgency"],
                form=f["form"],
                page_count=f["page_count"],
                classified_on=f["issued_on"] if period else None,
                department=actor.department,
                registered_by=actor,
                registered_at=now,
            )
        )
    Document.objects.bulk_create(documents, batch_size=500)
    if any(d.pk is None for d in documents):  # databases that return no keys from bulk inserts
        raise RuntimeError("bulk insert returned no primary keys")
    scope, copies = [], []
    for document, row in zip(documents, rows, strict=True):
        scope.append(ScopeEntry(document=document, person=actor))
        scope += [
            ScopeEntry(document=document, department=u) for u in row.fields["scope_departments"]
        ]
        copies += [
            Copy(
                document=document,
                copy_no=n,
                state=Copy.State.IN_CABINET,
                cabinet=row.fields["cabinet"],
            )
            for n in range(1, row.fields["copies"] + 1)
        ]
    ScopeEntry.objects.bulk_create(scope, batch_size=1000)
    Copy.objects.bulk_create(copies, batch_size=1000)
    record_many(
        [
            *(
                Entry(
                    actor,
                    "document.registered",
                    d,
                    {
                        "origin": d.origin,
                        "level": Level(d.level).zh,
                        "kind": d.kind,
                        "marking": d.marking,
                        "doc_number": d.doc_number,
                        "imported": True,
                    },
                )
                for d in documents
            ),
            *(
                Entry(
                    actor,
                    "copy.registered",
                    ("ledger.copy", c.pk),
                    {
                        "document": c.document_id,
                        "copy_no": c.label,
                        "cabinet": c.cabinet.code if c.cabinet else None,
                    },
                )
                for c in copies
            ),
            Entry(
                actor,
                "register.imported",
                None,
                {"documents": len(documents), "copies": len(copies)},
            ),
        ]
    )


@transaction.atomic(durable=True)
def export_register(
    *, actor: Any, documents: Any, register: str = "carriers", fmt: str = "xlsx"
) -> bytes:
    """One of the named registers (收文登记簿, 发文登记簿, 涉密载体台账) as this person may see
    it, as xlsx or PDF; the export itself is on record. `documents` must come from visible_to."""
    from . import registers

    chosen = registers.REGISTERS.get(register)
    if chosen is None or fmt not in ("xlsx", "pdf"):
        raise Http404
    selected = chosen.documents(documents)
    count = selected.count()
    if fmt == "pdf":
        if count > registers.PDF_MAX_ROWS:
            raise ValidationError(
                _(
                    "%(n)s rows are too many to print at once (at most %(max)s): narrow the "
                    "search, or export to xlsx."
                )
                % {"n": count, "max": registers.PDF_MAX_ROWS}
            )
        printed = f"{actor} {clock.now():%Y-%m-%d %H:%M}"
        data = registers.to_pdf(
            chosen,
            chosen.rows(selected),
            level=registers.highest_level(selected),
            printed=printed,
        )
    else:
        data = registers.to_xlsx(chosen, chosen.rows(selected))
    audit.record(actor, "register.exported", None, register=register, documents=count, format=fmt)
    return data


CHANGES = ("declassify", "extend", "upgrade", "downgrade")


def _check_change(document: Document, change: str, marking: str) -> str:
    """The new marking a change leads to ("" for declassification), or a ValidationError."""
    if document.state != Document.State.ACTIVE or not document.marking:
        raise ValidationError(_("Only a classified document in force can be changed."))
    if change not in CHANGES:
        raise ValidationError({"change": _("Unknown change: %(change)s.") % {"change": change}})
    if change == "declassify":
        return ""
    new = parse_marking(marking, issued=document.issued_on)
    if change == "upgrade" and new.level <= document.level:
        raise ValidationError({"marking": _("An upgrade needs a higher level.")})
    if change == "downgrade" and new.level >= document.level:
        raise ValidationError({"marking": _("A downgrade needs a lower level.")})
    if change == "extend":
        end = period_in_force(new).end_date(document.issued_on)
        if new.level != document.level or (
            end is not None and document.declassify_on and end <= document.declassify_on
        ):
            raise ValidationError(
                {
                    "marking": _("An extension keeps the level and ends later than %(date)s.")
                    % {"date": document.declassify_on}
                }
            )
    return new.format()


def ask_to_change_classification(
    *, actor: Any, document: Document, change: str, marking: str = "", reason: str
) -> Any:
    """变更/提前解密: ask the registering department's leader to review a change of the
    document's classification (SPEC §2: through review with approval, "有保有放")."""
    from baomi.approvals.services import request_approval

    _must_see(actor, document.pk)
    new = _check_change(document, change, marking)
    return request_approval(
        actor=actor,
        kind="document.change",
        summary=reason,
        subject=document,
        payload={"change": change, "marking": new},
        unit=document.department,
    )


@transaction.atomic(durable=True)
def change_classification(*, actor: Any, document: Document, approval: Any) -> Document:
    """Apply an approved change: level, marking and period change together (or the document
    is declassified); every holder is told; the approval is used up."""
    from baomi.approvals.services import consume
    from baomi.core.notices import notify

    _must_see(actor, document.pk)
    approval = consume(actor=actor, approval=approval, action="document.change")
    document = Document.objects.select_for_update().get(pk=document.pk)
    if approval.object_id != str(document.pk) or approval.object_type != "ledger.document":
        raise ValidationError(_("This approval was given for another document."))
    change, marking = approval.payload["change"], approval.payload["marking"]
    old = {"marking": document.marking, "level": Level(document.level).zh}
    _check_change(document, change, marking)  # the document may have changed meanwhile
    if change == "declassify":
        document.state = Document.State.DECLASSIFIED
    else:
        new = parse_marking(marking, issued=document.issued_on)
        document.level = int(new.level)
        document.marking = new.format()
        document.declassify_on = period_in_force(new).end_date(document.issued_on)
    document.save(update_fields=["state", "level", "marking", "declassify_on"])
    told = notify(
        [*holders(document), document.registered_by],
        f"document.{change}d" if change != "declassify" else "document.declassified",
        document,
        marking=document.marking,
    )
    audit.record(
        actor,
        "document.declassified" if change == "declassify" else "document.reclassified",
        document,
        change=change,
        old=old,
        marking=document.marking,
        approval=approval.pk,
        notified=told,
    )
    return document
