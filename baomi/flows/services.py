"""Services of the daily flows: circulation (传阅), loans (借阅), losses (丢失) and the end-of-day
custody check. Each one checks the rules, moves the copy through the ledger's state machine
(which appends the custody event) and records its own event, in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from baomi import audit, policy
from baomi.core import clock
from baomi.core.levels import Level
from baomi.core.notices import notify
from baomi.ledger import custody
from baomi.ledger.models import Copy, Document
from baomi.ledger.queries import audience
from baomi.ledger.services.access import must_see

from .models import (
    ArchiveVolume,
    CarryOut,
    Channel,
    Circulation,
    CirculationStep,
    ClosingCheck,
    DestructionBatch,
    DestructionItem,
    Handover,
    HandoverItem,
    Loan,
    LossReport,
    Stocktake,
    StocktakeLine,
    Transfer,
)
from .rules import closing, latest_return

S = Copy.State


def _locked_copy(actor: Any, copy: Copy) -> Copy:
    """The copy, locked for the move, if `actor` may know its document; otherwise not found."""
    locked = (
        Copy.objects.select_for_update(of=("self",))
        .select_related("document", "cabinet", "holder")
        .filter(pk=copy.pk)
        .first()
    )
    if locked is None:
        raise Http404
    must_see(actor, locked.document_id)
    return locked


def _locked_copies(actor: Any, copies: Sequence[Copy]) -> list[Copy]:
    """Several copies locked at once, in one order, so that two services locking overlapping
    sets never wait for each other crosswise."""
    pks = sorted({c.pk for c in copies})
    locked = list(
        Copy.objects.select_for_update(of=("self",))
        .select_related("document", "cabinet", "holder")
        .filter(pk__in=pks)
        .order_by("pk")
    )
    if len(locked) != len(pks):
        raise Http404
    for copy in locked:
        must_see(actor, copy.document_id)
    return locked


def _may_hold(person: Any, document: Document) -> None:
    """`person` may hold a copy of `document`: cleared for the level, inside the scope, not an
    administrator (ACC.CLEARANCE, ACC.NEED_TO_KNOW, ACC.SOD)."""
    policy.require(
        "copy.hold",
        person=person,
        level=document.level,
        audience=audience(document),
        posts=person.post_codes,
    )


def _not_sealed(actor: Any, document: Document) -> None:
    """An item signed for by proxy goes nowhere before its addressee signs (DOC.RECEIPT)."""
    policy.require("document.open", actor=actor, document=document)


def _must_be(copy: Copy, *states: str) -> None:
    if copy.state not in states:
        raise ValidationError(
            _("Copy %(copy)s is %(state)s.")
            % {"copy": copy.label, "state": Copy.State(copy.state).label}
        )


# -- circulation ----------------------------------------------------------------------------


@transaction.atomic(durable=True)
def start_circulation(*, actor: Any, copy: Copy, readers: Sequence[Any]) -> Circulation:
    """Open a circulation of a copy in its cabinet: the readers in order, every one inside the
    knowledge scope and cleared for the level (DOC.CIRC.SCOPE). The copy stays in the cabinet
    until the clerk hands it to the first reader."""
    copy = _locked_copy(actor, copy)
    readers = list(dict.fromkeys(readers))
    if not readers:
        raise ValidationError({"readers": _("Name at least one reader.")})
    policy.require("custody.manage", actor=actor)
    _not_sealed(actor, copy.document)
    policy.require("circulation.start", document=copy.document, readers=readers)
    _must_be(copy, S.IN_CABINET)
    if Circulation.objects.filter(copy=copy, state=Circulation.State.OPEN).exists():
        raise ValidationError(_("This copy is already circulating."))
    assert copy.cabinet is not None
    circulation = Circulation.objects.create(
        copy=copy, clerk=actor, cabinet=copy.cabinet, started_at=clock.now()
    )
    CirculationStep.objects.bulk_create(
        CirculationStep(circulation=circulation, position=n, reader=r)
        for n, r in enumerate(readers, start=1)
    )
    audit.record(
        actor,
        "circulation.started",
        circulation,
        copy=copy.pk,
        readers=[r.pk for r in readers],
    )
    return circulation


@transaction.atomic(durable=True)
def hand_to_reader(
    *, actor: Any, circulation: Circulation, due_at: dt.datetime | None = None
) -> CirculationStep:
    """The clerk hands the copy, in person, to the next reader in the list. The copy must be
    back with the clerk first (DOC.CIRC.SINGLE_LINE); the reader keeps it at most as long as
    the urgency allows (DOC.CIRC.DEADLINE), a 绝密 copy only until the same evening
    (DOC.READ.SAME_DAY)."""
    copy = _locked_copy(actor, circulation.copy)
    circulation = Circulation.objects.select_for_update().get(pk=circulation.pk)
    policy.require("custody.manage", actor=actor)
    if circulation.state != Circulation.State.OPEN:
        raise ValidationError(_("This circulation is finished."))
    steps = list(circulation.steps.select_related("reader"))
    with_reader = next((s for s in steps if s.state == CirculationStep.State.HANDED), None)
    step = next((s for s in steps if s.state == CirculationStep.State.WAITING), None)
    latest = latest_return(copy.document)
    due_at = due_at or latest
    policy.require(
        "circulation.hand",
        with_reader=with_reader,
        document=copy.document,
        due_at=due_at,
        latest=latest,
    )
    if step is None:
        raise ValidationError(_("Every reader has had the copy."))
    _must_be(copy, S.IN_CABINET, S.CIRCULATING)  # not while it is reported lost
    # the reader may have changed post or tier since the circulation was opened
    policy.require("circulation.start", document=copy.document, readers=[step.reader])
    now = clock.now()
    if due_at <= now:
        raise ValidationError({"due_at": _("The due time must lie ahead.")})
    step.state, step.handed_at, step.due_at = CirculationStep.State.HANDED, now, due_at
    step.save(update_fields=["state", "handed_at", "due_at"])
    custody.move(
        actor=actor,
        copy=copy,
        to=S.CIRCULATING,
        action="copy.handed",
        holder=step.reader,
        circulation=circulation.pk,
        due_at=due_at.isoformat(timespec="minutes"),
    )
    return step


@transaction.atomic(durable=True)
def sign_for_copy(*, actor: Any, step: CirculationStep) -> CirculationStep:
    """The reader signs, on their own account, for the copy the clerk handed them
    (DOC.CIRC.IN_PERSON: no one signs for another)."""
    step = (
        CirculationStep.objects.select_for_update(of=("self",))
        .select_related("reader")
        .get(pk=step.pk)
    )
    policy.require("circulation.sign", actor=actor, step=step)
    if step.state != CirculationStep.State.HANDED or step.signed_at is not None:
        raise ValidationError(_("There is nothing to sign for."))
    step.signed_at = clock.now()
    step.save(update_fields=["signed_at"])
    audit.record(actor, "circulation.signed", step, circulation=step.circulation_id)
    return step


@transaction.atomic(durable=True)
def comment_on_copy(*, actor: Any, step: CirculationStep, text: str) -> CirculationStep:
    """The reader holding the copy writes comments or instructions (批示) on it."""
    step = CirculationStep.objects.select_for_update().get(pk=step.pk)
    if step.reader_id != actor.pk or step.state != CirculationStep.State.HANDED:
        raise Http404
    if not text.strip():
        raise ValidationError({"text": _("Write the comment.")})
    step.comment = text.strip()
    step.save(update_fields=["comment"])
    # the comment may itself be classified: the log names it, not its words
    audit.record(actor, "circulation.commented", step, circulation=step.circulation_id)
    return step


@transaction.atomic(durable=True)
def take_back(*, actor: Any, circulation: Circulation) -> CirculationStep:
    """The clerk takes the copy back from the reader who has it and signs for it. After the
    last reader it goes back into its cabinet and the circulation is done."""
    copy = _locked_copy(actor, circulation.copy)
    circulation = Circulation.objects.select_for_update().get(pk=circulation.pk)
    policy.require("custody.manage", actor=actor)
    step = circulation.steps.filter(state=CirculationStep.State.HANDED).first()
    if step is None:
        raise ValidationError(_("No reader has the copy now."))
    _must_be(copy, S.CIRCULATING)
    now = clock.now()
    step.state, step.returned_at = CirculationStep.State.RETURNED, now
    step.save(update_fields=["state", "returned_at"])
    last = not circulation.steps.filter(state=CirculationStep.State.WAITING).exists()
    if last:
        circulation.state, circulation.finished_at = Circulation.State.DONE, now
        circulation.save(update_fields=["state", "finished_at"])
        custody.move(
            actor=actor,
            copy=copy,
            to=S.IN_CABINET,
            action="copy.returned",
            cabinet=circulation.cabinet,
            circulation=circulation.pk,
            reader=step.reader_id,
        )
    else:
        custody.move(
            actor=actor,
            copy=copy,
            to=S.CIRCULATING,
            action="copy.returned",
            holder=actor,
            circulation=circulation.pk,
            reader=step.reader_id,
        )
    return step


def chase_list(person: Any) -> Any:
    """催阅: steps past their due time, in the circulations this person may know of."""
    return (
        CirculationStep.objects.filter(
            state=CirculationStep.State.HANDED,
            due_at__lt=clock.now(),
            circulation__copy__document__in=Document.objects.visible_to(person),
        )
        .select_related("reader", "circulation__copy__document")
        .order_by("due_at")
    )


@transaction.atomic(durable=True)
def chase_overdue_readers() -> int:
    """Remind every reader past the due time, and the clerk, once a day; idempotent within a
    day. Returns how many steps were chased."""
    today = clock.today()
    overdue = list(
        CirculationStep.objects.select_for_update(of=("self",))
        .filter(state=CirculationStep.State.HANDED, due_at__lt=clock.now())
        .exclude(chased_on=today)
        .select_related("reader", "circulation__clerk")
    )
    for step in overdue:
        step.chased_on = today
        step.save(update_fields=["chased_on"])
        notify([step.reader, step.circulation.clerk], "circulation.overdue", step)
        audit.record(
            None,
            "circulation.chased",
            step,
            circulation=step.circulation_id,
            reader=step.reader_id,
            due_at=step.due_at.isoformat(timespec="minutes") if step.due_at else None,
        )
    return len(overdue)


# -- loans ----------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def lend_copy(
    *,
    actor: Any,
    copy: Copy,
    borrower: Any,
    due_at: dt.datetime | None = None,
    place: str = Loan.Place.OFFICE,
    approval: Any = None,
) -> Loan:
    """借阅: lend a copy from its cabinet to a borrower who may know the document and is
    cleared for it. Read in the office unless taking it home is approved (DOC.READ.PLACE); a
    绝密 copy comes back the same evening (DOC.READ.SAME_DAY). Afterwards the borrower is the
    copy's only holder."""
    from baomi.approvals.services import consume

    copy = _locked_copy(actor, copy)
    document = copy.document
    due_at = due_at or latest_return(document)
    granted: tuple[str, ...] = ()
    if approval is not None:
        # the borrower asked for it and uses it up, at the moment of lending
        approval = consume(
            actor=borrower, approval=approval, action="copy.lend", subjects=(copy, document)
        )
        granted = (approval.kind,)
    if place not in Loan.Place.values:
        raise ValidationError({"place": _("Choose where the copy is read.")})
    policy.require("custody.manage", actor=actor)
    _not_sealed(actor, document)
    _may_hold(borrower, document)
    policy.require(
        "copy.lend",
        document=document,
        due_at=due_at,
        place=place,
        approvals=granted,
    )
    _must_be(copy, S.IN_CABINET)
    if due_at <= clock.now():
        raise ValidationError({"due_at": _("The due time must lie ahead.")})
    assert copy.cabinet is not None
    loan = Loan.objects.create(
        copy=copy,
        borrower=borrower,
        lent_by=actor,
        cabinet=copy.cabinet,
        place=place,
        lent_at=clock.now(),
        due_at=due_at,
        approval=approval,
    )
    custody.move(
        actor=actor,
        copy=copy,
        to=S.ON_LOAN,
        action="copy.lent",
        holder=borrower,
        loan=loan.pk,
        place=place,
        due_at=due_at.isoformat(timespec="minutes"),
    )
    return loan


