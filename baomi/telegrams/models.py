"""机要电报, the duty roster (正副班) and shift handovers (交接班)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from baomi.core.levels import Level, Urgency
from baomi.core.visibility import Rows, Through, VisibleQuerySet


class TelegramVisibility:
    """A received telegram is known through its ledger document, a reply through the telegram
    it answers; one sent on its own (发电, no document) by the custody posts and the leaders of
    the department that sent it, as the room's own register."""

    known = Through("document", "in_reply_to__document")

    def condition(self, model: type[models.Model], person: Any) -> models.Q:
        from baomi import policy
        from baomi.people.models import Post

        found = self.known.condition(model, person)
        posts = {*policy.params("ACC.ROLE")["posts"]["custody.manage"], Post.LEADER}
        if person.department_id is None or not posts & set(person.post_codes):
            return found
        return found | models.Q(
            document__isnull=True,
            in_reply_to__isnull=True,
            registered_by__department_id=person.department_id,
        )


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

    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("ordinary")
        ALERT = "alert", _("alert notice")  # 预警通知: the head of the room takes charge

    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    number = models.CharField(_("telegram number"), max_length=40)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ORDINARY)
    #: what a telegram sent on its own is about (a received one's is its document's title)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
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
    in_charge_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    in_charge_at = models.DateTimeField(_("head in charge since"), null=True, blank=True)
    #: the reminders already sent, one per clock ("ack", "ack_late", "due", "due_late")
    warned = models.JSONField(default=list, blank=True)

    visibility = TelegramVisibility()
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


class DutyGap(models.Model):
    """A shift within the roster's horizon found with nobody assigned, and when the heads of
    the room were told of it (once per shift)."""

    day = models.DateField(_("duty day"))
    role = models.CharField(_("shift"), max_length=10, choices=DutyShift.Role.choices)
    found_at = models.DateTimeField(_("found at"))

    class Meta:
        verbose_name = _("unstaffed shift")
        verbose_name_plural = _("unstaffed shifts")
        ordering = ["day", "role"]
        constraints = [models.UniqueConstraint(fields=["day", "role"], name="duty_gap_once")]

    def __str__(self) -> str:
        return f"{self.day} {self.role}"


class DutyTakeover(models.Model):
    """接班无交接: a shift took over the desk without a handover, on record with the reason."""

    day = models.DateField(_("duty day taken over"))
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("taken over by"),
    )
    reason = models.CharField(_("reason"), max_length=300)
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("takeover without handover")
        verbose_name_plural = _("takeovers without handover")
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.day}: {self.taken_by_id}"


def _absence_readers(person: Any) -> models.Q:
    """A person knows of their own absences from post; the duty record's readers (the room's
    custody posts and heads) know of all of them."""
    from .services import may_read_duty_record

    own = models.Q(person_id=person.pk)
    return own | models.Q(pk__isnull=False) if may_read_duty_record(person) else own


class DutyAbsence(models.Model):
    """缺岗: a telegram acknowledged after its deadline counts the post as unmanned, against each
    person on duty when the acknowledgement fell due (TEL.RECEIPT)."""

    telegram = models.ForeignKey(Telegram, on_delete=models.PROTECT, related_name="absences")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person on duty"),
    )
    day = models.DateField(_("duty day"))
    ack_due_at = models.DateTimeField(_("acknowledge by"))
    acked_at = models.DateTimeField(_("acknowledged at"))

    visibility = Rows(_absence_readers)
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("absence from post")
        verbose_name_plural = _("absences from post")
        ordering = ["-ack_due_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["telegram", "person"], name="duty_absence_once")
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.person_id}"
