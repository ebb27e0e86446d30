"""Archive pages: the year's completed documents into volumes, by label; what is still due."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.translation import gettext as _

from baomi.core import clock
from baomi.core.models import OrgUnit
from baomi.ledger.models import Cabinet
from baomi.people.views import AuthedRequest

from .. import services
from ..record_lists import VOLUMES
from ._common import _back, _by_id, _labels
from .workbench import _top


@login_required
def archive(request: AuthedRequest) -> HttpResponse:
    """归档: the year's completed documents into volumes, by label; what is still held and due;
    the volumes as a list page."""
    if request.method == "POST":
        year = request.POST.get("year", "")
        return _back(
            request,
            lambda: services.archive_copies(
                actor=request.user,
                year=int(year) if year.isdigit() else 0,
                title=request.POST.get("title", ""),
                department=_by_id(OrgUnit.objects.all(), request, "department"),
                cabinet=_by_id(Cabinet.objects.all(), request, "cabinet"),
                copies=_labels(request),
            ),
            _("Archived."),
            "flows:archive",
        )
    return VOLUMES.response(
        request,
        due=_top(services.due_for_archiving(request.user)),
        year=clock.today().year - 1,
        departments=OrgUnit.objects.order_by("path"),
        cabinets=Cabinet.objects.order_by("code"),
    )
