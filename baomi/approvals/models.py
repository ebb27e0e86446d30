"""Approval (审批): one request for permission, its decision, and its single use."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from baomi.core import clock
from baomi.core.visibility import Rows, Via, VisibleQuerySet
from baomi.people.models import Post, PostAssignment

from . import kinds

if TYPE_CHECKING:
    from baomi.people.models import Person


class ApprovalQuerySet(VisibleQuerySet["Approval"]):
    @staticmethod
    def _approver_q(person: Person) -> Q:
        """Requests `person` is an approver of, in SQL: named as the approver, or holding the
        approver post in the approver unit (any unit when the request names none)."""
        held = PostAssignment.objects.filter(person_id=person.pk).values("post")
        unit = Q(approver_unit__isnull=True)
        if person.department_id is not None:
            unit |= Q(approver_unit_id=person.department_id)
        return Q(approver_id=person.pk) | (Q(approver_post__in=held) & unit)

    def awaiting(self, person: Person) -> ApprovalQuerySet:
        """Pending, unexpired requests `person` may decide, never their own; soonest due first."""
        if not person.is_active:
            return self.none()
        return (
            self.filter(self._approver_q(person), state=Approval.State.PENDING)
            .filter(expires_at__gt=clock.now())
            .exclude(requester_id=person.pk)
            .order_by("expires_at", "pk")
        )

    def requested_by(self, person: Person) -> ApprovalQuerySet:
        """The person's own requests, newest first."""
        return self.filter(requester_id=person.pk).order_by("-requested_at", "-pk")

    def decided_by(self, person: Person) -> ApprovalQuerySet:
        """Requests `person` approved or rejected (我已审批), the latest decision first."""
        return self.filter(decided_by_id=person.pk).order_by("-decided_at", "-pk")

    def due_to_expire(self, now: dt.datetime | None = None) -> ApprovalQuerySet:
        """Pending or approved-but-unused requests whose time is up."""
        return self.filter(
            state__in=(Approval.State.PENDING, Approval.State.APPROVED),
            expires_at__lte=now or clock.now(),
        )


def _approval_parties(person: Person) -> Q:
    """Every request the person may look at: their own, those they decided, and those they
    are an approver of (in any state). A request names its subject by reference only, never by
    title: a page that shows the subject reaches it through the subject's own visibility."""
    return (
        Q(requester_id=person.pk)
        | Q(decided_by_id=person.pk)
        | ApprovalQuerySet._approver_q(person)
    )


