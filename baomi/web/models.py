"""What a person keeps of the lists they read: the last filter of each list, and named views."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ListMemory(models.Model):
    """The query a person last asked of a list (filter, order, page size; never the page), so a
    plain visit shows that list as they left it, on any computer and after signing out."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="list_memories"
    )
    list_name = models.CharField(_("list"), max_length=80)
    query = models.CharField(_("query"), max_length=2000)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("list memory")
        verbose_name_plural = _("list memories")
        constraints = [
            models.UniqueConstraint(fields=["person", "list_name"], name="one_memory_per_list")
        ]

    def __str__(self) -> str:
        return self.list_name


class SavedView(models.Model):
    """A filter and order a person saved under a name; shared with their department when
    `department` is set (its people may pick it, only its owner may delete it)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    list_name = models.CharField(_("list"), max_length=80)
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(_("query"), max_length=2000)
    department = models.ForeignKey(
        "core.OrgUnit",
        verbose_name=_("shared with"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    saved_at = models.DateTimeField(_("saved at"), auto_now=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "list_name", "name"], name="one_view_per_name"
            )
        ]

    def __str__(self) -> str:
        return self.name
