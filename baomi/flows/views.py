"""The clerk's workbench: today's hand-outs and returns, what is overdue, what is outside a
cabinet, with a scan field for every action. Each form calls one service."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import BooleanField, Case, Count, Q, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from baomi import policy
from baomi.core import clock
from baomi.core.errors import act_then_show, report
from baomi.core.models import OrgUnit
from baomi.core.paging import slice_page
from baomi.ledger.models import Cabinet, visible
from baomi.ledger.queries import copy_by_code, scanned_copy
from baomi.people.models import Person
from baomi.people.names import one_staff_named, staff_named
from baomi.people.views import AuthedRequest

from . import services
from .models import (
    CarryOut,
    Channel,
    Circulation,
    CirculationStep,
    DestructionBatch,
    Handover,
    Loan,
    LossReport,
    Stocktake,
    Transfer,
)

SHOWN = 10  # rows of each list on the workbench: the most urgent first, the rest one click away
LISTED = 50  # rows of a page of a list in full


@dataclass(frozen=True, slots=True)
class Shown:
    """The first rows of a list, and whether there are more."""

    rows: list[Any]
    more: bool


def _mine(person: Person) -> dict[str, Q]:
    """How each list narrows to what is in one person's own hands (a route or a courier list
    by subquery, so no row repeats)."""
    return {
        "to_sign": Q(reader=person),
        "circulations": Q(
            pk__in=CirculationStep.objects.filter(reader=person).values("circulation")
        ),
        "readers": Q(reader=person),
        "overdue_loans": Q(borrower=person),
        "overdue_carry_outs": Q(person=person),
        "in_transit": Q(pk__in=Transfer.objects.filter(couriers=person).values("pk")),
        "carried_out": Q(person=person),
        "loans": Q(borrower=person),
        "outside": Q(holder=person),
        "archive_due": Q(holder=person),
    }


def _keeps_custody(person: Person) -> bool:
    """Whether the office-wide lists (who holds which copy, who is overdue) are this person's
    business: the posts that keep custody or supervise it (ACC.ROLE). Everyone else sees what
    is in their own hands, among the documents they may know of."""
    return any(
        policy.check(key, actor=person).allowed for key in ("custody.manage", "security.manage")
    )


def workbench_lists(person: Person) -> dict[str, Any]:
    """The workbench's lists, each in its order (the most urgent first), among the documents
    this person may know of: the whole office's for the custody posts, otherwise the person's
    own."""
    lists = _office_lists(person)
    if _keeps_custody(person):
        return lists
    mine = _mine(person)
    return {kind: rows.filter(mine[kind]) for kind, rows in lists.items()}


def _office_lists(person: Person) -> dict[str, Any]:
    recall = services.recall_list(person)
    return {
        "to_sign": CirculationStep.objects.filter(
            reader=person, state=CirculationStep.State.HANDED, signed_at__isnull=True
        )
        .select_related("circulation__copy__document")
        .order_by("handed_at", "pk"),
        "circulations": Circulation.objects.filter(
            visible(person, "copy__document"), state=Circulation.State.OPEN
        )
        .select_related("copy__document")
        .prefetch_related("steps__reader")
        .order_by("-started_at", "-id"),
        # 催阅 and 清退: what is past its time
        "readers": recall["readers"].order_by("due_at", "pk"),
        "overdue_loans": recall["loans"].order_by("due_at", "pk"),
        "overdue_carry_outs": recall["carry_outs"].order_by("due_at", "pk"),
        "in_transit": Transfer.objects.filter(
            visible(person, "copy__document"), received_at__isnull=True
        )
        .select_related("copy__document", "channel")
        .order_by("sent_at", "pk"),
        "carried_out": CarryOut.objects.filter(
            visible(person, "copy__document"), back_at__isnull=True
        )
        .select_related("copy__document", "person")
        .order_by("due_at", "pk"),
        "loans": Loan.objects.filter(visible(person, "copy__document"), returned_at__isnull=True)
        .select_related("borrower", "copy__document")
        .order_by("due_at", "pk"),
        "outside": services.outside_cabinets().filter(visible(person, "document")).order_by("pk"),
        "archive_due": services.due_for_archiving(person),
    }


LIST_TITLES = {
    "to_sign": _lazy("Handed to you: sign for them"),
    "circulations": _lazy("Circulations"),
    "readers": _lazy("Readers past their time (chase)"),
    "overdue_loans": _lazy("Loans past their return date"),
    "overdue_carry_outs": _lazy("Carried out past their return date"),
    "in_transit": _lazy("In transit"),
    "carried_out": _lazy("Carried out"),
    "loans": _lazy("On loan"),
    "outside": _lazy("Classified copies outside a cabinet"),
    "archive_due": _lazy("Still held, due for archiving"),
}
ON_WORKBENCH = (
    "to_sign",
    "circulations",
    "readers",
    "overdue_loans",
    "overdue_carry_outs",
    "in_transit",
    "carried_out",
    "loans",
    "outside",
)


def _top(rows: Any) -> Shown:
    found = list(rows[: SHOWN + 1])
    return Shown(found[:SHOWN], len(found) > SHOWN)


@login_required
def workbench(request: AuthedRequest) -> HttpResponse:
    person = request.user
    lists = workbench_lists(person)
    context: dict[str, Any] = {kind: _top(lists[kind]) for kind in ON_WORKBENCH}
    context |= {
        "shown": SHOWN,
        "keeps_custody": _keeps_custody(person),
        "cabinets": Cabinet.objects.order_by("code"),
        "channels": Channel.objects.filter(active=True).order_by("name"),
    }
    return render(request, "flows/workbench.html", context)


@login_required
def full_list(request: AuthedRequest, kind: str) -> HttpResponse:
    """One list of the workbench in full, page by page."""
    lists = workbench_lists(request.user)
    if kind not in lists:
        raise Http404
    page = slice_page(lists[kind], request.GET.get("page"), LISTED)
    return render(
        request,
        "flows/list.html",
        {
            "kind": kind,
            "title": LIST_TITLES[kind],
            "page": page,
            "template": f"flows/lists/{kind}.html",
            "keeps_custody": _keeps_custody(request.user),
        },
    )


def _act(request: AuthedRequest, action: Callable[[], Any], done: str) -> HttpResponse:
    return act_then_show(request, action, done, "flows:workbench")


def _scanned(request: AuthedRequest) -> Any:
    return scanned_copy(request.user, request.POST.get("code", ""))


@login_required
@require_POST
def lend(request: AuthedRequest) -> HttpResponse:
    def action() -> Any:
        borrower = _one(request, "borrower", _("Choose the borrower."))
        return services.lend_copy(
            actor=request.user,
            copy=_scanned(request),
            borrower=borrower,
            place=request.POST.get("place", Loan.Place.OFFICE),
        )

    return _act(request, action, _("Lent."))


def _one(request: AuthedRequest, field: str, missing: str) -> Person:
    """The one member of staff typed under `field`: nothing typed is `missing`, two or more
    names are refused (see `one_staff_named`), never silently cut to the first."""
    text = request.POST.get(field, "")
    if not text.strip():
        raise ValidationError({field: missing})
    return one_staff_named(text, field)


@login_required
@require_POST
def circulate(request: AuthedRequest) -> HttpResponse:
    def action() -> Any:
        return services.start_circulation(
            actor=request.user,
            copy=_scanned(request),
            readers=staff_named(request.POST.get("readers", ""), "readers"),
        )

    return _act(request, action, _("Circulation opened."))


@login_required
@require_POST
def report_lost(request: AuthedRequest) -> HttpResponse:
    def action() -> Any:
        return services.report_lost(
            actor=request.user,
            copy=_scanned(request),
            circumstances=request.POST.get("circumstances", ""),
        )

    return _act(request, action, _("Reported missing; the security office has been told."))


@login_required
@require_POST
def hand(request: AuthedRequest, pk: int) -> HttpResponse:
    circulation = get_object_or_404(Circulation, pk=pk)
    return _act(
        request,
        lambda: services.hand_to_reader(actor=request.user, circulation=circulation),
        _("Handed to the next reader."),
    )


@login_required
@require_POST
def take_back(request: AuthedRequest, pk: int) -> HttpResponse:
    circulation = get_object_or_404(Circulation, pk=pk)
    return _act(
        request,
        lambda: services.take_back(actor=request.user, circulation=circulation),
        _("Taken back."),
    )


@login_required
@require_POST
def sign(request: AuthedRequest, pk: int) -> HttpResponse:
    step = get_object_or_404(CirculationStep, pk=pk, reader=request.user)
    return _act(
        request, lambda: services.sign_for_copy(actor=request.user, step=step), _("Signed for.")
    )


@login_required
@require_POST
def return_loan(request: AuthedRequest, pk: int) -> HttpResponse:
    loan = get_object_or_404(Loan, pk=pk)
    return _act(
        request, lambda: services.return_loan(actor=request.user, loan=loan), _("Returned.")
    )


def _back(request: AuthedRequest, action: Callable[[], Any], done: str, to: str) -> HttpResponse:
    return act_then_show(request, action, done, to)


def _by_id(rows: Any, request: AuthedRequest, name: str) -> Any:
    """The row whose id the form posted under `name`, or None."""
    value = request.POST.get(name, "")
    return rows.filter(pk=int(value)).first() if value.isdigit() else None


def _labels(request: AuthedRequest) -> list[Any]:
    """Copies from a list of scanned labels, one per line."""
    found = []
    for code in request.POST.get("codes", "").split():
        copy = copy_by_code(request.user, code)
        if copy is None:
            raise ValidationError(
                {"codes": _("No copy you may know of has the label %(code)s.") % {"code": code}}
            )
        found.append(copy)
    return found


# -- destruction -------------------------------------------------------------------------------


@login_required
def destruction(request: AuthedRequest) -> HttpResponse:
    """销毁: the batches listed, each destroyed under supervision, with its certificate."""
    batches = services.whole_batches(request.user).prefetch_related("items__copy__document")[:100]
    if request.method == "POST":
        return _back(
            request,
            lambda: services.list_for_destruction(actor=request.user, copies=_labels(request)),
            _("Listed for destruction."),
            "flows:destruction",
        )
    return render(request, "flows/destruction.html", {"batches": batches})


@login_required
@require_POST
def destroy(request: AuthedRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(DestructionBatch, pk=pk)

    def action() -> Any:
        from baomi.approvals.models import Approval

        escort = request.POST.get("escort", "").strip()
        approval = _by_id(Approval.objects.filter(requester=request.user), request, "approval")
        return services.destroy_batch(
            actor=request.user,
            batch=batch,
            method=request.POST.get("method", ""),
            place=request.POST.get("place", ""),
            on_site=bool(request.POST.get("on_site")),
            escort=one_staff_named(escort, "escort") if escort else None,
            supervisors=staff_named(request.POST.get("supervisors", ""), "supervisors"),
            approval=approval,
        )

    return _back(request, action, _("Destroyed."), "flows:destruction")


@login_required
def certificate(request: AuthedRequest, pk: int) -> HttpResponse:
    from .certificate import destruction_certificate

    batch = get_object_or_404(
        services.whole_batches(request.user).filter(state=DestructionBatch.State.DESTROYED), pk=pk
    )
    response = HttpResponse(destruction_certificate(batch), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="XH-{batch.pk:06d}.pdf"'
    return response


# -- stocktake ---------------------------------------------------------------------------------


@login_required
@require_POST
def open_stocktake(request: AuthedRequest) -> HttpResponse:
    cabinet = _by_id(Cabinet.objects.all(), request, "cabinet")
    try:
        stocktake = services.open_stocktake(actor=request.user, cabinet=cabinet)
    except (ValidationError, policy.RuleViolation) as exc:
        report(request, exc)
        return redirect("flows:workbench")
    return redirect("flows:stocktake", pk=stocktake.pk)


@login_required
def stocktake(request: AuthedRequest, pk: int) -> HttpResponse:
    """清查: scan every label in the cabinet; the lists fill as you go."""
    found = get_object_or_404(Stocktake, pk=pk, opened_by=request.user)
    if request.method == "POST":
        cabinet = _by_id(Cabinet.objects.all(), request, "cabinet")

        def action() -> Any:
            if cabinet is None:
                raise ValidationError({"cabinet": _("Choose the cabinet being checked.")})
            return services.record_seen(
                actor=request.user,
                stocktake=found,
                code=request.POST.get("code", ""),
                cabinet=cabinet,
            )

        return _back(request, action, _("Seen."), f"/flows/stocktakes/{pk}/")
    return render(
        request,
        "flows/stocktake.html",
        {
            "stocktake": found,
            "result": services.stocktake_result(found),
            "seen": found.lines.filter(seen_at__isnull=False).count(),
            "expected": found.lines.filter(expected_in__isnull=False).count(),
            "cabinets": Cabinet.objects.order_by("code"),
        },
    )


@login_required
@require_POST
def close_stocktake(request: AuthedRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Stocktake, pk=pk, opened_by=request.user)
    return _back(
        request,
        lambda: services.close_stocktake(actor=request.user, stocktake=found),
        _("Stocktake closed; what was not found is reported missing."),
        f"/flows/stocktakes/{pk}/",
    )


# -- handover ----------------------------------------------------------------------------------


@login_required
@require_POST
def open_handover(request: AuthedRequest) -> HttpResponse:
    try:
        handover = services.open_handover(
            actor=request.user,
            person=_one(request, "person", _("Name the person leaving and the receiver.")),
            receiver=_one(request, "receiver", _("Name the person leaving and the receiver.")),
        )
    except (ValidationError, policy.RuleViolation) as exc:
        report(request, exc)
        return redirect("flows:workbench")
    return redirect("flows:handover", pk=handover.pk)


def _handover_of(request: AuthedRequest, pk: int) -> Handover:
    me = request.user.pk
    return get_object_or_404(
        Handover.objects.filter(
            models.Q(person_id=me) | models.Q(receiver_id=me) | models.Q(opened_by_id=me)
        ),
        pk=pk,
    )


@login_required
def handover(request: AuthedRequest, pk: int) -> HttpResponse:
    """移交: the list, checked by the receiver label by label, then signed by both."""
    found = _handover_of(request, pk)
    if request.method == "POST":

        def action() -> Any:
            # the label is looked up on the list itself: a copy in a cabinet the receiver takes
            # over may lie outside what he may know of, and he still checks it
            copy = services.listed_copy(found, code=request.POST.get("code", ""))
            if copy is None:
                raise ValidationError({"code": _("This copy is not on the handover list.")})
            return services.check_handover_item(actor=request.user, handover=found, copy=copy)

        return _back(request, action, _("Checked."), f"/flows/handovers/{pk}/")
    # a document's number only where the viewer may know the document; otherwise the label
    items = found.items.select_related("copy__document", "copy__cabinet").annotate(
        known=Case(
            When(visible(request.user, "copy__document"), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )
    may_withdraw = policy.check("custody.manage", actor=request.user).allowed
    return render(
        request,
        "flows/handover.html",
        {"handover": found, "items": items, "may_withdraw": may_withdraw},
    )


@login_required
@require_POST
def sign_handover(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _handover_of(request, pk)
    return _back(
        request,
        lambda: services.sign_handover(actor=request.user, handover=found),
        _("Signed."),
        f"/flows/handovers/{pk}/",
    )


@login_required
@require_POST
def cancel_handover(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _handover_of(request, pk)
    return _back(
        request,
        lambda: services.cancel_handover(
            actor=request.user, handover=found, reason=request.POST.get("reason", "")
        ),
        _("Withdrawn."),
        f"/flows/handovers/{pk}/",
    )


# -- transfer, carry-out, copying --------------------------------------------------------------


def _approval_of(request: AuthedRequest, requester: Any) -> Any:
    from baomi.approvals.models import Approval

    return _by_id(Approval.objects.filter(requester=requester), request, "approval")


def _due(request: AuthedRequest) -> Any:
    from django.utils.dateparse import parse_datetime

    value = parse_datetime(request.POST.get("due_at", ""))
    if value is None:
        raise ValidationError({"due_at": _("Give the date and time it is due back.")})
    return value if value.tzinfo else clock.at(value.date(), value.strftime("%H:%M"))


@login_required
@require_POST
def send(request: AuthedRequest) -> HttpResponse:
    def action() -> Any:
        channel = _by_id(Channel.objects.filter(active=True), request, "channel")
        if channel is None:
            raise ValidationError({"channel": _("Choose the channel.")})
        return services.send_copy(
            actor=request.user,
            copy=_scanned(request),
            channel=channel,
            couriers=staff_named(request.POST.get("couriers", ""), "couriers"),
            recipient=request.POST.get("recipient", ""),
        )

    return _act(request, action, _("Sent; the courier holds it until the recipient signs."))


@login_required
@require_POST
def deliver(request: AuthedRequest, pk: int) -> HttpResponse:
    transfer = get_object_or_404(Transfer, pk=pk)
    return _act(
        request,
        lambda: services.confirm_delivery(
            actor=request.user, transfer=transfer, signed_by=request.POST.get("signed_by", "")
        ),
        _("Delivered."),
    )


@login_required
@require_POST
def carry(request: AuthedRequest) -> HttpResponse:
    def action() -> Any:
        person = _one(request, "person", _("Name who takes it out."))
        return services.carry_out(
            actor=request.user,
            copy=_scanned(request),
            person=person,
            companions=staff_named(request.POST.get("companions", ""), "companions"),
            destination=request.POST.get("destination", ""),
            due_at=_due(request),
            abroad=bool(request.POST.get("abroad")),
            approval=_approval_of(request, person),
        )

    return _act(request, action, _("Taken out."))


@login_required
@require_POST
def bring_back(request: AuthedRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(CarryOut, pk=pk)
    return _act(
        request, lambda: services.bring_back(actor=request.user, record=record), _("Brought back.")
    )


@login_required
@require_POST
def reproduce(request: AuthedRequest) -> HttpResponse:
    def action() -> Any:
        source = _scanned(request)
        cabinet = _by_id(Cabinet.objects.all(), request, "cabinet")
        count = request.POST.get("count", "")
        if cabinet is None or not count.isdigit():
            raise ValidationError({"count": _("Give the number of copies and their cabinet.")})
        return services.reproduce_copies(
            actor=request.user,
            document=source.document,
            count=int(count),
            cabinet=cabinet,
            approval=_approval_of(request, request.user),
            issuer_consent=request.POST.get("issuer_consent", ""),
        )

    return _act(request, action, _("Copies made and registered."))


# -- archive -----------------------------------------------------------------------------------


@login_required
def archive(request: AuthedRequest) -> HttpResponse:
    """归档: the year's completed documents into volumes, by label; what is still held and due."""
    if request.method == "POST":
        year = request.POST.get("year", "")
        return _back(
            request,
            lambda: services.archive_copies(
                actor=request.user,
                year=int(year) if year.isdigit() else 0,
                title=request.POST.get("title", ""),
                department=_by_id(OrgUnit.objects.all(), request, "department"),
                cabinet=_by_id(Cabinet.objects.all(), request, "cabinet"),
                copies=_labels(request),
            ),
            _("Archived."),
            "flows:archive",
        )
    return render(
        request,
        "flows/archive.html",
        {
            "volumes": services.whole_volumes(request.user)
            .select_related("department", "cabinet")
            .annotate(copy_count=Count("copies"))[:SHOWN],
            "due": _top(services.due_for_archiving(request.user)),
            "year": clock.today().year - 1,
            "departments": OrgUnit.objects.order_by("path"),
            "cabinets": Cabinet.objects.order_by("code"),
        },
    )


# -- losses ------------------------------------------------------------------------------------


@login_required
def losses(request: AuthedRequest) -> HttpResponse:
    """丢失: open loss reports with their clocks, for the security office to resolve."""
    if not policy.check("security.manage", actor=request.user).allowed:
        raise Http404
    reports = (
        LossReport.objects.filter(visible(request.user, "copy__document"))
        .select_related("copy__document", "reported_by")
        .order_by("state", "report_due_at")[:100]
    )
    return render(request, "flows/losses.html", {"reports": reports})


@login_required
@require_POST
def resolve_loss(request: AuthedRequest, pk: int) -> HttpResponse:
    report_ = get_object_or_404(
        LossReport.objects.filter(visible(request.user, "copy__document")), pk=pk
    )
    text = request.POST.get("note", "")
    if request.POST.get("outcome") == "found":
        return _back(
            request,
            lambda: services.mark_found(actor=request.user, report=report_, note=text),
            _("Found: back with its holder."),
            "flows:losses",
        )
    return _back(
        request,
        lambda: services.write_off(actor=request.user, report=report_, resolution=text),
        _("Written off."),
        "flows:losses",
    )
