"""Copying pages: approved copies of a scanned copy's document, numbered on."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baomi.ledger.consent import posted_letter
from baomi.ledger.models import Cabinet
from baomi.people.views import AuthedRequest

from .. import services
from ._common import _approval_of, _by_id
from .desk import act_on_scanned


@login_required
@require_POST
def reproduce(request: AuthedRequest) -> HttpResponse:
    def action(source: Any) -> Any:
        cabinet = _by_id(Cabinet.objects.all(), request, "cabinet")
        count = request.POST.get("count", "")
        if cabinet is None or not count.isdigit():
            raise ValidationError({"count": _("Give the number of copies and their cabinet.")})
        return services.reproduce_copies(
            actor=request.user,
            document=source.document,
            count=int(count),
            cabinet=cabinet,
            approval=_approval_of(request, request.user),
            consent=posted_letter(request),
        )

    return act_on_scanned(request, "reproduce", action, _("Copies made and registered."))
