"""丢失: reported, reported on to the competent authority, found or written off."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
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


def may_go_missing(copy: Copy) -> bool:
    """Whether a copy can be reported missing: not once it is gone for good or already
    reported."""
    return copy.state not in custody.TERMINAL and copy.state != S.REPORTED_LOST


def _report_lost(actor: Person, copy: Copy, circumstances: str) -> LossReport:
    from baomi.people.models import Person, Post

    if not circumstances.strip():
        raise ValidationError({"circumstances": _("Say when and where it was last seen.")})
    if not may_go_missing(copy):
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
    """The missing copy is found: it goes back to where it was accountably held. A deemed leak
    is closed only once its report to the competent authority is recorded (DOC.LOSS)."""
    report = LossReport.objects.select_for_update().get(pk=report.pk)
    copy = _locked_copy(actor, report.copy)
    policy.require("security.manage", actor=actor)
    if report.state not in LossReport.STILL_MISSING:
        raise ValidationError(_("This report is closed."))
    policy.require("loss.close", report=report)
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
    """A copy not found is written off, with the security office's finding on record. A deemed
    leak is closed only once its report to the competent authority is recorded (DOC.LOSS)."""
    report = LossReport.objects.select_for_update().get(pk=report.pk)
    copy = _locked_copy(actor, report.copy)
    policy.require("security.manage", actor=actor)
    if report.state not in LossReport.STILL_MISSING:
        raise ValidationError(_("This report is closed."))
    if not resolution.strip():
        raise ValidationError({"resolution": _("Record the finding.")})
    policy.require("loss.close", report=report)
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
    # the leak's clock is a new one: `tick` warns of it afresh
    report.report_warned_at = report.report_overdue_warned_at = None
    report.save(
        update_fields=[
            "state",
            "leak_deemed_at",
            "leak_report_due_at",
            "report_warned_at",
            "report_overdue_warned_at",
        ]
    )
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


# the lengths of LossReport.authority and .authority_reference
AUTHORITY_MAX, REFERENCE_MAX = 100, 60


@transaction.atomic(durable=True)
def record_authority_report(
    *,
    actor: Person,
    report: LossReport,
    authority: str,
    reference: str,
    reported_at: dt.datetime | None = None,
) -> LossReport:
    """The security office records the report of a loss to the competent authority (DOC.LOSS):
    the actor made it, at `reported_at` (now when not given; never in the future nor before the
    loss was reported), to `authority`, under the reference number `reference`. It is recorded
    once, while the copy is still missing; it stops the report clock and lets a deemed leak be
    closed."""
    report = LossReport.objects.select_for_update().get(pk=report.pk)
    _locked_copy(actor, report.copy)
    policy.require("security.manage", actor=actor)
    if report.state not in LossReport.STILL_MISSING:
        raise ValidationError(_("This report is closed."))
    if report.authority_reported_at is not None:
        raise ValidationError(_("The report to the competent authority is already recorded."))
    now = clock.now()
    reported_at = reported_at or now
    authority, reference = authority.strip(), reference.strip()
    errors = {}
    if not authority:
        errors["authority"] = _("Name the competent authority the loss was reported to.")
    elif len(authority) > AUTHORITY_MAX:
        errors["authority"] = _("Keep the authority under %(max)s characters.") % {
            "max": AUTHORITY_MAX
        }
    if not reference:
        errors["reference"] = _("Give the reference number of the report.")
    elif len(reference) > REFERENCE_MAX:
        errors["reference"] = _("Keep the reference number under %(max)s characters.") % {
            "max": REFERENCE_MAX
        }
    if reported_at > now:
        errors["reported_at"] = _("The report cannot have been made in the future.")
    elif reported_at < report.reported_at:
        errors["reported_at"] = _("The report cannot have been made before the loss was known.")
    if errors:
        raise ValidationError(errors)
    report.authority_reported_by, report.authority_reported_at = actor, reported_at
    report.authority, report.authority_reference = authority, reference
    report.save(
        update_fields=[
            "authority_reported_by",
            "authority_reported_at",
            "authority",
            "authority_reference",
        ]
    )
    audit.record(
        actor,
        "loss.authority_reported",
        report,
        copy=report.copy_id,
        authority=authority,
        reference=reference,
        reported_at=reported_at.isoformat(timespec="minutes"),
    )
    return report


def _security_officers() -> list[Any]:
    from baomi.people.models import Person, Post

    return list(Person.objects.holding(Post.SECURITY_OFFICER).filter(is_active=True))


@transaction.atomic(durable=True)
def warn_unreported_losses() -> int:
    """`tick`: while a loss's report to the competent authority is not recorded, the security
    officers are warned once when its clock (DOC.LOSS) comes within the rule's warning hours,
    and once when it has run out; a deemed leak's clock is warned of afresh. Idempotent;
    returns how many warnings were given."""
    p = policy.applying("DOC.LOSS")
    now = clock.now()
    soon = now + dt.timedelta(hours=p["warn_hours"])
    pending = LossReport.objects.select_for_update().filter(
        Q(report_overdue_warned_at__isnull=True),
        Q(leak_report_due_at__lte=soon)
        | Q(leak_report_due_at__isnull=True, report_due_at__lte=soon),
        state__in=LossReport.STILL_MISSING,
        authority_reported_at__isnull=True,
    )
    officers: list[Any] | None = None
    warned = 0
    for report in pending:
        due = report.authority_report_due_at
        if due <= now:
            kind, field = "loss.report_overdue", "report_overdue_warned_at"
        elif report.report_warned_at is None:
            kind, field = "loss.report_due", "report_warned_at"
        else:
            continue
        officers = _security_officers() if officers is None else officers
        setattr(report, field, now)
        report.save(update_fields=[field])
        notify(officers, kind, report, due=due.isoformat(), copy=report.copy_id)
        audit.record(None, "loss.report_warned", report, kind=kind, due=due.isoformat())
        warned += 1
    return warned
