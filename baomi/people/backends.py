"""Permissions come from the separated administrator roles, never from Django's superuser flag
or per-user grants, so no account can quietly hold two roles' powers (ACC.SOD)."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend

from .models import AdminRole

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    AdminRole.SECURITY: frozenset(
        {
            "people.add_person",
            "people.change_person",
            "people.view_person",
            "policy.change_ruleparameter",
            "core.add_orgunit",
        }
    ),
    AdminRole.SYSTEM: frozenset({"people.view_person", "people.reset_password"}),
    AdminRole.AUDITOR: frozenset(
        {"audit.view_auditevent", "audit.view_checkpoint", "audit.add_checkpoint"}
    ),
}


class RoleBackend(ModelBackend):
    """Password authentication; permissions only by administrator role."""

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        return set(ROLE_PERMISSIONS.get(user_obj.admin_role, ()))


__all__ = ["AxesStandaloneBackend", "RoleBackend"]
