"""The daily movements of copies: circulation among readers, loans, and losses.

Each record here says why a copy moved; where the copy is lives on the copy itself (the ledger's
state machine), and every move is a custody event in the audit log.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from baomi.core.inputs import YEAR_MAX, YEAR_MIN, bounded
from baomi.core.levels import Level
from baomi.core.visibility import Rows, Through, Via, VisibleQuerySet, WhollyKnown
from baomi.ledger.models import Cabinet, Copy


def _handover_participants(person: Any) -> Q:
    """A handover list is known to the person handing over, the receiver and the clerk who
    opened it: they sign it, and it lists only what the person held."""
    return Q(person_id=person.pk) | Q(receiver_id=person.pk) | Q(opened_by_id=person.pk)


def _stocktake_takers(person: Any) -> Q:
    """A stocktake is known to the clerk who opened it."""
    return Q(opened_by_id=person.pk)


class Circulation(models.Model):
    """传阅: one copy read by a list of readers in turn, each through the clerk (single line)."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")

    copy = models.ForeignKey(Copy, on_delete=models.PROTECT, related_name="circulations")
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # where the copy goes back to when the last reader has returned it
    cabinet = models.ForeignKey(Cabinet, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("started at"))
    # the whole circulation is done by then, counted from its start (DOC.CIRC.DEADLINE); every
    # reader's return time falls before it
    deadline = models.DateTimeField(_("circulation deadline"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.OPEN)

    visibility = Through("copy__document")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("circulation")
        ordering = ["-started_at", "-id"]
        # the workbench lists open circulations, newest first
        indexes = [
            models.Index(
                fields=["-started_at", "-id"],
                condition=Q(state="open"),
                name="circulation_open_idx",
            )
        ]
        constraints = [
            # one open circulation per copy: a copy cannot be in two reading queues at once
            models.UniqueConstraint(
                fields=["copy"], condition=Q(state="open"), name="circulation_one_open_per_copy"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.copy} ({self.state})"


class CirculationStep(models.Model):
    """One reader's turn: handed by the clerk, signed for by the reader, returned to the clerk."""

    class State(models.TextChoices):
        WAITING = "waiting", _("waiting")
        HANDED = "handed", _("with the reader")
        RETURNED = "returned", _("returned")

    circulation = models.ForeignKey(Circulation, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("position"))
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reading_steps"
    )
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.WAITING)
    handed_at = models.DateTimeField(_("handed at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    chased_on = models.DateField(_("last chased on"), null=True, blank=True)

    visibility = Via("circulation")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("circulation step")
        ordering = ["circulation", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["circulation", "position"], name="circulation_step_position"
            ),
            models.CheckConstraint(
                name="circulation_step_times",
                condition=(
                    Q(state="waiting", handed_at__isnull=True, returned_at__isnull=True)
                    | Q(state="handed", handed_at__isnull=False, returned_at__isnull=True)
                    | Q(state="returned", handed_at__isnull=False, returned_at__isnull=False)
                ),
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"], condition=Q(state="handed"), name="circulation_step_due_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.circulation_id}#{self.position} {self.reader_id}"


class Loan(models.Model):
    """借阅: a copy lent to one borrower until a due date, then returned to the clerk."""

    class Place(models.TextChoices):
        OFFICE = "office", _("in the office or reading room")
        HOME = "home", _("at home (approved)")

    copy = models.ForeignKey(Copy, on_delete=models.PROTECT, related_name="loans")
    borrower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="loans"
    )
    lent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    cabinet = models.ForeignKey(Cabinet, on_delete=models.PROTECT, related_name="+")
    place = models.CharField(_("place"), max_length=8, choices=Place.choices, default=Place.OFFICE)
    lent_at = models.DateTimeField(_("lent at"))
    due_at = models.DateTimeField(_("due at"))
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    approval = models.ForeignKey(
        "approvals.Approval", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # the office head's approval of the loan (DOC.LOAN.APPROVAL), used up by it
    loan_approval = models.ForeignKey(
        "approvals.Approval", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    visibility = Through("copy__document")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("loan")
        ordering = ["-lent_at", "-id"]
        # open loans by due time: the workbench and the overdue list
        indexes = [
            models.Index(
                fields=["due_at"], condition=Q(returned_at__isnull=True), name="loan_open_due_idx"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["copy"],
                condition=Q(returned_at__isnull=True),
                name="loan_one_open_per_copy",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.copy} → {self.borrower_id}"


class LossReport(models.Model):
    """丢失报告: a copy reported missing, until it is found or written off (DOC.LOSS)."""

    class State(models.TextChoices):
        OPEN = "open", _("missing")
        DEEMED_LEAK = "deemed_leak", _("deemed a leak")
        FOUND = "found", _("found")
        WRITTEN_OFF = "written_off", _("written off")

    copy = models.ForeignKey(Copy, on_delete=models.PROTECT, related_name="loss_reports")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported at"))
    circumstances = models.TextField(_("circumstances"))
    # where the copy was accountably held, to return it there when found
    last_state = models.CharField(max_length=16, choices=Copy.State.choices)
    report_due_at = models.DateTimeField(_("report to the authorities by"))
    deemed_leak_on = models.DateField(_("deemed a leak on"))
    # set when the period of DOC.LOSS.DEEMED_LEAK ran out: the leak's own report clock starts
    leak_deemed_at = models.DateTimeField(_("deemed a leak at"), null=True, blank=True)
    leak_report_due_at = models.DateTimeField(_("leak report due by"), null=True, blank=True)
    # the report to the competent authority (DOC.LOSS): who made it, when, to whom, its number
    authority_reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    authority_reported_at = models.DateTimeField(
        _("reported to the authority at"), null=True, blank=True
    )
    authority = models.CharField(_("competent authority"), max_length=100, blank=True)
    authority_reference = models.CharField(_("reference number"), max_length=60, blank=True)
    # when `tick` warned that the report clock was running out, and that it had run out
    report_warned_at = models.DateTimeField(null=True, blank=True)
    report_overdue_warned_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)

    visibility = Through("copy__document")
    objects = VisibleQuerySet.as_manager()

    # the copy has not turned up: the report can still be found or written off
    STILL_MISSING = (State.OPEN, State.DEEMED_LEAK)

    class Meta:
        verbose_name = _("loss report")
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["copy"],
                condition=Q(state__in=["open", "deemed_leak"]),
                name="loss_one_open_per_copy",
            ),
            # a report to the authority is recorded whole or not at all
            models.CheckConstraint(
                name="loss_authority_report_whole",
                condition=Q(
                    authority_reported_at__isnull=True,
                    authority_reported_by__isnull=True,
                    authority="",
                    authority_reference="",
                )
                | (
                    Q(authority_reported_at__isnull=False, authority_reported_by__isnull=False)
                    & ~Q(authority="")
                    & ~Q(authority_reference="")
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.copy} ({self.state})"

    @property
    def authority_report_due_at(self) -> Any:
        """When the report to the competent authority is due, while it is still to be made:
        the leak's own clock once a deemed leak has begun, the loss's before; None once the
        report is recorded or the loss is closed."""
        if self.authority_reported_at is not None or self.state not in self.STILL_MISSING:
            return None
        return self.leak_report_due_at or self.report_due_at


class Channel(models.Model):
    """A way classified items travel (机要交通, 机要通信, 密码电报, 加密传真…), with the highest
    level it carries. Ordinary post and express are recorded only to be refused."""

    class Kind(models.TextChoices):
        COURIER = "courier", _("confidential courier (机要交通)")
        CONFIDENTIAL_POST = "confidential_post", _("confidential post (机要通信)")
        HAND = "hand", _("carried by hand")
        NETWORK = "network", _("classified network")
        FAX = "fax", _("fax")
        POST = "post", _("ordinary post")
        EXPRESS = "express", _("express delivery")

    ELECTRONIC = frozenset({Kind.NETWORK, Kind.FAX})

    name = models.CharField(_("name"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    max_level = models.PositiveSmallIntegerField(
        _("highest level carried"), validators=bounded(min(Level), max(Level))
    )
    encrypted = models.BooleanField(_("encrypted"), default=False)
    # classified and plain traffic never share a channel (DOC.TRANSFER.SYMMETRY)
    for_classified = models.BooleanField(_("for classified items"), default=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("transfer channel")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def electronic(self) -> bool:
        return self.kind in self.ELECTRONIC


class Transfer(models.Model):
    """传递: a copy sent over a channel, in a courier's hands until the recipient signs."""

    copy = models.ForeignKey(Copy, on_delete=models.PROTECT, related_name="transfers")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="transfers")
    couriers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    recipient = models.CharField(_("recipient"), max_length=100)
    # a reply travels at no lower level than what it answers
    in_reply_to = models.ForeignKey(
        "ledger.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"))
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    signed_by = models.CharField(_("signed for by"), max_length=60, blank=True)

    visibility = Through("copy__document")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("transfer")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.copy} → {self.recipient}"


class CarryOut(models.Model):
    """带出: a copy taken out of the office (a meeting, another site, abroad), then brought back."""

    copy = models.ForeignKey(Copy, on_delete=models.PROTECT, related_name="carry_outs")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cabinet = models.ForeignKey(Cabinet, on_delete=models.PROTECT, related_name="+")
    destination = models.CharField(_("destination"), max_length=100)
    abroad = models.BooleanField(_("out of the country"), default=False)
    approval = models.ForeignKey(
        "approvals.Approval", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    out_at = models.DateTimeField(_("taken out at"))
    due_at = models.DateTimeField(_("due back at"))
    back_at = models.DateTimeField(_("brought back at"), null=True, blank=True)

    visibility = Through("copy__document")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("carry-out")
        ordering = ["-out_at", "-id"]

    def __str__(self) -> str:
        return f"{self.copy} → {self.destination}"


class Handover(models.Model):
    """移交: everything a person leaving a post holds, checked item by item by the receiver and
    signed by both (DOC.HANDOVER: no "trust handover")."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="handovers_given"
    )
    receiver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="handovers_received"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"))
    person_signed_at = models.DateTimeField(
        _("signed by the person leaving"), null=True, blank=True
    )
    receiver_signed_at = models.DateTimeField(_("signed by the receiver"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    visibility = Rows(_handover_participants)
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("handover")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(completed_at__isnull=True, cancelled_at__isnull=True),
                name="handover_one_open_per_person",
            ),
            models.CheckConstraint(
                name="handover_not_to_oneself", condition=~Q(person=models.F("receiver"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.receiver_id}"


class HandoverItem(models.Model):
    """One copy on a handover list, and when the receiver checked it (by its label)."""

    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="items")
    copy = models.ForeignKey(Copy, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)

    visibility = Via("handover")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("handover item")
        ordering = ["handover", "id"]
        constraints = [
            models.UniqueConstraint(fields=["handover", "copy"], name="handover_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.handover_id}: {self.copy_id}"


class DestructionBatch(models.Model):
    """销毁: a registered list of copies, approved by a leader, taken under escort to a
    designated facility (or destroyed on site) and destroyed under supervision (DOC.DESTROY)."""

    class State(models.TextChoices):
        LISTED = "listed", _("listed")
        DESTROYED = "destroyed", _("destroyed")

    listed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    listed_at = models.DateTimeField(_("listed at"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.LISTED)
    approval = models.ForeignKey(
        "approvals.Approval", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(_("method"), max_length=60, blank=True)
    place = models.CharField(_("place"), max_length=100, blank=True)
    on_site = models.BooleanField(_("on site"), default=False)
    escort = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    supervisors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    destroyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    destroyed_at = models.DateTimeField(_("destroyed at"), null=True, blank=True)

    visibility = WhollyKnown("items__copy__document")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("destruction batch")
        ordering = ["-listed_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} ({self.state})"


class DestructionItem(models.Model):
    batch = models.ForeignKey(DestructionBatch, on_delete=models.CASCADE, related_name="items")
    copy = models.ForeignKey(Copy, on_delete=models.PROTECT, related_name="+")

    visibility = Via("batch")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("destruction item")
        ordering = ["batch", "id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "copy"], name="destruction_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}: {self.copy_id}"


class Stocktake(models.Model):
    """清查: the copies expected in a cabinet, a department's cabinets or all of them, checked
    by scanning each label; what was not seen becomes a loss report when it closes."""

    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cabinet = models.ForeignKey(
        Cabinet, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "core.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    visibility = Rows(_stocktake_takers)
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("stocktake")
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk}"


class StocktakeLine(models.Model):
    """One copy in a stocktake: where it should be (if expected) and where it was seen."""

    stocktake = models.ForeignKey(Stocktake, on_delete=models.CASCADE, related_name="lines")
    copy = models.ForeignKey(Copy, on_delete=models.PROTECT, related_name="+")
    expected_in = models.ForeignKey(
        Cabinet, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seen_in = models.ForeignKey(
        Cabinet, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seen_at = models.DateTimeField(_("seen at"), null=True, blank=True)

    visibility = Via("stocktake")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("stocktake line")
        ordering = ["stocktake", "id"]
        constraints = [
            models.UniqueConstraint(fields=["stocktake", "copy"], name="stocktake_line_once")
        ]

    def __str__(self) -> str:
        return f"{self.stocktake_id}: {self.copy_id}"


class ArchiveVolume(models.Model):
    """归档卷: a year's completed documents of a department, archived together into a cabinet."""

    year = models.PositiveSmallIntegerField(_("year"), validators=bounded(YEAR_MIN, YEAR_MAX))
    title = models.CharField(_("title"), max_length=100)
    department = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, related_name="+")
    cabinet = models.ForeignKey(Cabinet, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    copies = models.ManyToManyField(Copy, related_name="volumes", blank=True)

    visibility = WhollyKnown("copies__document")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("archive volume")
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class InstructionFollowUp(models.Model):
    """催办与落实 (DOC.INSTRUCTIONS): how an item routed to a leader for instructions is chased
    until the leader writes them, and how the clerk records that they were carried out."""

    instruction = models.OneToOneField(
        "ledger.Instruction", on_delete=models.PROTECT, related_name="follow_up"
    )
    chases = models.PositiveIntegerField(_("times chased"), default=0)
    chased_on = models.DateField(_("last chased on"), null=True, blank=True)
    carried_out = models.TextField(_("how the instructions were carried out"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    visibility = Through("instruction__document")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up of instructions")
        constraints = [
            models.CheckConstraint(
                name="followup_recorded_has_text",
                condition=Q(recorded_at__isnull=True) | ~Q(carried_out=""),
            )
        ]

    def __str__(self) -> str:
        return f"{self.instruction_id}: {self.chases}"


# the end-of-day check and its sheets live beside these records
from .closing_checks import ClosingCheck, ClosingException, ClosingSheet  # noqa: E402, F401
