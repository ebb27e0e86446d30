"""Electronic content, as the deployment profile allows, encrypted at rest."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from baomi import audit, policy
from baomi.core import clock
from baomi.core.levels import Level

from .. import signals
from ..models import Document
from ..queries import audience
from .access import must_open

if TYPE_CHECKING:
    from baomi.people.models import Person


@transaction.atomic(durable=True)
def attach_content(*, actor: Person, document: Document, name: str, data: bytes) -> Any:
    """Store a document's electronic content, encrypted, as the deployment profile allows
    (DOC.CONTENT): never 绝密; state-secret content only in the classified profile. A file that
    is empty, not of an accepted type, damaged, protected, a decompression bomb or too large is
    refused and nothing is stored."""
    import hashlib
    import secrets

    from django.conf import settings

    from .. import content
    from ..models import Attachment

    must_open(actor, document)
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
    signals.after_commit(signals.content_stored, document)
    return attachment


@transaction.atomic(durable=True)
def read_content(*, actor: Person, attachment: Any) -> bytes:
    """Decrypt and hand over a document's content to someone who may know it: in the scope and
    cleared for the level. Every download is on record (AUD.RECORD)."""
    data = _decrypted(actor, attachment)
    audit.record(
        actor,
        "document.content_read",
        attachment.document,
        attachment=attachment.pk,
        sha256=attachment.sha256,
    )
    return data


@transaction.atomic(durable=True)
def release_content(
    *, actor: Person, attachment: Any, recipient: str, approval: Any = None
) -> bytes:
    """Content leaving the system (by e-mail on the classified network, or exported to a
    medium): classified content only with a leader's approval, and never from a deployment that
    is not accredited for classified content (DOC.ONLINE)."""
    from django.conf import settings

    from baomi.approvals.services import consume

    if not recipient.strip():
        raise ValidationError({"recipient": _("Name where the content goes.")})
    granted: tuple[str, ...] = ()
    if approval is not None:
        approval = consume(
            actor=actor,
            approval=approval,
            action="content.release",
            subjects=(attachment, attachment.document),
        )
        granted = (approval.kind,)
    policy.require(
        "content.release",
        document=attachment.document,
        profile=settings.BAOMI_PROFILE,
        approvals=granted,
    )
    data = _decrypted(actor, attachment)
    audit.record(
        actor,
        "document.content_released",
        attachment.document,
        attachment=attachment.pk,
        sha256=attachment.sha256,
        recipient=recipient.strip(),
        approval=approval.pk if approval else None,
    )
    return data


@transaction.atomic(durable=True)
def read_consent_scan(*, actor: Person, consent: Any) -> bytes:
    """The scan of a consent letter, to someone who may know of the document it concerns (the
    record's visibility); every download is on record (AUD.RECORD)."""
    from baomi.core.visibility import NotVisible

    from ..consent import Consent

    found = Consent.objects.visible_to(actor).filter(pk=consent.pk).first()
    if found is None or not found.has_scan:
        raise NotVisible
    data = found.read_scan()
    audit.record(
        actor,
        "document.consent_scan_read",
        found.document,
        consent=found.pk,
        sha256=found.scan_sha256,
    )
    return data


def _decrypted(actor: Person, attachment: Any) -> bytes:
    from .. import content

    document = attachment.document
    must_open(actor, document)
    if document.state != Document.State.DECLASSIFIED and Level(document.level).is_classified:
        policy.require(
            "content.view",
            person=actor,
            level=document.level,
            audience=audience(document),
            posts=actor.post_codes,
        )
    return content.decrypted_attachment(attachment)
