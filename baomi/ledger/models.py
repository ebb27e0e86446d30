"""The ledger. For now: secure cabinets (保密柜), each with a named custodian (DOC.STORE)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Cabinet(models.Model):
    name = models.CharField(_("name"), max_length=60)
    code = models.CharField(_("code"), max_length=20, unique=True)
    department = models.ForeignKey(
        "core.OrgUnit",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="cabinets",
    )
    custodian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("custodian"),
        on_delete=models.PROTECT,
        related_name="cabinets",
    )
    location = models.CharField(_("location"), max_length=100, blank=True)
    # DOC.STORE: classified and ordinary items are stored apart
    for_classified = models.BooleanField(_("for classified items"), default=True)

    class Meta:
        verbose_name = _("secure cabinet")
        verbose_name_plural = _("secure cabinets")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
