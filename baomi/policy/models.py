"""Organization overrides of the policy's default parameters."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleParameter(models.Model):
    """The organization's value for one parameter of one rule, replacing the default."""

    rule_id = models.CharField(_("rule"), max_length=40)
    name = models.CharField(_("parameter"), max_length=60)
    value = models.JSONField(_("value"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("rule parameter")
        verbose_name_plural = _("rule parameters")
        constraints = [
            models.UniqueConstraint(fields=["rule_id", "name"], name="ruleparameter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.rule_id}.{self.name}"


class PolicyState(models.Model):
    """One row whose generation rises with every override change, so each process can tell
    cheaply whether its cached parameters are still current."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    generation = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"policy generation {self.generation}"


class RuleCitation(models.Model):
    """The organization's own citation of a rule's clause, replacing the catalog's: an
    organization cites its own regulations, by their titles and articles."""

    rule_id = models.CharField(_("rule"), max_length=40, unique=True)
    zh_hans = models.CharField(_("clause (Chinese)"), max_length=300)
    en = models.CharField(_("clause (English)"), max_length=300)
    reason = models.CharField(_("reason"), max_length=300)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("rule citation")
        verbose_name_plural = _("rule citations")

    def __str__(self) -> str:
        return f"{self.rule_id}: {self.zh_hans}"

    def texts(self) -> dict[str, str]:
        return {"zh-hans": self.zh_hans, "en": self.en}