@transaction.atomic(durable=True)
def return_loan(*, actor: Any, loan: Loan) -> Loan:
    """The clerk receives a lent copy back and puts it into the cabinet it came from."""
    return _back_in_cabinet(
        actor,
        loan,
        "returned_at",
        "copy.returned",
        _("This loan was already returned."),
        loan=loan.pk,
    )


def _back_in_cabinet(
    actor: Any, record: Any, field: str, action: str, refusal: str, **data: Any
) -> Any:
    """A loan or carry-out ends: the copy goes back into the cabinet it came from."""
    copy = _locked_copy(actor, record.copy)
    record = type(record).objects.select_for_update().get(pk=record.pk)
    policy.require("custody.manage", actor=actor)
    if getattr(record, field) is not None:
        raise ValidationError(refusal)
    _must_be(copy, S.ON_LOAN)  # a copy reported lost meanwhile is found first
    setattr(record, field, clock.now())
    record.save(update_fields=[field])
    custody.move(
        actor=actor, copy=copy, to=S.IN_CABINET, action=action, cabinet=record.cabinet, **data
    )
    return record


def overdue_loans(person: Any) -> Any:
    """Loans past their due time, among the documents this person may know of."""
    return Loan.objects.filter(
        returned_at__isnull=True,
        due_at__lt=clock.now(),
        copy__document__in=Document.objects.visible_to(person),
    ).select_related("borrower", "copy__document")


