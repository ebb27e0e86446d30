"""Registering documents on the three paths, receipt by proxy, print waste."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from baomi import audit, policy
from baomi.audit.chain import Entry, record_many
from baomi.core import clock
from baomi.core.levels import Level, SecretKind, Urgency
from baomi.core.models import OrgUnit
from baomi.core.rules import parse_marking, period_in_force

from ..custody import custody_data
from ..models import Cabinet, Copy, Document, PrintWaste, ScopeEntry, SecretItem
from .access import must_see

if TYPE_CHECKING:
    from baomi.people.models import Person


@transaction.atomic(durable=True)
def create_cabinet(
    *,
    actor: Person | None,
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
    policy.require("carrier.entrust", person=custodian, entrusted_as="custodian")
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
    *, actor: Person, addressee: Any = None, signed_by: Any = None, **fields: Any
) -> Document:
    """收文登记 in a transaction of its own: see `receive_incoming`."""
    return receive_incoming(actor=actor, addressee=addressee, signed_by=signed_by, **fields)


def receive_incoming(
    *, actor: Person, addressee: Any = None, signed_by: Any = None, **fields: Any
) -> Document:
    """收文登记 inside the caller's transaction (a telegram's registration is one): check,
    register and number an incoming item; its copies go into the cabinet.

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
def register_internal(*, actor: Person, approval: Any = None, **fields: Any) -> Document:
    """内部印制登记 of a print run whose distribution (发送范围) a leader approved: the approval
    (kind document.print, asked for with `ask_to_print`) gives the number of formal copies and
    their recipients, and is used up (DOC.PRINT.SCOPE). Without one, or beyond its count, the
    run is refused and nothing is registered. See `print_internal` for the rest."""
    from baomi.approvals.services import consume

    granted, approved = None, None
    recipients: tuple[str, ...] = ()
    if approval is not None:
        granted = consume(actor=actor, approval=approval, action="document.print")
        # an approval without a count approves nothing: no formal copy at all
        approved = int(granted.payload.get("count") or 0)
        recipients = tuple(str(r) for r in granted.payload.get("recipients") or ())
    return print_internal(
        actor=actor,
        approved_count=approved,
        recipients=recipients,
        approval=granted,
        **fields,
    )


def print_internal(
    *,
    actor: Person,
    approved_count: int | None,
    recipients: Iterable[str] = (),
    approval: Any = None,
    drafts: int = 0,
    proofs: int = 0,
    surplus: int = 0,
    **fields: Any,
) -> Document:
    """内部印制登记 inside the caller's transaction (a meeting's documents are one): a print run
    of the organization's own document. No more formal copies than the approved distribution
    count (DOC.PRINT.SCOPE), which the caller takes from what approved the distribution (a
    leader's document.print approval; for a meeting, its list of participants); drafts, proofs
    and surplus prints are numbered after the formal copies and registered like them, so each
    is accounted for until it is destroyed."""
    policy.require(
        "document.print",
        copies=fields.get("copies", 0),
        approved=approved_count,
        approvals=(approval.kind,) if approval is not None else (),
    )
    extra: dict[str, int] = {
        Copy.Variant.DRAFT: drafts,
        Copy.Variant.PROOF: proofs,
        Copy.Variant.SURPLUS: surplus,
    }
    for variant, count in extra.items():
        if count < 0:
            raise ValidationError({str(variant): _("A count cannot be negative.")})
    names = [r for r in recipients if r]
    return _register(
        actor=actor,
        origin=Document.Origin.INTERNAL,
        document_fields={"approved_count": approved_count, "recipients": "、".join(names)},
        extra_copies=extra,
        audit_data={
            "approved_count": approved_count,
            **({"approval": approval.pk, "recipients": names} if approval is not None else {}),
            **{str(v): n for v, n in extra.items() if n},
        },
        **fields,
    )


@transaction.atomic(durable=True)
def register_outgoing(*, actor: Person, recipients: Iterable[str], **fields: Any) -> Document:
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
    actor: Person,
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
    policy.require(
        "document.classify", level=level, basis_item=basis_item, basis_reason=basis_reason
    )
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
        department=actor.own_department(),
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


