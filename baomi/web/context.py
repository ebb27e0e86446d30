"""What every page of the shell needs: the person's navigation and the idle-lock settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from rest_framework.authtoken.models import Token

from baomi import policy
from baomi.people.models import AdminRole


@dataclass(frozen=True)
class NavItem:
    url: str
    label: Any
    icon: str
    # a page one opens now and then (the rules, the cabinets, the API docs) waits under "More",
    # so the bar fits beside the user menu on a 1280 px screen in either language
    more: bool = False

    def active(self, path: str) -> bool:
        # the dashboard is "/" and would otherwise match every page
        return path == self.url if self.url == "/" else path.startswith(self.url)


def uses_api(person: Any) -> bool:
    """The API docs are for those who use the API: the system administrator, and anyone who holds
    an API token."""
    return person.admin_role == AdminRole.SYSTEM or Token.objects.filter(user=person).exists()


def navigation(person: Any) -> list[NavItem]:
    """Menu entries for this person, each label once: everyone has the dashboard, the approvals and
    the rules; the custody pages are for those who work with documents; each administrator role
    adds its own pages. Those marked `more` are shown under the menu's "More"."""
    works = not person.admin_role
    entries: list[tuple[bool, str, Any, str, bool]] = [
        (True, "web:home", _("Home"), "home", False),
        (True, "approvals:inbox", _("Approvals"), "clipboard-check", False),
        (works, "ledger:register", _("Register"), "file-text", False),
        (works, "flows:workbench", _("Workbench"), "scan", False),
        (works, "review:manuscripts", _("Review"), "file-search", False),
        (works, "meetings:meetings", _("Meetings"), "calendar-event", False),
        (
            policy.check("custody.manage", actor=person).allowed,
            "telegrams:desk",
            _("Duty desk"),
            "clock",
            False,
        ),
        (
            policy.check("cabinet.list", actor=person).allowed,
            "ledger:cabinets",
            pgettext_lazy("secure and ordinary", "Cabinets"),
            "archive",
            True,
        ),
        (
            policy.check("security.manage", actor=person).allowed,
            "flows:losses",
            _("Missing copies"),
            "alert-triangle",
            False,
        ),
        (person.admin_role == AdminRole.SECURITY, "people:list", _("People"), "users", False),
        (
            person.admin_role == AdminRole.SYSTEM,
            "people:accounts",
            _("Accounts"),
            "id-badge",
            False,
        ),
        (person.admin_role == AdminRole.AUDITOR, "audit:log", _("Audit log"), "history", False),
        (True, "policy:rules", _("Rules"), "scale", True),
        (uses_api(person), "api-docs", _("API"), "api", True),
    ]
    return [
        NavItem(reverse(name), label, icon, more)
        for shown, name, label, icon, more in entries
        if shown
    ]


def shell(request: HttpRequest) -> dict[str, Any]:
    person = getattr(request, "user", None)
    if person is None or not person.is_authenticated:
        return {}
    items = navigation(person)
    more = [item for item in items if item.more]
    return {
        "nav": [item for item in items if not item.more],
        "nav_more": more,
        "nav_more_active": any(item.active(request.path) for item in more),
        "idle_seconds": policy.params("SYS.LOCK")["idle_minutes"] * 60,
    }
