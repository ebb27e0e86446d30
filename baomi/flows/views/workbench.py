"""The clerk's workbench: one scan field and the scanned copy's actions (views/desk.py), today's
hand-outs and returns, what is overdue, what is outside a cabinet. Each form calls one service."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.urls import reverse

from baomi import policy
from baomi.core.visibility import visible_or_404
from baomi.ledger.models import Cabinet, Copy
from baomi.people.models import Person
from baomi.people.views import AuthedRequest

from .. import services
from ..lists import FLOW_LISTS
from ..models import (
    CarryOut,
    Circulation,
    CirculationStep,
    Loan,
    Transfer,
)

SHOWN = 10  # rows of each list on the workbench: the most urgent first, the rest one click away


@dataclass(frozen=True, slots=True)
class Shown:
    """The first rows of a list, and whether there are more."""

    rows: list[Any]
    more: bool


def _top(rows: Any) -> Shown:
    found = list(rows[: SHOWN + 1])
    return Shown(found[:SHOWN], len(found) > SHOWN)


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
        "held": Q(holder=person),
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
        "circulations": Circulation.objects.visible_to(person)
        .filter(state=Circulation.State.OPEN)
        .select_related("copy__document")
        .prefetch_related("steps__reader")
        .order_by("-started_at", "-id"),
        # 催阅 and 清退: what is past its time; readers by their circulation's whole deadline
        "readers": recall["readers"].order_by("circulation__deadline", "due_at", "pk"),
        "overdue_loans": recall["loans"].order_by("due_at", "pk"),
        "overdue_carry_outs": recall["carry_outs"].order_by("due_at", "pk"),
        "in_transit": Transfer.objects.visible_to(person)
        .filter(received_at__isnull=True)
        .select_related("copy__document", "channel")
        .order_by("sent_at", "pk"),
        "carried_out": CarryOut.objects.visible_to(person)
        .filter(back_at__isnull=True)
        .select_related("copy__document", "person")
        .order_by("due_at", "pk"),
        "loans": Loan.objects.visible_to(person)
        .filter(returned_at__isnull=True)
        .select_related("borrower", "copy__document")
        .order_by("due_at", "pk"),
        "outside": services.outside_cabinets().visible_to(person).order_by("pk"),
        "archive_due": services.due_for_archiving(person),
        # every copy in someone's hands, whatever its level or leave to keep it at home
        "held": Copy.objects.visible_to(person)
        .filter(holder__isnull=False)
        .select_related("document__department", "holder")
        .order_by("holder_id", "document__title", "copy_no"),
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


def workbench_context(person: Person) -> dict[str, Any]:
    """The workbench's lists, each cut to its first rows, and what its forms offer."""
    lists = workbench_lists(person)
    context: dict[str, Any] = {kind: _top(lists[kind]) for kind in ON_WORKBENCH}
    return context | {
        "shown": SHOWN,
        "keeps_custody": _keeps_custody(person),
        "cabinets": Cabinet.objects.order_by("code"),
        # the pickers of people who need not hold a copy (a handover's two sides)
        "all_people_url": reverse("people:autocomplete"),
    }


@login_required
def workbench(request: AuthedRequest) -> HttpResponse:
    """The workbench; `?copy=` opens that copy's action panel (where a panel action without
    scripts comes back to)."""
    from .desk import show_desk

    wanted = request.GET.get("copy", "")
    if wanted.isdigit():
        return show_desk(request, visible_or_404(Copy, request.user, pk=int(wanted)))
    return show_desk(request)


@login_required
def full_list(request: AuthedRequest, kind: str) -> HttpResponse:
    """One list of the workbench in full: sorted, filtered, paged and exported as a list page."""
    if kind not in FLOW_LISTS:
        raise Http404
    return FLOW_LISTS[kind].response(request)
