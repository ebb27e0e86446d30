"""Person: the user model. Present from the first migration; the people module fills it out."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from baomi.core.levels import Tier


class Person(AbstractUser):
    """A member of the organization who logs in to Baomi."""

    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    department = models.ForeignKey(
        "core.OrgUnit",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    tier = models.CharField(
        _("clearance tier"), max_length=10, choices=Tier.choices, default=Tier.NONE
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username
