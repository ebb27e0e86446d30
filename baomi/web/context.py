"""What every page of the shell needs: the person's navigation and the idle-lock settings."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from baomi import policy
from baomi.people.models import AdminRole


def navigation(person: Any) -> list[tuple[str, Any]]:
    """Menu entries for this person: everyone has the dashboard, the inbox and the rules; each
    administrator role adds its own pages."""
    items: list[tuple[str, Any]] = [
        (reverse("web:home"), _("Dashboard")),
        (reverse("approvals:inbox"), _("Awaiting my approval")),
        *([(reverse("ledger:register"), _("Register"))] if not person.admin_role else []),
        *([(reverse("flows:workbench"), _("Workbench"))] if not person.admin_role else []),
        *([(reverse("review:manuscripts"), _("Review"))] if not person.admin_role else []),
        *([(reverse("meetings:meetings"), _("Meetings"))] if not person.admin_role else []),
        *(
            [(reverse("flows:losses"), _("Missing copies"))]
            if policy.check("security.manage", actor=person).allowed
            else []
        ),
        *(
            [(reverse("telegrams:desk"), _("Duty desk"))]
            if policy.check("custody.manage", actor=person).allowed
            else []
        ),
        (reverse("policy:rules"), _("Rules")),
    ]
    if person.admin_role == AdminRole.SECURITY:
        items.append((reverse("people:list"), _("People")))
    if person.admin_role == AdminRole.SYSTEM:
        items.append((reverse("people:accounts"), _("Accounts")))
    if person.admin_role == AdminRole.AUDITOR:
        items.append((reverse("audit:log"), _("Audit log")))
    items.append((reverse("api-docs"), _("API")))
    return items


def shell(request: HttpRequest) -> dict[str, Any]:
    person = getattr(request, "user", None)
    if person is None or not person.is_authenticated:
        return {}
    return {
        "nav": navigation(person),
        "idle_seconds": policy.params("SYS.LOCK")["idle_minutes"] * 60,
    }