# -- losses ---------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def report_lost(*, actor: Any, copy: Copy, circumstances: str) -> LossReport:
    """Anyone who may know the document reports a copy missing. The copy becomes "reported
    lost" (its last holder stays on record), the security officers are told at once, and the
    clocks start: the report to the authorities within the hours of DOC.LOSS, a leak deemed
    after the days of DOC.LOSS.DEEMED_LEAK."""
    return _report_lost(actor, _locked_copy(actor, copy), circumstances)


def _report_lost(actor: Any, copy: Copy, circumstances: str) -> LossReport:
    from baomi.people.models import Person, Post

    if not circumstances.strip():
        raise ValidationError({"circumstances": _("Say when and where it was last seen.")})
    if copy.state in custody.TERMINAL or copy.state == S.REPORTED_LOST:
        raise ValidationError(_("This copy cannot be reported missing now."))
    now = clock.now()
    hours = policy.params("DOC.LOSS")["report_hours"]
    leak = policy.params("DOC.LOSS.DEEMED_LEAK")
    top_secret = copy.document.level == Level.TOP_SECRET
    days = leak["top_secret_days"] if top_secret else leak["other_days"]
    report = LossReport.objects.create(
        copy=copy,
        reported_by=actor,
        reported_at=now,
        circumstances=circumstances.strip(),
        last_state=copy.state,
        report_due_at=now + dt.timedelta(hours=hours),
        deemed_leak_on=clock.today() + dt.timedelta(days=days),
    )
    custody.move(
        actor=actor, copy=copy, to=S.REPORTED_LOST, action="copy.reported_lost", report=report.pk
    )
    officers = Person.objects.holding(Post.SECURITY_OFFICER).filter(is_active=True)
    notify([*officers, copy.document.registered_by], "copy.reported_lost", report)
    return report


