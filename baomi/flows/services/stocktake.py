"""清查 and 清退: stocktakes by label, and what is out past its date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from baomi import audit, policy
from baomi.core import clock
from baomi.core.notices import notify
from baomi.ledger.models import Copy, Document
from baomi.ledger.services.access import must_see

from ..models import (
    CarryOut,
    Stocktake,
    StocktakeLine,
)
from ..schedule import StocktakeDue, stocktake_due_on
from .circulation import chase_list
from .common import S, _locked_copies
from .loans import overdue_loans
from .losses import _report_lost

if TYPE_CHECKING:
    from baomi.people.models import Person

STORED = (S.IN_CABINET, S.IN_DESTRUCTION, S.ARCHIVED)


@transaction.atomic(durable=True)
def open_stocktake(*, actor: Person, cabinet: Any = None, department: Any = None) -> Stocktake:
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
def record_seen(*, actor: Person, stocktake: Stocktake, code: str, cabinet: Any) -> StocktakeLine:
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
def close_stocktake(*, actor: Person, stocktake: Stocktake) -> StocktakeResult:
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

    return {
        "loans": overdue_loans(person),
        "carry_outs": CarryOut.objects.visible_to(person)
        .filter(back_at__isnull=True, due_at__lt=now)
        .select_related("person", "copy__document"),
        "readers": chase_list(person),
    }


def stocktake_due(*, today: dt.date | None = None) -> StocktakeDue:
    """Whether a stocktake is due (DOC.STOCKTAKE): every few months, and before each of the four
    holidays; the answer names why."""
    today = today or clock.today()
    last = (
        Stocktake.objects.filter(closed_at__isnull=False)
        .order_by("-closed_at")
        .values_list("closed_at", flat=True)
        .first()
    )
    return stocktake_due_on(today, clock.local(last).date() if last else None)


@transaction.atomic(durable=True)
def remind_stocktake(*, today: dt.date | None = None) -> int:
    """Tell the clerks, once a day, when a stocktake is due; returns how many were told."""
    from baomi.core.models import Notification, OrgUnit
    from baomi.people.models import Person, Post

    today = today or clock.today()
    due = stocktake_due(today=today)
    if (
        not due.due
        or Notification.objects.filter(kind="stocktake.due", data__day=str(today)).exists()
    ):
        return 0
    clerks = Person.objects.holding(Post.CLERK).filter(is_active=True)
    organization = OrgUnit.objects.filter(parent=None).order_by("pk").first()
    if organization is None:
        return 0
    return notify(
        clerks, "stocktake.due", organization, day=str(today), rules=["DOC.STOCKTAKE"], **due.values
    )