class Approval(models.Model):
    """A request to be allowed an action a rule otherwise refuses.

    The approver is resolved when the request is made (a post in a unit, or a named person), so
    a later reorganization does not move requests already waiting. An approved request is used
    at most once, by the requester, for the action its kind unlocks, before it expires.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")
        EXPIRED = "expired", _("expired")
        CONSUMED = "consumed", _("used")

    kind = models.CharField(_("kind"), max_length=40)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester"),
        on_delete=models.PROTECT,
        related_name="approval_requests",
    )
    # the object the request is about, by reference only (never its title)
    object_type = models.CharField(_("subject type"), max_length=100, blank=True, default="")
    object_id = models.CharField(_("subject id"), max_length=64, blank=True, default="")
    summary = models.CharField(_("summary"), max_length=200)
    payload = models.JSONField(_("parameters"), default=dict, blank=True)

    # who decides: a post in a unit (any unit when none), or one named person
    approver_post = models.CharField(
        _("approver post"), max_length=20, choices=Post.choices, blank=True, default=""
    )
    approver_unit = models.ForeignKey(
        "core.OrgUnit",
        verbose_name=_("approver unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approver"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    requested_at = models.DateTimeField(_("requested at"))
    expires_at = models.DateTimeField(_("expires at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approvals_decided",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True, default="")
    consumed_at = models.DateTimeField(_("used at"), null=True, blank=True)
    consumed_by = models.CharField(_("used by action"), max_length=60, blank=True, default="")

    visibility = Rows(_approval_parties)
    objects = ApprovalQuerySet.as_manager()

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "expires_at"], name="approval_state_due_idx"),
            models.Index(fields=["requester", "requested_at"], name="approval_requester_idx"),
            models.Index(
                fields=["approver_post", "approver_unit", "state"], name="approval_approver_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    state__in=[
                        "pending",
                        "approved",
                        "rejected",
                        "withdrawn",
                        "expired",
                        "consumed",
                    ]
                ),
                name="approval_state_valid",
            ),
            # a post (optionally in a unit) or a named person decides, never both
            models.CheckConstraint(
                condition=(
                    Q(approver__isnull=False, approver_post="", approver_unit__isnull=True)
                    | (Q(approver__isnull=True) & ~Q(approver_post=""))
                ),
                name="approval_one_approver",
            ),
            models.CheckConstraint(
                condition=Q(object_type="", object_id="") | (~Q(object_type="") & ~Q(object_id="")),
                name="approval_subject_whole",
            ),
            # decided requests say who decided and when; undecided ones do not
            models.CheckConstraint(
                condition=(
                    Q(
                        state__in=["pending", "withdrawn"],
                        decided_by__isnull=True,
                        decided_at__isnull=True,
                    )
                    | Q(
                        state__in=["approved", "rejected", "consumed"],
                        decided_by__isnull=False,
                        decided_at__isnull=False,
                    )
                    | Q(state="expired", decided_by__isnull=True, decided_at__isnull=True)
                    | Q(state="expired", decided_by__isnull=False, decided_at__isnull=False)
                ),
                name="approval_decided_fields",
            ),
            models.CheckConstraint(
                condition=~Q(state="rejected") | ~Q(comment=""),
                name="approval_rejection_has_comment",
            ),
            # no one decides their own request (ACC.SOD)
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requester")),
                name="approval_not_self_decided",
            ),
            models.CheckConstraint(
                condition=(
                    Q(state="consumed", consumed_at__isnull=False) & ~Q(consumed_by="")
                    | Q(consumed_at__isnull=True, consumed_by="") & ~Q(state="consumed")
                ),
                name="approval_consumed_fields",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("requested_at")),
                name="approval_expires_after_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind_title} #{self.pk}"

    @property
    def kind_title(self) -> str:
        return kinds.title(self.kind)

    @property
    def subject_ref(self) -> dict[str, str] | None:
        """The subject as the audit log names objects: {"type", "id"}, or None."""
        return {"type": self.object_type, "id": self.object_id} if self.object_type else None

    @property
    def approver_label(self) -> str:
        """Who decides, for people to read: "leader of 办公室", "security officer", a name."""
        if self.approver_id is not None:
            return str(self.approver)
        post = Post(self.approver_post).label
        if self.approver_unit_id is None:
            return str(post)
        return gettext("%(post)s of %(unit)s") % {"post": post, "unit": self.approver_unit}

    @property
    def is_expired(self) -> bool:
        """True when its time is up, whether or not the scheduled job has marked it yet."""
        return self.state == self.State.EXPIRED or self.expires_at <= clock.now()

    @property
    def is_open(self) -> bool:
        """Pending and not yet due: it can still be decided or withdrawn."""
        return self.state == self.State.PENDING and not self.is_expired

    def is_approver(self, person: Person) -> bool:
        """The in-process twin of `Approval.objects.awaiting`'s approver test (SQL)."""
        if not person.is_active:
            return False
        if self.approver_id is not None:
            return self.approver_id == person.pk
        return person.holds(self.approver_post) and (
            self.approver_unit_id is None or self.approver_unit_id == person.department_id
        )


class Reminder(models.Model):
    """催办: the requester (or the clerk) reminded the approver of a pending request."""

    approval = models.ForeignKey(
        Approval, verbose_name=_("approval"), on_delete=models.PROTECT, related_name="reminders"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reminded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("reminded at"))
    #: how many people were told (the approver, or every holder of the approver post)
    told = models.PositiveSmallIntegerField(_("people told"), default=0)

    visibility = Via("approval")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["approval", "sent_at"], name="reminder_approval_idx")]

    def __str__(self) -> str:
        return f"{self.approval} · {self.pk}"
