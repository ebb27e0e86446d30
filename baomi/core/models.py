"""The organization tree (OrgUnit): units and departments, nested."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgUnitQuerySet(models.QuerySet["OrgUnit"]):
    def subtree(self, unit: OrgUnit) -> OrgUnitQuerySet:
        """The unit and everything below it, in one indexed prefix query."""
        return self.filter(path__startswith=unit.path)


class OrgUnit(models.Model):
    """A unit (机关/单位) or department (部门/处室). `path` is the materialized chain of ids
    from the root ("/1/4/9/"), so subtree and ancestor questions are single queries."""

    class Kind(models.TextChoices):
        ORGANIZATION = "organization", _("organization")
        DEPARTMENT = "department", _("department")
        OFFICE = "office", _("office")

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("organizational unit")
        verbose_name_plural = _("organizational units")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="orgunit_unique_name_in_parent")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this unit's parent."""
        return [int(x) for x in self.path.strip("/").split("/")[:-1]]

    def is_within(self, other: OrgUnit) -> bool:
        """True when this unit is `other` or lies below it."""
        return self.path.startswith(other.path)


class Notification(models.Model):
    """An in-app notice to one person (a declassified document they hold, a deadline)."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["person", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.person_id}"