@transaction.atomic(durable=True)
def mark_found(*, actor: Any, report: LossReport, note: str = "") -> LossReport:
    """The missing copy is found: it goes back to where it was accountably held."""
    report = LossReport.objects.select_for_update().get(pk=report.pk)
    copy = _locked_copy(actor, report.copy)
    policy.require("security.manage", actor=actor)
    if report.state != LossReport.State.OPEN:
        raise ValidationError(_("This report is closed."))
    report.state, report.resolved_by, report.resolved_at = (
        LossReport.State.FOUND,
        actor,
        clock.now(),
    )
    report.resolution = note.strip()
    report.save(update_fields=["state", "resolved_by", "resolved_at", "resolution"])
    custody.move(
        actor=actor,
        copy=copy,
        to=report.last_state,
        action="copy.found",
        cabinet=copy.cabinet if report.last_state in custody.CABINET_HELD else None,
        holder=copy.holder if report.last_state not in custody.CABINET_HELD else None,
        external_holder=copy.external_holder,
        report=report.pk,
    )
    return report


@transaction.atomic(durable=True)
def write_off(*, actor: Any, report: LossReport, resolution: str) -> LossReport:
    """A copy not found is written off, with the security office's finding on record."""
    report = LossReport.objects.select_for_update().get(pk=report.pk)
    copy = _locked_copy(actor, report.copy)
    policy.require("security.manage", actor=actor)
    if report.state != LossReport.State.OPEN:
        raise ValidationError(_("This report is closed."))
    if not resolution.strip():
        raise ValidationError({"resolution": _("Record the finding.")})
    report.state = LossReport.State.WRITTEN_OFF
    report.resolved_by, report.resolved_at = actor, clock.now()
    report.resolution = resolution.strip()
    report.save(update_fields=["state", "resolved_by", "resolved_at", "resolution"])
    custody.move(
        actor=actor, copy=copy, to=S.WRITTEN_OFF, action="copy.written_off", report=report.pk
    )
    return report


# -- end of day -----------------------------------------------------------------------------


def outside_cabinets() -> Any:
    """Classified copies in someone's hands now (人离文入柜 lists them at closing time). A copy
    lent for approved reading at home, not yet due, is no exception; 绝密 always is."""
    from .rules import same_day_levels

    at_home = (
        Loan.objects.filter(returned_at__isnull=True, place=Loan.Place.HOME, due_at__gt=clock.now())
        .exclude(copy__document__level__in=same_day_levels())
        .values("copy")
    )
    return (
        Copy.objects.filter(state__in=[S.CIRCULATING, S.ON_LOAN, S.IN_TRANSIT])
        .filter(document__level__gte=Level.CONFIDENTIAL)
        .exclude(pk__in=at_home)
        .select_related("document", "holder")
    )


@transaction.atomic(durable=True)
def check_custody_at_closing() -> int:
    """The end-of-day custody check (DOC.CUSTODY.NIGHT, DOC.READ.SAME_DAY): after closing time,
    every classified copy outside a cabinet is an exception; its holder and the registering
    clerk are told. Runs once a day: a second run the same day finds the check done."""
    today = clock.today()
    if clock.now() < closing(today) or ClosingCheck.objects.filter(day=today).exists():
        return 0
    exceptions = list(outside_cabinets())
    check = ClosingCheck.objects.create(day=today, ran_at=clock.now(), exceptions=len(exceptions))
    for copy in exceptions:
        notify(
            [copy.holder, copy.document.registered_by],
            "custody.exception",
            copy,
            day=str(today),
            state=copy.state,
        )
    audit.record(None, "custody.checked", check, exceptions=[c.pk for c in exceptions])
    return len(exceptions)


