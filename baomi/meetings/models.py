"""Classified meetings: the meeting and its security plan, the security office's sign-off,
participants, walk-ins refused, the discipline announced, the documents handed out, the venue
checked afterwards, recordings and relays."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from baomi.core.inputs import COPIES_MAX, bounded
from baomi.core.levels import Level
from baomi.core.rules import clearance_ceiling
from baomi.core.visibility import Rows, Through, Via, VisibleQuerySet


def _meeting_knowers(person: Any) -> models.Q:
    """The meetings a person may know of: those the person organizes, takes part in, keeps
    safe or approved; and the department's meetings, up to the level the person is cleared
    for, for its leaders (who approve the plans) and its organizing posts (who run them).
    A meeting's title can itself be sensitive: no one else sees it."""
    from baomi import policy
    from baomi.people.models import Post

    mine = (
        models.Q(organizer=person)
        | models.Q(participants__person=person)
        | models.Q(security_lead=person)
        | models.Q(approved_by=person)
    )
    ceiling = clearance_ceiling(person.tier)
    if person.holds(Post.LEADER) or policy.check("meeting.organize", actor=person).allowed:
        mine |= models.Q(department=person.department_id, level__lte=ceiling)
    if policy.check("security.manage", actor=person).allowed:
        # the security office signs off every meeting at or above the level of MTG.SECURITY,
        # whichever department holds it: its officers see those they are cleared for
        from .rules import signoff_level

        mine |= models.Q(level__gte=signoff_level(), level__lte=ceiling)
    # one subquery, so a meeting with many participants is one row and lists need no DISTINCT
    return models.Q(pk__in=Meeting.objects.filter(mine).values("pk"))


class MeetingQuerySet(VisibleQuerySet["Meeting"]):
    pass


class Meeting(models.Model):
    class State(models.TextChoices):
        PLANNED = "planned", _("planned")
        APPROVED = "approved", _("plan approved")
        OPEN = "open", _("in session")
        RECESS = "recess", _("in recess")
        CLOSED = "closed", _("closed")

    title = models.CharField(_("title"), max_length=200)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    venue = models.CharField(_("venue"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    security_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, related_name="+")
    #: the meeting's secure room: where documents wait between sessions
    secure_cabinet = models.ForeignKey("ledger.Cabinet", on_delete=models.PROTECT, related_name="+")
    relay_scope = models.ManyToManyField("core.OrgUnit", related_name="+", blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PLANNED
    )
    # the security plan (保密方案); each writing of it is a new version, and a sign-off or an
    # approval holds for the version it was given to
    plan = models.TextField(_("security plan"), blank=True)
    plan_version = models.PositiveIntegerField(_("plan version"), default=0)
    recording_planned = models.BooleanField(_("recording planned"), default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("plan approved at"), null=True, blank=True)
    #: the session in progress or last held: 1 from the opening, one more at each resumption
    session = models.PositiveSmallIntegerField(_("session"), default=0)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    visibility = Rows(_meeting_knowers)
    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def current_signoff(self) -> SecuritySignOff | None:
        """The security office's sign-off of the plan as it now stands, if given."""
        return self.signoffs.filter(plan_version=self.plan_version).order_by("-signed_at").first()


class SecuritySignOff(models.Model):
    """The security office's part in a meeting (MTG.SECURITY): a security officer, cleared for
    the level, states what was checked at the venue and its audio equipment, which microphones
    are used and the measures and discipline agreed, for one version of the plan."""

    class Microphones(models.TextChoices):
        WIRED = "wired", _("wired microphones only")
        NONE = "none", _("no microphones")
        WIRELESS = "wireless", _("wireless microphones")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="signoffs")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed off at"))
    plan_version = models.PositiveIntegerField(_("plan version"))
    venue_inspection = models.TextField(_("venue and audio equipment inspection"), blank=True)
    microphones = models.CharField(_("microphones"), max_length=10, choices=Microphones.choices)
    measures = models.TextField(_("security measures and discipline"))

    visibility = Via("meeting")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("security sign-off")
        verbose_name_plural = _("security sign-offs")
        ordering = ["signed_at", "id"]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.officer_id}"


class DisciplineAnnouncement(models.Model):
    """宣布保密纪律 (MTG.DISCIPLINE): who announced the discipline, when, at which session;
    and who recorded it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="announcements")
    announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    announced_at = models.DateTimeField(_("announced at"))
    session = models.PositiveSmallIntegerField(_("session"))

    visibility = Via("meeting")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("discipline announcement")
        verbose_name_plural = _("discipline announcements")
        ordering = ["announced_at", "id"]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.session}"


class VenueCheck(models.Model):
    """会后清场 (MTG.RECALL): a named person checked the venue and lodgings for papers and
    notebooks left behind, and recorded what was checked and what was found."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="venue_checks")
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(_("checked at"))
    places = models.TextField(_("places checked"))
    papers_found = models.PositiveSmallIntegerField(
        _("papers left behind"), default=0, validators=bounded(0, COPIES_MAX)
    )
    notebooks_found = models.PositiveSmallIntegerField(
        _("notebooks left behind"), default=0, validators=bounded(0, COPIES_MAX)
    )
    findings = models.TextField(_("what was found and where it went"), blank=True)

    visibility = Via("meeting")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("venue check")
        verbose_name_plural = _("venue checks")
        ordering = ["checked_at", "id"]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.checked_at:%Y-%m-%d %H:%M}"


class Participant(models.Model):
    class Role(models.TextChoices):
        ATTENDEE = "attendee", _("attendee")
        OBSERVER = "observer", _("non-voting attendee")
        STAFF = "staff", _("staff")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)

    visibility = Via("meeting")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="participant_once")
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.person_id}"


class MeetingDocument(models.Model):
    """A document of the meeting, registered in the ledger with one copy per participant."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    document = models.OneToOneField("ledger.Document", on_delete=models.PROTECT, related_name="+")
    recording = models.BooleanField(_("recording"), default=False)

    visibility = Through("document")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.document_id}"


class Handout(models.Model):
    """A copy handed to a participant by name, and when it came back."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="handouts")
    copy = models.ForeignKey("ledger.Copy", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    handed_at = models.DateTimeField(_("handed out at"))
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)

    visibility = Through("copy__document")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("hand-out")
        verbose_name_plural = _("hand-outs")
        ordering = ["handed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["copy"], condition=models.Q(returned_at=None), name="handout_one_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.copy_id} → {self.person_id}"


class Relay(models.Model):
    """传达: the meeting relayed to a unit inside its relay scope."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="relays")
    unit = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, related_name="+")
    relayed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    relayed_at = models.DateTimeField(_("relayed at"))

    visibility = Via("meeting")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("relay")
        verbose_name_plural = _("relays")

    def __str__(self) -> str:
        return f"{self.meeting_id} → {self.unit_id}"
