"""The end-of-day custody check (人离文入柜, DOC.CUSTODY.NIGHT): the record that it ran on a day,
the sheet it keeps for each department, and the copies it found outside a cabinet."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from baomi.core.visibility import Rows, Through, VisibleQuerySet
from baomi.ledger.models import Copy


class ClosingCheck(models.Model):
    """One end-of-day custody check (人离文入柜): the day it ran for and what it found."""

    day = models.DateField(_("day"), unique=True)
    ran_at = models.DateTimeField(_("ran at"))
    exceptions = models.PositiveIntegerField(_("copies outside a cabinet"))

    class Meta:
        verbose_name = _("end-of-day custody check")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day}: {self.exceptions}"


def _closing_keepers(person: Any) -> Q:
    """A department's end-of-day sheet is known to the people holding a custody post in it, who
    sign it off, and to the security officers, to whom copies still out next morning go; the
    posts are those of ACC.ROLE."""
    from baomi.policy import params

    posts = params("ACC.ROLE")["posts"]
    if set(posts["security.manage"]) & person.post_codes:
        return ~Q(pk__in=[])
    if set(posts["custody.manage"]) & person.post_codes and person.department_id is not None:
        return Q(department_id=person.department_id)
    return Q(pk__in=[])


class ClosingSheet(models.Model):
    """The end-of-day check sheet of one department for one day (DOC.CUSTODY.NIGHT): the copies
    of the documents it registered that the closing check found outside a cabinet, signed off
    by one of its clerks."""

    closing = models.ForeignKey(ClosingCheck, on_delete=models.PROTECT, related_name="sheets")
    department = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    exceptions = models.PositiveIntegerField(_("copies outside a cabinet"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("sign-off time"), null=True, blank=True)
    note = models.TextField(_("remark"), blank=True)

    visibility = Rows(_closing_keepers)
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("end-of-day check sheet")
        ordering = ["-closing__day", "department_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["closing", "department"], name="closing_sheet_one_per_department"
            ),
            models.CheckConstraint(
                name="closing_sheet_signed_whole",
                condition=Q(signed_by__isnull=True, signed_at__isnull=True)
                | Q(signed_by__isnull=False, signed_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.closing_id}/{self.department_id}: {self.exceptions}"


class ClosingException(models.Model):
    """One copy the closing check found outside a cabinet: with whom and in which state; looked
    at again the next morning, and escalated to the security office if still out."""

    sheet = models.ForeignKey(ClosingSheet, on_delete=models.PROTECT, related_name="lines")
    copy = models.ForeignKey(Copy, on_delete=models.PROTECT, related_name="+")
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("state"), max_length=16, choices=Copy.State.choices)
    morning_checked_at = models.DateTimeField(_("looked at next morning"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    visibility = Through("copy__document")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("copy outside a cabinet at closing")
        ordering = ["sheet_id", "copy_id"]
        indexes = [
            models.Index(
                fields=["sheet"],
                condition=Q(morning_checked_at__isnull=True),
                name="closing_line_unchecked_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.sheet_id}: {self.copy_id}"
