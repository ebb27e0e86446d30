"""The ordered vocabularies of SPEC §1–§2: level, kind of secret, urgency, clearance tier.

Plain value objects with no database access, so the policy engine and the review engine can
use them on hot paths.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    """密级, ordered: public < internal < 秘密 < 机密 < 绝密 (SPEC §2)."""

    PUBLIC = 0, _("public")
    INTERNAL = 1, _("internal")
    CONFIDENTIAL = 2, _("confidential")
    SECRET = 3, _("secret")
    TOP_SECRET = 4, _("top secret")

    @property
    def zh(self) -> str:
        """The Chinese name used in markings, whatever the UI language."""
        return LEVEL_ZH[self]

    @property
    def is_classified(self) -> bool:
        """True for the three levels that carry a marking (秘密, 机密, 绝密)."""
        return self >= Level.CONFIDENTIAL

    @classmethod
    def from_zh(cls, name: str) -> Level:
        try:
            return ZH_LEVEL[name]
        except KeyError:
            raise ValueError(name) from None


LEVEL_ZH: dict[Level, str] = {
    Level.PUBLIC: "公开",
    Level.INTERNAL: "内部",
    Level.CONFIDENTIAL: "秘密",
    Level.SECRET: "机密",
    Level.TOP_SECRET: "绝密",
}
ZH_LEVEL: dict[str, Level] = {zh: level for level, zh in LEVEL_ZH.items()}
#: the levels a marking may name (非密 items never carry one, SPEC §2)
MARKED_LEVELS = (Level.CONFIDENTIAL, Level.SECRET, Level.TOP_SECRET)


class SecretKind(models.TextChoices):
    """秘密种类: which body of rules protects the item."""

    STATE = "state", _("state secret")
    WORK = "work", _("work secret")
    COMMERCIAL = "commercial", _("commercial secret")


class Urgency(models.IntegerChoices):
    """紧急程度, ordered. Documents use normal/urgent/very urgent; telegrams also flash."""

    NORMAL = 0, _("normal")
    URGENT = 1, _("urgent")
    VERY_URGENT = 2, _("very urgent")
    FLASH = 3, _("flash")

    @property
    def zh(self) -> str:
        return URGENCY_ZH[self]


URGENCY_ZH: dict[Urgency, str] = {
    Urgency.NORMAL: "平件",
    Urgency.URGENT: "加急",
    Urgency.VERY_URGENT: "特急",
    Urgency.FLASH: "特提",
}


class Tier(models.TextChoices):
    """涉密人员等级; each tier admits levels up to its ceiling (SPEC §3.1)."""

    NONE = "none", _("not cleared")
    GENERAL = "general", _("general")
    IMPORTANT = "important", _("important")
    CORE = "core", _("core")


#: the law's ceilings (法第四十三条), ACC.CLEARANCE's defaults; decisions read the parameter in
#: force through `core.rules.clearance_ceiling`
TIER_CEILING: dict[Tier, Level] = {
    Tier.NONE: Level.INTERNAL,
    Tier.GENERAL: Level.CONFIDENTIAL,
    Tier.IMPORTANT: Level.SECRET,
    Tier.CORE: Level.TOP_SECRET,
}
