"""End-of-day check pages (人离文入柜): each department's sheet for each day, signed off by its
clerk and printed; the days on which the check did not run."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baomi.core.errors import act_then_show
from baomi.core.visibility import visible_or_404
from baomi.people.views import AuthedRequest

from .. import services
from ..models import ClosingException, ClosingSheet
from ..record_lists import SHEETS


@login_required
def closing_sheets(request: AuthedRequest) -> HttpResponse:
    """人离文入柜: the end-of-day check sheets the person keeps or follows, newest first, and
    the days on which the check did not run."""
    keeps = ClosingSheet.objects.visible_to(request.user).exists()
    return SHEETS.response(request, unchecked=services.unchecked_days() if keeps else [])


def _sheet_and_lines(
    request: AuthedRequest, pk: int
) -> tuple[ClosingSheet, list[ClosingException], int]:
    sheet = visible_or_404(
        ClosingSheet.objects.select_related("closing", "department", "signed_by"),
        request.user,
        pk=pk,
    )
    lines = list(
        ClosingException.objects.visible_to(request.user)
        .filter(sheet=sheet)
        .select_related("copy__document", "holder")
    )
    # copies of documents the person may not know of are counted, never named
    return sheet, lines, sheet.exceptions - len(lines)


@login_required
def closing_sheet(request: AuthedRequest, pk: int) -> HttpResponse:
    sheet, lines, unnamed = _sheet_and_lines(request, pk)
    return render(
        request,
        "flows/closing_sheet.html",
        {"sheet": sheet, "lines": lines, "unnamed": unnamed},
    )


@login_required
@require_POST
def sign_closing_sheet(request: AuthedRequest, pk: int) -> HttpResponse:
    sheet = visible_or_404(ClosingSheet, request.user, pk=pk)
    return act_then_show(
        request,
        lambda: services.sign_closing_sheet(
            actor=request.user, sheet=sheet, note=request.POST.get("note", "")
        ),
        _("The end-of-day check sheet is signed off."),
        "flows:closing-sheet",
        pk=sheet.pk,
    )


@login_required
def closing_sheet_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    from ..closing_sheet import closing_sheet_pdf as printed

    sheet, lines, unnamed = _sheet_and_lines(request, pk)
    response = HttpResponse(printed(sheet, lines, unnamed), content_type="application/pdf")
    name = f"RLWRG-{sheet.closing.day:%Y%m%d}-{sheet.department_id}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