@transaction.atomic(durable=True)
def sign_for_receipt(*, actor: Person, document: Document) -> Document:
    """The addressee of an item signed for by proxy signs for it; from then on it opens to
    everyone in its scope as usual. Only the addressee signs, once."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    must_see(actor, document.pk)
    policy.require("document.sign_receipt", actor=actor, document=document)
    if document.delivered_at is not None:
        raise ValidationError(_("The addressee has already signed for this item."))
    document.delivered_at = clock.now()
    document.save(update_fields=["delivered_at"])
    audit.record(actor, "document.receipt_signed", document, proxy=document.signed_by_id)
    return document


@transaction.atomic(durable=True)
def record_print_waste(
    *, actor: Person, document: Document, kind: str, sheets: int, note: str = ""
) -> PrintWaste:
    """印制废料登记: stencils, backing sheets or spoiled pages of an internal print run are
    recorded so that their destruction can be shown (DOC.PRINT.SCOPE)."""
    must_see(actor, document.pk)
    policy.require("document.register", actor=actor, cabinet=None, level=document.level)
    copied_here = document.copies.filter(variant=Copy.Variant.REPRODUCTION).exists()
    if document.origin != Document.Origin.INTERNAL and not copied_here:
        raise ValidationError(_("Print waste belongs to a document printed or copied here."))
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
def destroy_print_waste(*, actor: Person, waste: PrintWaste, supervisor: Any) -> PrintWaste:
    """Print waste destroyed on site by the clerk with a second person supervising (DOC.DESTROY:
    never sold as waste paper, never destroyed alone)."""
    waste = PrintWaste.objects.select_for_update().get(pk=waste.pk)
    must_see(actor, waste.document_id)
    policy.require("document.register", actor=actor, cabinet=None, level=Level.PUBLIC)
    if waste.destroyed_at is not None:
        raise ValidationError(_("This waste was already destroyed."))
    policy.require("print_waste.destroy", actor=actor, supervisor=supervisor)
    policy.require("carrier.entrust", person=supervisor, entrusted_as="supervisor")
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
def register_extract(
    *, actor: Person, source: Document, approval: Any, marking: str, **fields: Any
) -> Document:
    """摘抄: an extract of a document is a document of its own, registered with a leader's
    approval (DOC.REPRO.APPROVAL) at no lower level than its source, whose knowledge scope it
    keeps."""
    from baomi.approvals.services import consume

    must_see(actor, source.pk)
    approval = consume(actor=actor, approval=approval, action="copy.reproduce", subjects=(source,))
    level, _marking = _level_and_marking(marking, None, fields["issued_on"])
    if level < source.level:
        raise ValidationError(
            {
                "marking": _("An extract stays at the level of its source (%(level)s) or above.")
                % {"level": Level(source.level).zh}
            }
        )
    return _register(
        actor=actor,
        origin=Document.Origin.INTERNAL,
        marking=marking,
        document_fields={"derived_from": source},
        audit_data={"derived_from": source.pk, "approval": approval.pk},
        **_inherited_scope(source),
        **fields,
    )


@transaction.atomic(durable=True)
def register_compilation(
    *, actor: Person, sources: Iterable[Document], approval: Any = None, **fields: Any
) -> Document:
    """汇编: classified documents compiled into a collection, only with approval (DOC.ONLINE).
    The collection takes the highest level of its sources and the longest period (a source
    without a date makes it long-term), and the scope every source shares."""
    from baomi.approvals.services import consume
    from baomi.core.marking import Marking, Period

    sources = list(dict.fromkeys(sources))
    if len(sources) < 2:
        raise ValidationError({"sources": _("A collection compiles two documents or more.")})
    for source in sources:
        must_see(actor, source.pk)
    granted: tuple[str, ...] = ()
    if approval is not None:
        approval = consume(
            actor=actor, approval=approval, action="document.compile", subjects=sources
        )
        granted = (approval.kind,)
    policy.require("document.compile", sources=sources, approvals=granted)
    level = max(Level(s.level) for s in sources)
    marking = ""
    if level.is_classified:
        ends = [s.declassify_on for s in sources if Level(s.level).is_classified]
        period = (
            Period.long_term() if None in ends else Period.until_date(max(e for e in ends if e))
        )
        marking = Marking(level, period).format()
    shared = set.intersection(*(set(_inherited_scope(s)["scope_departments"]) for s in sources))
    return _register(
        actor=actor,
        origin=Document.Origin.INTERNAL,
        marking=marking,
        level=None if marking else int(level),
        scope_departments=sorted(shared, key=lambda d: d.pk),
        audit_data={"compiled_from": [s.pk for s in sources]},
        **fields,
    )


def _inherited_scope(source: Document) -> dict[str, Any]:
    entries = list(source.scope.select_related("person", "department"))
    return {
        "scope_persons": [e.person for e in entries if e.person_id],
        "scope_departments": [e.department for e in entries if e.department_id],
        "scope_posts": [e.post for e in entries if e.post],
    }
