"""人离文入柜 (DOC.CUSTODY.NIGHT): the end-of-day custody check, its sheet for each department
and day, the clerk's sign-off, the next morning's escalation, and the days it did not run."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext as _

from baomi import audit, policy
from baomi.core import clock
from baomi.core.levels import Level
from baomi.core.notices import notify
from baomi.core.visibility import visible_or_raise
from baomi.ledger.models import Cabinet, Copy

from ..models import ClosingCheck, ClosingException, ClosingSheet, Loan
from ..rules import closing
from .common import S

if TYPE_CHECKING:
    from baomi.people.models import Person

#: how far back the days on which the check did not run are listed
UNCHECKED_DAYS_SHOWN = 31


def outside_cabinets() -> Any:
    """Classified copies in someone's hands now (人离文入柜 lists them at closing time). A copy
    lent for approved reading at home, not yet due, is no exception; 绝密 always is."""
    from ..rules import same_day_levels

    at_home = Loan.objects.filter(
        copy=OuterRef("pk"), returned_at__isnull=True, place=Loan.Place.HOME, due_at__gt=clock.now()
    )
    return (
        Copy.objects.filter(state__in=[S.CIRCULATING, S.ON_LOAN, S.IN_TRANSIT])
        # The level is compared as an expression of both tables: on the indexed column SQLite
        # would start from every classified document, and on the document alone it would build
        # a Bloom filter over the whole register first; this way it walks the copies in hand.
        .alias(document_level=F("document__level") + F("pk") * 0)
        .filter(document_level__gte=Level.CONFIDENTIAL)
        .exclude(Exists(at_home) & ~Q(document__level__in=same_day_levels()))
        .select_related("document", "holder")
    )


@transaction.atomic(durable=True)
def check_custody_at_closing() -> int:
    """The end-of-day custody check (DOC.CUSTODY.NIGHT, DOC.READ.SAME_DAY): after closing time,
    every classified copy outside a cabinet is an exception; its holder and the registering
    clerk are told. The result is kept as one sheet per department (each department with a
    cabinet for classified items, and each whose documents have copies out), listing the
    copies of the documents it registered, for its clerk to sign off. Runs once a day: a second
    run the same day finds the check done. Returns how many copies were out."""
    today = clock.today()
    if clock.now() < closing(today) or ClosingCheck.objects.filter(day=today).exists():
        return 0
    exceptions = list(outside_cabinets())
    check = ClosingCheck.objects.create(day=today, ran_at=clock.now(), exceptions=len(exceptions))
    by_department: dict[int, list[Copy]] = defaultdict(list)
    for copy in exceptions:
        by_department[copy.document.department_id].append(copy)
    keeping = Cabinet.objects.filter(for_classified=True).values_list("department_id", flat=True)
    sheets = []
    for department_id in sorted(set(keeping) | set(by_department)):
        copies = by_department[department_id]
        sheet = ClosingSheet.objects.create(
            closing=check, department_id=department_id, exceptions=len(copies)
        )
        ClosingException.objects.bulk_create(
            ClosingException(sheet=sheet, copy=c, holder=c.holder, state=c.state) for c in copies
        )
        sheets.append(sheet.pk)
    for copy in exceptions:
        notify(
            [copy.holder, copy.document.registered_by],
            "custody.exception",
            copy,
            day=str(today),
            state=copy.state,
        )
    audit.record(
        None, "custody.checked", check, exceptions=[c.pk for c in exceptions], sheets=sheets
    )
    return len(exceptions)


def morning(day: dt.date) -> dt.datetime:
    """When, on `day`, the copies out at the last closing check are looked at again."""
    return clock.at(day, policy.applying("DOC.CUSTODY.NIGHT")["morning_time"])


@transaction.atomic(durable=True)
def escalate_still_out() -> int:
    """`tick`, from the morning time of DOC.CUSTODY.NIGHT: every copy an earlier closing check
    found outside a cabinet is looked at again once; one still outside a cabinet is escalated
    to the security officers, and the look is audited per sheet. Returns how many copies were
    escalated."""
    now = clock.now()
    if now < morning(clock.today()):
        return 0
    lines = list(
        ClosingException.objects.select_for_update(of=("self",))
        .filter(morning_checked_at__isnull=True, sheet__closing__day__lt=clock.today())
        .select_related("sheet")
    )
    if not lines:
        return 0
    still_out = set(
        outside_cabinets()
        .filter(pk__in=[line.copy_id for line in lines])
        .values_list("pk", flat=True)
    )
    by_sheet: dict[int, list[ClosingException]] = defaultdict(list)
    for line in lines:
        line.morning_checked_at = now
        if line.copy_id in still_out:
            line.escalated_at = now
        by_sheet[line.sheet_id].append(line)
    ClosingException.objects.bulk_update(lines, ["morning_checked_at", "escalated_at"])
    from baomi.people.models import Person, Post

    officers = list(Person.objects.holding(Post.SECURITY_OFFICER))
    for sheet_lines in by_sheet.values():
        sheet = sheet_lines[0].sheet
        out = [line.copy_id for line in sheet_lines if line.escalated_at is not None]
        if out:
            notify(officers, "custody.still_out", sheet, copies=out, day=str(sheet.closing.day))
        audit.record(None, "custody.morning_checked", sheet, still_out=out)
    return len(still_out)


@transaction.atomic(durable=True)
def sign_closing_sheet(*, actor: Person, sheet: ClosingSheet, note: str = "") -> ClosingSheet:
    """A clerk of the department signs off its end-of-day check sheet, once, with an optional
    remark (what was done about the copies out)."""
    sheet = visible_or_raise(ClosingSheet.objects.select_for_update(), actor, pk=sheet.pk)
    policy.require("custody.manage", actor=actor)
    if sheet.department_id != actor.department_id:
        raise ValidationError(
            _("Only a clerk of %(department)s signs off its end-of-day check sheet.")
            % {"department": sheet.department}
        )
    if sheet.signed_at is not None:
        raise ValidationError(_("This end-of-day check sheet is already signed off."))
    sheet.signed_by, sheet.signed_at, sheet.note = actor, clock.now(), note.strip()
    sheet.save(update_fields=["signed_by", "signed_at", "note"])
    audit.record(actor, "custody.sheet_signed", sheet, day=str(sheet.closing.day), note=sheet.note)
    return sheet


def unchecked_days(*, until: dt.date | None = None) -> list[dt.date]:
    """The days, newest first, on which the closing check did not run (no `tick` after closing
    time): from the first check ever run, over the last UNCHECKED_DAYS_SHOWN days up to
    `until` (today once past closing time, else yesterday)."""
    if until is None:
        today = clock.today()
        until = today if clock.now() >= closing(today) else today - dt.timedelta(days=1)
    first = ClosingCheck.objects.order_by("day").values_list("day", flat=True).first()
    if first is None:
        return []
    start = max(first, until - dt.timedelta(days=UNCHECKED_DAYS_SHOWN - 1))
    ran = set(
        ClosingCheck.objects.filter(day__gte=start, day__lte=until).values_list("day", flat=True)
    )
    span = (until - start).days + 1
    days = (until - dt.timedelta(days=n) for n in range(span))
    return [day for day in days if day not in ran]
