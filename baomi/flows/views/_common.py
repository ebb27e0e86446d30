"""What the flows' pages share: the name fields, labels and approvals typed in, acting and showing
the outcome."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _

from baomi.core import clock
from baomi.core.errors import act_then_show
from baomi.ledger.queries import copy_by_code
from baomi.people.models import Person
from baomi.people.names import one_staff_named
from baomi.people.views import AuthedRequest


def _one(request: AuthedRequest, field: str, missing: str) -> Person:
    """The one member of staff typed under `field`: nothing typed is `missing`, two or more
    names are refused (see `one_staff_named`), never silently cut to the first."""
    text = request.POST.get(field, "")
    if not text.strip():
        raise ValidationError({field: missing})
    return one_staff_named(text, field)


def _back(request: AuthedRequest, action: Callable[[], Any], done: str, to: str) -> HttpResponse:
    return act_then_show(request, action, done, to)


def _by_id(rows: Any, request: AuthedRequest, name: str) -> Any:
    """The row whose id the form posted under `name`, or None."""
    value = request.POST.get(name, "")
    return rows.filter(pk=int(value)).first() if value.isdigit() else None


def _labels(request: AuthedRequest) -> list[Any]:
    """Copies from a list of scanned labels, one per line."""
    found = []
    for code in request.POST.get("codes", "").split():
        copy = copy_by_code(request.user, code)
        if copy is None:
            raise ValidationError(
                {"codes": _("No copy you may know of has the label %(code)s.") % {"code": code}}
            )
        found.append(copy)
    return found


def _approval_of(request: AuthedRequest, requester: Any) -> Any:
    from baomi.approvals.models import Approval

    return _by_id(Approval.objects.filter(requester=requester), request, "approval")


def _due(request: AuthedRequest) -> Any:
    from django.utils.dateparse import parse_datetime

    value = parse_datetime(request.POST.get("due_at", ""))
    if value is None:
        raise ValidationError({"due_at": _("Give the date and time it is due back.")})
    return value if value.tzinfo else clock.at(value.date(), value.strftime("%H:%M"))
