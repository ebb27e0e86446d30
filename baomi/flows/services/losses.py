"""丢失: reported, found or written off."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from baomi import policy
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
def write_off(*, actor: Person, report: LossReport, resolution: str) -> LossReport:
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
