"""Rules about people and accounts: separated administrators, posts, passwords."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.hashers import check_password
from django.utils.translation import gettext as _

from baomi.core.levels import Tier
from baomi.policy import Fail, rule

from .models import AdminRole


@rule("ACC.ROLE", actions=("person.manage", "policy.change", "account.admin", "audit.read"))
def administrator_performs_own_operation(
    ctx: Mapping[str, Any], p: Mapping[str, Any]
) -> Fail | None:
    required = p["administration"][ctx["action"]]
    actor = ctx["actor"]
    if actor is not None and actor.is_active and actor.admin_role == required:
        return None
    return Fail(
        lambda: _("Only the %(role)s may do this.") % {"role": AdminRole(required).label},
        {"required": required, "actor_role": getattr(actor, "admin_role", "") or "none"},
    )


@rule("ACC.SOD", actions=("person.assign", "content.view", "copy.hold"))
def administrators_stay_separate(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    if ctx["action"] != "person.assign":
        # an administrator's account never reaches classified content, whatever else holds
        if ctx["person"].admin_role:
            return Fail(
                lambda: _("An administrator account never sees classified content."),
                {"admin_role": ctx["person"].admin_role},
            )
        return None
    role, tier, posts = ctx["admin_role"], ctx["tier"], ctx["posts"]
    if role and (tier != Tier.NONE or posts):
        return Fail(
            lambda: (
                _("The %(role)s account is a dedicated account: it holds no post and no clearance.")
                % {"role": AdminRole(role).label}
            ),
            {"admin_role": role, "tier": tier, "posts": ",".join(sorted(posts))},
        )
    return None


@rule("SYS.LOCK", actions=("session.continue",))
def session_not_idle(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    """A web session that was locked, or idle past the limit, goes no further until the
    person enters the password again."""
    if ctx["locked"]:
        return Fail(lambda: _("The session is locked: enter your password to go on."), {})
    idle_minutes = ctx["idle_seconds"] / 60
    if idle_minutes > p["idle_minutes"]:
        return Fail(
            lambda: (
                _("The session was idle for more than %(minutes)s minutes and is locked.")
                % {"minutes": p["idle_minutes"]}
            ),
            {"idle_minutes": round(idle_minutes, 1)},
        )
    return None


@rule("SYS.PASSWORD", actions=("account.change_password",))
def password_fresh_and_long(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    new = ctx["new_password"]
    if len(new) < p["min_length"]:
        return Fail(
            lambda: _("A password has at least %(min)s characters.") % {"min": p["min_length"]},
            {"length": len(new)},
        )
    recent = ctx["recent_hashes"][: p["history_count"]]
    if any(check_password(new, encoded) for encoded in recent):
        return Fail(
            lambda: (
                _("The password may not repeat any of the last %(count)s passwords.")
                % {"count": p["history_count"]}
            ),
            {},
        )
    return None
