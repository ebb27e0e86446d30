"""机要电报, the duty roster (正副班) and shift handovers (交接班)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from baomi.core.levels import Level, Urgency
from baomi.core.visibility import Rows, Through, VisibleQuerySet


class Telegram(models.Model):
    """A telegram received or sent by the confidential room. A received one is also a document
    of the ledger (its copy is tracked like any other) and runs on two clocks: the
    acknowledgement to the sender (回单) and its handling (办结)."""

    class Direction(models.TextChoices):
        INCOMING = "incoming", _("received")
        OUTGOING = "outgoing", _("sent")

    class Traffic(models.TextChoices):
        CIPHER = "cipher", _("cipher")
        PLAIN = "plain", _("plain")

    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    number = models.CharField(_("telegram number"), max_length=40)
    traffic = models.CharField(_("traffic"), max_length=8, choices=Traffic.choices)
    urgency = models.PositiveSmallIntegerField(_("urgency"), choices=Urgency.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    important = models.BooleanField(_("important content"), default=False)
    correspondent = models.CharField(_("sender or recipient"), max_length=100)
    document = models.OneToOneField(
        "ledger.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="telegram"
    )
    in_reply_to = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(_("received or sent at"))
    ack_due_at = models.DateTimeField(_("acknowledge by"), null=True, blank=True)
    acked_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_at = models.DateTimeField(_("complete by"), null=True, blank=True)
    done_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=300, blank=True)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    escalated_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    head_seen_at = models.DateTimeField(_("seen by the head at"), null=True, blank=True)
    #: the reminders already sent, one per clock ("ack", "ack_late", "due", "due_late")
    warned = models.JSONField(default=list, blank=True)

    visibility = Through("document", "in_reply_to__document")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("telegram")
        verbose_name_plural = _("telegrams")
        ordering = ["-registered_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["direction", "number"], name="telegram_number_once")
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=models.Q(done_at__isnull=True),
                name="telegram_open_idx",
            )
        ]

    def __str__(self) -> str:
        return self.number


class DutyShift(models.Model):
    """One person on one shift of one duty day (正班 or 副班); the duty day runs from the
    changeover time to the same time the next day."""

    class Role(models.TextChoices):
        PRIMARY = "primary", _("primary shift")
        SECONDARY = "secondary", _("secondary shift")

    day = models.DateField(_("duty day"))
    role = models.CharField(_("shift"), max_length=10, choices=Role.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty roster")
        ordering = ["day", "role"]
        constraints = [models.UniqueConstraint(fields=["day", "role"], name="duty_shift_once")]

    def __str__(self) -> str:
        return f"{self.day} {self.role}"


def _duty_officers(person: Any) -> models.Q:
    """A shift handover lists open telegrams by number: it is for the two officers who sign it."""
    return models.Q(handed_by_id=person.pk) | models.Q(taken_by_id=person.pk)


class DutyHandover(models.Model):
    """交接班: the outgoing officer lists what is unfinished, both sign."""

    day = models.DateField(_("duty day handed over"))
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"))
    items = models.JSONField(_("unfinished items"), default=list)
    handed_signed_at = models.DateTimeField(_("signed by the outgoing officer at"), null=True)
    taken_signed_at = models.DateTimeField(_("signed by the incoming officer at"), null=True)

    visibility = Rows(_duty_officers)
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("shift handover")
        verbose_name_plural = _("shift handovers")
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return f"{self.day}: {self.handed_by_id} → {self.taken_by_id}"
