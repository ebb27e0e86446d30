"""丢失: reported, found or written off."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from baomi import audit, policy
from baomi.core import clock
from baomi.core.levels import Level
from baomi.core.notices import notify
from baomi.ledger import custody
from baomi.ledger.models import Copy

from ..models import (
    LossReport,
)
from .common import S, _locked_copy

if TYPE_CHECKING:
    from baomi.people.models import Person


@transaction.atomic(durable=True)
def report_lost(*, actor: Person, copy: Copy, circumstances: str) -> LossReport:
    """Anyone who may know the document reports a copy missing. The copy becomes "reported
    lost" (its last holder stays on record), the security officers are told at once, and the
    clocks start: the report to the authorities within the hours of DOC.LOSS, a leak deemed
    after the days of DOC.LOSS.DEEMED_LEAK."""
    return _report_lost(actor, _locked_copy(actor, copy), circumstances)


def _report_lost(actor: Person, copy: Copy, circumstances: str) -> LossReport:
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
def mark_found(*, actor: Person, report: LossReport, note: str = "") -> LossReport:
    """The missing copy is found: it goes back to where it was accountably held."""
    report = LossReport.objects.select_for_update().get(pk=report.pk)
    copy = _locked_copy(actor, report.copy)
    policy.require("security.manage", actor=actor)
    if report.state not in LossReport.STILL_MISSING:
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
def write_off(*, actor: Person, report: LossReport, resolution: str) -> LossReport:
    """A copy not found is written off, with the security office's finding on record."""
    report = LossReport.objects.select_for_update().get(pk=report.pk)
    copy = _locked_copy(actor, report.copy)
    policy.require("security.manage", actor=actor)
    if report.state not in LossReport.STILL_MISSING:
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


def deem_leak(report: LossReport) -> bool:
    """The hand-over point of DOC.LOSS.DEEMED_LEAK, for any app that follows leaks: a loss
    still missing on its `deemed_leak_on` day becomes a deemed leak. The state changes, the
    leak's own report clock starts (`leak_report_due_at`, the hours of the rule), the security
    officers and the leaders of the holding department are told, and `loss.deemed_leak` is
    audited, all in the caller's transaction. Returns False, changing nothing, for a loss that
    is closed, already deemed a leak, or not yet due."""
    report = LossReport.objects.select_for_update().get(pk=report.pk)
    if report.state != LossReport.State.OPEN or report.deemed_leak_on > clock.today():
        return False
    from baomi.people.models import Person, Post

    now = clock.now()
    hours = policy.params("DOC.LOSS.DEEMED_LEAK")["report_hours"]
    report.state = LossReport.State.DEEMED_LEAK
    report.leak_deemed_at, report.leak_report_due_at = now, now + dt.timedelta(hours=hours)
    report.save(update_fields=["state", "leak_deemed_at", "leak_report_due_at"])
    copy = report.copy
    # the department that held the copy: its holder's, else its cabinet's, else the registrar's
    department_id = (
        (copy.holder and copy.holder.department_id)
        or (copy.cabinet and copy.cabinet.department_id)
        or copy.document.department_id
    )
    officers = Person.objects.holding(Post.SECURITY_OFFICER).filter(is_active=True)
    leaders = Person.objects.holding(Post.LEADER, department_id).filter(is_active=True)
    notify(
        [*officers, *leaders],
        "loss.deemed_leak",
        report,
        due=report.leak_report_due_at.isoformat(),
    )
    audit.record(
        None,
        "loss.deemed_leak",
        report,
        copy=copy.pk,
        report_due_at=report.leak_report_due_at.isoformat(),
    )
    return True


@transaction.atomic(durable=True)
def deem_leaks_due() -> int:
    """`tick`: every loss whose period of DOC.LOSS.DEEMED_LEAK has run out is deemed a leak."""
    due = LossReport.objects.filter(
        state=LossReport.State.OPEN, deemed_leak_on__lte=clock.today()
    ).select_related("copy__holder", "copy__cabinet", "copy__document")
    return sum(deem_leak(report) for report in due)
