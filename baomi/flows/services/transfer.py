"""传递 and 带出: channels, transfers, carry-outs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from baomi import audit, policy
from baomi.core import clock
from baomi.core.levels import Level
from baomi.ledger import custody
from baomi.ledger.models import Copy, Document
from baomi.ledger.services.access import may_hold

from ..models import (
    CarryOut,
    Channel,
    Transfer,
)
from .common import FROM_CABINET, ON_THE_WAY, S, _due_ahead, _locked_copy, _must_be, _not_sealed
from .loans import _back_in_cabinet

if TYPE_CHECKING:
    from baomi.people.models import Person


@transaction.atomic(durable=True)
def create_channel(
    *,
    actor: Person,
    name: str,
    kind: str,
    max_level: int,
    encrypted: bool = False,
    for_classified: bool = True,
) -> Channel:
    """Configure a transfer channel with the highest level it carries (a security officer's
    task); whether a transfer may use it is decided at each transfer."""
    policy.require("security.manage", actor=actor)
    if kind not in Channel.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of channel.")})
    if not name.strip():
        raise ValidationError({"name": _("Name the channel.")})
    if Channel.objects.filter(name=name.strip()).exists():
        raise ValidationError({"name": _("A channel of this name exists.")})
    channel = Channel.objects.create(
        name=name.strip(),
        kind=kind,
        max_level=max_level,
        encrypted=encrypted,
        for_classified=for_classified,
    )
    audit.record(
        actor,
        "channel.created",
        channel,
        kind=kind,
        max_level=Level(max_level).zh,
        encrypted=encrypted,
        for_classified=for_classified,
    )
    return channel


@transaction.atomic(durable=True)
def send_copy(
    *,
    actor: Person,
    copy: Copy,
    channel: Channel,
    couriers: Sequence[Any],
    recipient: str,
    in_reply_to: Document | None = None,
) -> Transfer:
    """传递: send a copy from its cabinet over an approved channel (DOC.TRANSFER.CHANNEL), at no
    lower level than what it answers and never mixing classified and plain traffic
    (DOC.TRANSFER.SYMMETRY); a 绝密 copy travels with two couriers (DOC.TOPSECRET). The first
    courier holds it until the recipient signs."""
    copy = _locked_copy(actor, copy)
    couriers = list(dict.fromkeys(couriers))
    if not couriers:
        raise ValidationError({"couriers": _("Name the courier.")})
    if not recipient.strip():
        raise ValidationError({"recipient": _("Name the recipient.")})
    policy.require("custody.manage", actor=actor)
    _not_sealed(actor, copy.document)
    for courier in couriers:
        may_hold(courier, copy.document)
    policy.require(
        "copy.transfer",
        channel=channel,
        document=copy.document,
        in_reply_to=in_reply_to,
        carriers=couriers,
    )
    _must_be(copy, *FROM_CABINET)
    transfer = Transfer.objects.create(
        copy=copy,
        channel=channel,
        recipient=recipient.strip(),
        in_reply_to=in_reply_to,
        sent_by=actor,
        sent_at=clock.now(),
    )
    transfer.couriers.set(couriers)
    custody.move(
        actor=actor,
        copy=copy,
        to=S.IN_TRANSIT,
        action="copy.sent",
        holder=couriers[0],
        transfer=transfer.pk,
        channel=channel.name,
        couriers=[c.pk for c in couriers],
        recipient=transfer.recipient,
    )
    return transfer


@transaction.atomic(durable=True)
def confirm_delivery(*, actor: Person, transfer: Transfer, signed_by: str) -> Transfer:
    """The recipient has signed for the copy: it is theirs from now on (an outside unit holds
    it by name)."""
    copy = _locked_copy(actor, transfer.copy)
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    policy.require("custody.manage", actor=actor)
    if transfer.received_at is not None:
        raise ValidationError(_("The recipient has already signed."))
    _must_be(copy, *ON_THE_WAY)  # a copy reported lost on the way is found first
    if not signed_by.strip():
        raise ValidationError({"signed_by": _("Name who signed for it.")})
    transfer.received_at, transfer.signed_by = clock.now(), signed_by.strip()
    transfer.save(update_fields=["received_at", "signed_by"])
    custody.move(
        actor=actor,
        copy=copy,
        to=S.RECEIVED,
        action="copy.delivered",
        external_holder=transfer.recipient,
        transfer=transfer.pk,
        signed_by=transfer.signed_by,
    )
    return transfer


@transaction.atomic(durable=True)
def carry_out(
    *,
    actor: Person,
    copy: Copy,
    person: Any,
    destination: str,
    due_at: dt.datetime,
    abroad: bool = False,
    companions: Sequence[Any] = (),
    approval: Any = None,
) -> CarryOut:
    """带出: a copy leaves the office with a person, with a leader's approval (DOC.CARRY_OUT);
    绝密 never leaves the country and is carried by two people (DOC.TOPSECRET). The person holds
    it until it is brought back."""
    from baomi.approvals.services import consume

    copy = _locked_copy(actor, copy)
    document = copy.document
    granted: tuple[str, ...] = ()
    if approval is not None:
        approval = consume(
            actor=person, approval=approval, action="copy.carry_out", subjects=(copy, document)
        )
        granted = (approval.kind,)
    if not destination.strip():
        raise ValidationError({"destination": _("Say where the copy goes.")})
    policy.require("custody.manage", actor=actor)
    _not_sealed(actor, document)
    carriers = list(dict.fromkeys([person, *companions]))
    for carrier in carriers:
        may_hold(carrier, document)
    policy.require(
        "copy.carry_out",
        document=document,
        abroad=abroad,
        carriers=carriers,
        approvals=granted,
    )
    _must_be(copy, *FROM_CABINET)
    _due_ahead(due_at)
    assert copy.cabinet is not None
    record = CarryOut.objects.create(
        copy=copy,
        person=person,
        cabinet=copy.cabinet,
        destination=destination.strip(),
        abroad=abroad,
        approval=approval,
        out_at=clock.now(),
        due_at=due_at,
    )
    # out of the office in one person's hands: the state machine's "on loan" to that person
    custody.move(
        actor=actor,
        copy=copy,
        to=S.ON_LOAN,
        action="copy.carried_out",
        holder=person,
        carry_out=record.pk,
        abroad=abroad,
        companions=[c.pk for c in carriers[1:]],
        due_at=due_at.isoformat(timespec="minutes"),
    )
    return record


@transaction.atomic(durable=True)
def bring_back(*, actor: Person, record: CarryOut) -> CarryOut:
    """The carried-out copy is back and goes into its cabinet."""
    return _back_in_cabinet(
        actor,
        record,
        "back_at",
        "copy.brought_back",
        _("This copy was already brought back."),
        carry_out=record.pk,
    )
