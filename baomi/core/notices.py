"""Telling people things inside the application. Called by services, inside their transaction,
so a notice exists exactly when the change it reports does."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import clock
from .models import Notification


def notify(people: Iterable[Any], kind: str, obj: models.Model, **data: Any) -> int:
    """One notice per distinct person about `obj`; returns how many were written."""
    now = clock.now()
    ref = {"object_type": obj._meta.label_lower, "object_id": str(obj.pk)}
    distinct = {p.pk: p for p in people if p is not None}
    Notification.objects.bulk_create(
        Notification(person_id=pk, kind=kind, data=data, created_at=now, **ref) for pk in distinct
    )
    return len(distinct)


# -- how a notice reads ---------------------------------------------------------------------

#: each kind of notice, as a person reads it; a module adds its own with `register_label`
_LABELS: dict[str, Promise | str] = {
    "approval.reminded": _("You were reminded of a request awaiting your approval"),
    "circulation.overdue": _("A circulated copy is past its reading time"),
    "copy.reported_lost": _("A copy was reported missing"),
    "custody.exception": _("A copy was not in its cabinet at the end-of-day check"),
    "custody.still_out": _("Copies were still out of their cabinets the next morning"),
    "document.declassified": _("A document you hold has been declassified"),
    "document.extended": _("The period of a document you hold was extended"),
    "document.upgraded": _("The level of a document you hold was raised"),
    "document.downgraded": _("The level of a document you hold was lowered"),
    "document.routed": _("A document was routed to you for instructions"),
    "duty.absent_from_post": _("Someone on duty was away from the post"),
    "duty.taken_over_without_handover": _("A duty shift was taken over without a handover"),
    "duty.unstaffed": _("A duty shift has no one on it"),
    "instructions.carried_out": _("How your instructions were carried out is on record"),
    "instructions.overdue": _("Instructions on a routed document are overdue"),
    "loss.deemed_leak": _("A missing copy is deemed a leak: it must be reported"),
    "loss.report_due": _("A loss must soon be reported to the competent authority"),
    "loss.report_overdue": _("The report of a loss to the competent authority is overdue"),
    "stocktake.due": _("A stocktake is due"),
    "telegram.reported": _("A telegram was reported to you"),
    "telegram.ack": _("A telegram's acknowledgement is almost due"),
    "telegram.ack_late": _("A telegram's acknowledgement is overdue"),
    "telegram.due": _("A telegram is almost due"),
    "telegram.due_late": _("A telegram is overdue"),
}


def register_label(kind: str, label: Promise | str) -> None:
    """Say how a kind of notice reads (a translatable text), for the module that sends it."""
    _LABELS[kind] = label


def label(kind: str) -> str:
    """The notice's kind as a person reads it, in the active language; never its code."""
    found = _LABELS.get(kind)
    return str(found) if found is not None else str(_("A notice"))