# -- transfer and carry-out ------------------------------------------------------------------


@transaction.atomic(durable=True)
def create_channel(
    *,
    actor: Any,
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
    actor: Any,
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
        _may_hold(courier, copy.document)
    policy.require(
        "copy.transfer",
        channel=channel,
        document=copy.document,
        in_reply_to=in_reply_to,
        carriers=couriers,
    )
    _must_be(copy, S.IN_CABINET)
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
def confirm_delivery(*, actor: Any, transfer: Transfer, signed_by: str) -> Transfer:
    """The recipient has signed for the copy: it is theirs from now on (an outside unit holds
    it by name)."""
    copy = _locked_copy(actor, transfer.copy)
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    policy.require("custody.manage", actor=actor)
    if transfer.received_at is not None:
        raise ValidationError(_("The recipient has already signed."))
    _must_be(copy, S.IN_TRANSIT)  # a copy reported lost on the way is found first
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
    actor: Any,
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
        _may_hold(carrier, document)
    policy.require(
        "copy.carry_out",
        document=document,
        abroad=abroad,
        carriers=carriers,
        approvals=granted,
    )
    _must_be(copy, S.IN_CABINET)
    if due_at <= clock.now():
        raise ValidationError({"due_at": _("The due time must lie ahead.")})
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
def bring_back(*, actor: Any, record: CarryOut) -> CarryOut:
    """The carried-out copy is back and goes into its cabinet."""
    return _back_in_cabinet(
        actor,
        record,
        "back_at",
        "copy.brought_back",
        _("This copy was already brought back."),
        carry_out=record.pk,
    )


# -- reproduction -----------------------------------------------------------------------------


@transaction.atomic(durable=True)
def reproduce_copies(
    *,
    actor: Any,
    document: Document,
    count: int,
    cabinet: Any,
    approval: Any = None,
    issuer_consent: str = "",
) -> list[Copy]:
    """复制: new copies of a document, with a leader's approval for the count (DOC.REPRO.APPROVAL)
    and, for another issuer's document, that issuer's consent (a letter or its reference). The
    copies are numbered after the last one, carry the copying unit's stamp on record and are
    managed exactly like the originals: same level, period and scope (DOC.REPRO.STAMP)."""
    from baomi.approvals.services import consume

    if Document.objects.visible_to(actor).filter(pk=document.pk).first() is None:
        raise Http404
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
        approved_count = int(approval.payload.get("count", 0)) or None
    policy.require("custody.manage", actor=actor)
    _not_sealed(actor, document)
    policy.require("document.register", actor=actor, cabinet=cabinet, level=document.level)
    policy.require(
        "copy.reproduce",
        document=document,
        count=count,
        approved_count=approved_count,
        issuer_consent=issuer_consent.strip(),
        approvals=granted,
    )
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
    stamp = str(actor.department) if actor.department_id else ""
    for copy in made:
        audit.record(
            actor,
            "copy.reproduced",
            copy,
            **custody.custody_data(copy),
            variant=copy.variant,
            stamp=stamp,
            approval=approval.pk if approval else None,
            issuer_consent=issuer_consent.strip() or None,
        )
    return made


# -- handover ---------------------------------------------------------------------------------


def held_by(person: Any) -> Any:
    """Every live copy this person is accountable for: in their hands, or in a cabinet they keep."""
    return (
        # a copy reported lost is the loss report's to settle, not the handover's
        Copy.objects.exclude(state__in=[*custody.TERMINAL, S.REPORTED_LOST])
        .filter(models.Q(holder=person) | models.Q(cabinet__custodian=person))
        .select_related("document", "cabinet")
        .order_by("document_id", "copy_no")
    )


@transaction.atomic(durable=True)
def open_handover(*, actor: Any, person: Any, receiver: Any) -> Handover:
    """移交: list everything `person` holds, to be checked by `receiver` item by item. While
    the list is open the person's change of post cannot complete (DOC.HANDOVER)."""
    from baomi.people.models import Person

    policy.require("custody.manage", actor=actor)
    Person.objects.select_for_update().get(pk=person.pk)
    if receiver == person or not receiver.is_active or receiver.admin_role:
        raise ValidationError({"receiver": _("Choose another active member of staff.")})
    if Handover.objects.filter(person=person, completed_at__isnull=True).exists():
        raise ValidationError(_("A handover of this person is already open."))
    from baomi.core.access import Audience

    held = list(held_by(person))
    for copy in held:
        if copy.holder_id == person.pk:  # in hand: the receiver must be entitled to know it
            _may_hold(receiver, copy.document)
        else:  # in a cabinet the receiver will keep: cleared for its level is enough
            policy.require(
                "copy.hold",
                person=receiver,
                level=copy.document.level,
                audience=Audience(persons=frozenset({receiver.pk})),
            )
    handover = Handover.objects.create(
        person=person, receiver=receiver, opened_by=actor, opened_at=clock.now()
    )
    items = HandoverItem.objects.bulk_create(HandoverItem(handover=handover, copy=c) for c in held)
    audit.record(
        actor,
        "handover.opened",
        handover,
        person=person.pk,
        receiver=receiver.pk,
        copies=[i.copy_id for i in items],
    )
    return handover


@transaction.atomic(durable=True)
def check_handover_item(*, actor: Any, handover: Handover, copy: Copy) -> HandoverItem:
    """The receiver checks one copy on the list, by scanning its label."""
    handover = Handover.objects.select_for_update().get(pk=handover.pk)
    if actor.pk != handover.receiver_id:
        raise ValidationError(_("Only the receiver checks the items."))
    if handover.completed_at is not None:
        raise ValidationError(_("This handover is complete."))
    item = handover.items.filter(copy=copy).first()
    if item is None:
        raise ValidationError(_("This copy is not on the handover list."))
    if item.checked_at is None:
        item.checked_at = clock.now()
        item.save(update_fields=["checked_at"])
        audit.record(actor, "handover.item_checked", handover, copy=copy.pk)
    return item


@transaction.atomic(durable=True)
def sign_handover(*, actor: Any, handover: Handover) -> Handover:
    """The person leaving and the receiver each sign the checked list; when both have, every
    copy and every cabinet passes to the receiver. Nothing passes on trust: the receiver signs
    only when every item is checked."""
    handover = Handover.objects.select_for_update().get(pk=handover.pk)
    if handover.completed_at is not None:
        raise ValidationError(_("This handover is complete."))
    now = clock.now()
    if actor.pk == handover.receiver_id:
        unchecked = handover.items.filter(checked_at__isnull=True).count()
        if unchecked:
            raise ValidationError(
                _("%(n)s items are not checked yet: no handover on trust.") % {"n": unchecked}
            )
        handover.receiver_signed_at = now
    elif actor.pk == handover.person_id:
        handover.person_signed_at = now
    else:
        raise ValidationError(_("Only the two people handing over sign the list."))
    handover.save(update_fields=["receiver_signed_at", "person_signed_at"])
    audit.record(actor, "handover.signed", handover)
    if handover.receiver_signed_at and handover.person_signed_at:
        _complete(actor, handover)
    return handover


def _complete(actor: Any, handover: Handover) -> None:
    from baomi.ledger.models import Cabinet

    receiver = handover.receiver
    items = list(handover.items.select_related("copy"))
    for copy in _locked_copies(actor, [item.copy for item in items]):
        if copy.holder_id == handover.person_id:
            custody.move(
                actor=actor,
                copy=copy,
                to=copy.state,
                action="copy.handed_over",
                holder=receiver,
                handover=handover.pk,
            )
    codes = []
    for cabinet in Cabinet.objects.select_for_update().filter(custodian=handover.person):
        custody.hand_over_cabinet(
            actor=actor, cabinet=cabinet, custodian=receiver, handover=handover.pk
        )
        codes.append(cabinet.code)
    handover.completed_at = clock.now()
    handover.save(update_fields=["completed_at"])
    audit.record(actor, "handover.completed", handover, cabinets=codes)


# -- destruction ------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def list_for_destruction(*, actor: Any, copies: Sequence[Copy]) -> DestructionBatch:
    """销毁登记: the office lists copies from its cabinets for destruction; they stay in their
    cabinets, marked as in a destruction batch, until destroyed or taken off the list."""
    policy.require("custody.manage", actor=actor)
    if not copies:
        raise ValidationError({"copies": _("List at least one copy.")})
    batch = DestructionBatch.objects.create(listed_by=actor, listed_at=clock.now())
    for locked in _locked_copies(actor, copies):
        _must_be(locked, S.IN_CABINET, S.DECLASSIFIED)
        DestructionItem.objects.create(batch=batch, copy=locked)
        custody.move(
            actor=actor,
            copy=locked,
            to=S.IN_DESTRUCTION,
            action="copy.listed_for_destruction",
            cabinet=locked.cabinet,
            batch=batch.pk,
        )
    audit.record(actor, "destruction.listed", batch, copies=[c.pk for c in copies])
    return batch


@transaction.atomic(durable=True)
def destroy_batch(
    *,
    actor: Any,
    batch: DestructionBatch,
    method: str,
    place: str,
    supervisors: Sequence[Any],
    escort: Any = None,
    on_site: bool = False,
    approval: Any = None,
) -> DestructionBatch:
    """Destroy a listed batch: with the leader's approval of the list, under escort to the
    designated facility or on site (绝密 always on site), supervised by at least two people
    (DOC.DESTROY). Every copy becomes destroyed; the certificate lists them."""
    from baomi.approvals.services import consume

    batch = DestructionBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.state != DestructionBatch.State.LISTED:
        raise ValidationError(_("This batch was already destroyed."))
    if not method.strip() or not place.strip():
        raise ValidationError({"method": _("Record the method and the place.")})
    supervisors = list(dict.fromkeys(supervisors))
    if actor in supervisors or escort in supervisors:
        raise ValidationError(
            {"supervisors": _("Supervisors are people other than the operators.")}
        )
    granted: tuple[str, ...] = ()
    if approval is not None:
        approval = consume(actor=actor, approval=approval, action="copy.destroy", subjects=(batch,))
        granted = (approval.kind,)
    policy.require("custody.manage", actor=actor)
    copies = _locked_copies(actor, [item.copy for item in batch.items.select_related("copy")])
    policy.require(
        "copy.destroy",
        supervisors=supervisors,
        escort=escort,
        on_site=on_site,
        levels={c.document.level for c in copies},
        count=len(copies),
        approvals=granted,
    )
    batch.state, batch.destroyed_at = DestructionBatch.State.DESTROYED, clock.now()
    batch.destroyed_by = actor
    batch.method, batch.place, batch.on_site = method.strip(), place.strip(), on_site
    batch.escort, batch.approval = escort, approval
    batch.save()
    batch.supervisors.set(supervisors)
    for copy in copies:
        custody.move(
            actor=actor, copy=copy, to=S.DESTROYED, action="copy.destroyed", batch=batch.pk
        )
    audit.record(
        actor,
        "destruction.done",
        batch,
        method=batch.method,
        place=batch.place,
        on_site=on_site,
        escort=escort.pk if escort else None,
        supervisors=[s.pk for s in supervisors],
        approval=approval.pk if approval else None,
        copies=[c.pk for c in copies],
    )
    return batch


# -- stocktake --------------------------------------------------------------------------------

STORED = (S.IN_CABINET, S.IN_DESTRUCTION, S.ARCHIVED)


@transaction.atomic(durable=True)
def open_stocktake(*, actor: Any, cabinet: Any = None, department: Any = None) -> Stocktake:
    """清查: list the copies that should be in one cabinet, in a department's cabinets, or in
    every cabinet (neither given); each is then checked by scanning its label."""
    from baomi.ledger.models import Cabinet

    policy.require("custody.manage", actor=actor)
    cabinets = Cabinet.objects.all()
    if cabinet is not None:
        cabinets = cabinets.filter(pk=cabinet.pk)
    elif department is not None:
        cabinets = cabinets.filter(department=department)
    stocktake = Stocktake.objects.create(
        opened_by=actor, opened_at=clock.now(), cabinet=cabinet, department=department
    )
    # only what this clerk may know of: a copy outside the clerk's scope is another's to count
    expected = Copy.objects.filter(
        cabinet__in=cabinets,
        state__in=STORED,
        document__in=Document.objects.visible_to(actor),
    )
    lines = StocktakeLine.objects.bulk_create(
        StocktakeLine(stocktake=stocktake, copy_id=pk, expected_in_id=cabinet_id)
        for pk, cabinet_id in expected.values_list("pk", "cabinet_id").order_by("pk")
    )
    audit.record(
        actor,
        "stocktake.opened",
        stocktake,
        cabinets=sorted(cabinets.values_list("code", flat=True)),
        expected=len(lines),
    )
    return stocktake


@transaction.atomic(durable=True)
def record_seen(*, actor: Any, stocktake: Stocktake, code: str, cabinet: Any) -> StocktakeLine:
    """A scanned label, in the cabinet being checked: expected, unexpected or misplaced."""
    stocktake = Stocktake.objects.select_for_update().get(pk=stocktake.pk)
    policy.require("custody.manage", actor=actor)
    if stocktake.closed_at is not None:
        raise ValidationError(_("This stocktake is closed."))
    parsed = Copy.parse_scan_code(code)
    found = (
        Copy.objects.filter(document_id=parsed[0], copy_no=parsed[1]).first() if parsed else None
    )
    if found is None:
        raise ValidationError({"code": _("That is not a copy label.")})
    must_see(actor, found.document_id)
    line, _created = StocktakeLine.objects.get_or_create(stocktake=stocktake, copy=found)
    line.seen_in, line.seen_at = cabinet, clock.now()
    line.save(update_fields=["seen_in", "seen_at"])
    audit.record(actor, "stocktake.seen", stocktake, copy=found.pk, cabinet=cabinet.code)
    return line


@dataclass(frozen=True)
class StocktakeResult:
    missing: list[StocktakeLine]
    unexpected: list[StocktakeLine]
    misplaced: list[StocktakeLine]


def stocktake_result(stocktake: Stocktake) -> StocktakeResult:
    """What was expected and not seen, seen but not expected, and seen in the wrong cabinet."""
    lines = list(stocktake.lines.select_related("copy__document", "expected_in", "seen_in"))
    return StocktakeResult(
        missing=[x for x in lines if x.expected_in_id and x.seen_at is None],
        unexpected=[x for x in lines if not x.expected_in_id],
        misplaced=[
            x for x in lines if x.expected_in_id and x.seen_at and x.seen_in_id != x.expected_in_id
        ],
    )


@transaction.atomic(durable=True)
def close_stocktake(*, actor: Any, stocktake: Stocktake) -> StocktakeResult:
    """Close the stocktake: every expected copy not seen is reported lost, at once, with the
    stocktake named as the circumstances (DOC.STOCKTAKE, DOC.LOSS)."""
    stocktake = Stocktake.objects.select_for_update().get(pk=stocktake.pk)
    policy.require("custody.manage", actor=actor)
    if stocktake.closed_at is not None:
        raise ValidationError(_("This stocktake is closed."))
    result = stocktake_result(stocktake)
    for copy in _locked_copies(actor, [line.copy for line in result.missing]):
        if copy.state in STORED:  # not moved by a flow since the stocktake opened
            _report_lost(actor, copy, _("Not found in stocktake %(n)s.") % {"n": stocktake.pk})
    stocktake.closed_at = clock.now()
    stocktake.save(update_fields=["closed_at"])
    audit.record(
        actor,
        "stocktake.closed",
        stocktake,
        missing=[x.copy_id for x in result.missing],
        unexpected=[x.copy_id for x in result.unexpected],
        misplaced=[x.copy_id for x in result.misplaced],
    )
    return result


def recall_list(person: Any) -> dict[str, Any]:
    """清退: what is out past its return date, among the documents this person may know of."""
    now = clock.now()
    visible = Document.objects.visible_to(person)
    return {
        "loans": overdue_loans(person),
        "carry_outs": CarryOut.objects.filter(
            back_at__isnull=True, due_at__lt=now, copy__document__in=visible
        ).select_related("person", "copy__document"),
        "readers": chase_list(person),
    }


# -- archiving --------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def archive_copies(
    *, actor: Any, year: int, title: str, department: Any, cabinet: Any, copies: Sequence[Copy]
) -> ArchiveVolume:
    """归档: a volume of the year's completed documents; each copy, back in its cabinet,
    becomes archived in the volume's cabinet (DOC.ARCHIVE)."""
    policy.require("custody.manage", actor=actor)
    if not title.strip():
        raise ValidationError({"title": _("Give the volume a title.")})
    if not copies:
        raise ValidationError({"copies": _("List at least one copy.")})
    volume = ArchiveVolume.objects.create(
        year=year,
        title=title.strip(),
        department=department,
        cabinet=cabinet,
        created_by=actor,
        created_at=clock.now(),
    )
    for locked in _locked_copies(actor, copies):
        _must_be(locked, S.IN_CABINET, S.DECLASSIFIED)
        # classified and ordinary items stay apart in the archive too (DOC.STORE)
        policy.require(
            "document.register", actor=actor, cabinet=cabinet, level=locked.document.level
        )
        volume.copies.add(locked)
        custody.move(
            actor=actor,
            copy=locked,
            to=S.ARCHIVED,
            action="copy.archived",
            cabinet=cabinet,
            volume=volume.pk,
        )
    audit.record(actor, "archive.volume_created", volume, year=year, copies=[c.pk for c in copies])
    return volume


def due_for_archiving(person: Any, *, today: dt.date | None = None) -> Any:
    """Copies of last year's documents still in someone's hands once the archiving month of
    this year has begun (DOC.ARCHIVE: no one keeps personal copies of items due for archiving
    or return), among the documents this person may know of."""
    today = today or clock.today()
    month = int(policy.params("DOC.ARCHIVE")["archive_by_month"])
    if today.month <= month:
        return Copy.objects.none()
    return (
        Copy.objects.filter(
            state__in=[S.CIRCULATING, S.ON_LOAN],
            document__issued_on__year__lt=today.year,
            document__in=Document.objects.visible_to(person),
        )
        .select_related("document", "holder")
        .order_by("holder_id", "document_id", "copy_no")
    )
