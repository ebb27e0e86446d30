"""复制: approved reproduction of a document's copies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from baomi import audit, policy
from baomi.core.visibility import NotVisible
from baomi.ledger import custody
from baomi.ledger.consent import Consent, Letter, save_letter
from baomi.ledger.models import Copy, Document

from .common import S, _not_sealed

if TYPE_CHECKING:
    from baomi.people.models import Person


@transaction.atomic(durable=True)
def reproduce_copies(
    *,
    actor: Person,
    document: Document,
    count: int,
    cabinet: Any,
    approval: Any = None,
    consent: Letter | None = None,
) -> list[Copy]:
    """复制: new copies of a document, with a leader's approval for the count (DOC.REPRO.APPROVAL)
    and, for another issuer's document or a 绝密 one, the issuer's or originating unit's consent
    letter (DOC.REPRO.APPROVAL, DOC.TOPSECRET), which is kept on record with the document. The
    copies are numbered after the last one, carry the copying unit's stamp on record and are
    managed exactly like the originals: same level, period and scope (DOC.REPRO.STAMP)."""
    from baomi.approvals.services import consume

    if Document.objects.visible_to(actor).filter(pk=document.pk).first() is None:
        raise NotVisible
    document = Document.objects.select_for_update().get(pk=document.pk)
    if not 1 <= count <= 99:
        raise ValidationError({"count": _("Make between 1 and 99 copies.")})
    granted: tuple[str, ...] = ()
    approved_count = None
    if approval is not None:
        approval = consume(
            actor=actor, approval=approval, action="copy.reproduce", subjects=(document,)
        )
        granted = (approval.kind,)
        # the count is part of what the leader approved: an approval without one allows none
        approved_count = int(approval.payload.get("count") or 0)
    policy.require("custody.manage", actor=actor)
    _not_sealed(actor, document)
    policy.require("document.register", actor=actor, cabinet=cabinet, level=document.level)
    policy.require(
        "copy.reproduce",
        document=document,
        count=count,
        approved_count=approved_count,
        consent=consent,
        approvals=granted,
    )
    letter = None
    if consent is not None:
        letter = save_letter(Consent, consent, actor=actor, document=document)
    last = document.copies.order_by("-copy_no").values_list("copy_no", flat=True).first() or 0
    made = [
        Copy.objects.create(
            document=document,
            copy_no=last + n,
            variant=Copy.Variant.REPRODUCTION,
            state=S.IN_CABINET,
            cabinet=cabinet,
        )
        for n in range(1, count + 1)
    ]
    # DOC.REPRO.STAMP: each copy is on record with the copying unit's stamp, and stays a copy
    # of the same document, so its level, period and scope are the source's
    policy.applying("DOC.REPRO.STAMP")
    stamp = str(actor.department) if actor.department_id else ""
    try:  # the scan must not outlive a transaction that fails after it was written
        if letter is not None:
            audit.record(actor, "document.consent_recorded", document, **letter.summary())
        for copy in made:
            audit.record(
                actor,
                "copy.reproduced",
                copy,
                **custody.custody_data(copy),
                variant=copy.variant,
                stamp=stamp,
                approval=approval.pk if approval else None,
                consent=letter.pk if letter else None,
            )
    except Exception:
        if letter is not None:
            letter.forget_scan()
        raise
    return made
