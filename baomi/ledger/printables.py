"""Label sheets: QR labels for a document's copies, or for copies chosen across documents, on the
label stock an office has (A4 sheets of 3×8 or 2×7, or a 50×30 mm thermal roll)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baomi.core.visibility import visible_or_404
from baomi.people.views import AuthedRequest

from .models import Copy, Document

# the most labels one sheet request prints: a batch across documents is chosen row by row
MAX_LABELS = 500


@dataclass(frozen=True)
class Stock:
    code: str
    name: str | Promise


STOCKS = (
    Stock("a4-3x8", gettext_lazy("A4 sheet, 3 × 8 labels")),
    Stock("a4-2x7", gettext_lazy("A4 sheet, 2 × 7 labels")),
    Stock("roll-50x30", gettext_lazy("Thermal roll, 50 × 30 mm")),
)


def _stock(request: AuthedRequest) -> Stock:
    code = request.GET.get("size", STOCKS[0].code)
    for stock in STOCKS:
        if stock.code == code:
            return stock
    messages.error(request, _("Unknown label size; the A4 3 × 8 sheet is used."))
    return STOCKS[0]


def _sheet(request: AuthedRequest, copies: QuerySet[Copy], title: str) -> HttpResponse:
    import segno

    sheet = [
        (c, segno.make(c.scan_code, error="m").svg_inline(scale=3, omitsize=True))
        for c in copies.select_related("document")[:MAX_LABELS]
    ]
    return render(
        request,
        "ledger/labels.html",
        {"sheet": sheet, "stock": _stock(request), "stocks": STOCKS, "title": title},
    )


@login_required
def labels(request: AuthedRequest, pk: int) -> HttpResponse:
    """A printable sheet of QR labels, one per copy of a document: number, marking and code,
    never the title."""
    found = visible_or_404(Document, request.user, pk=pk)
    title = found.doc_number or _("Document %(pk)s") % {"pk": found.pk}
    return _sheet(request, found.copies.order_by("copy_no"), title)


@login_required
def batch_labels(request: AuthedRequest) -> HttpResponse:
    """Labels for copies chosen across documents (`?copy=ID&copy=ID…`); a copy the person may not
    see is left out, as if it did not exist."""
    ids = [int(v) for v in request.GET.getlist("copy") if v.isdigit()][:MAX_LABELS]
    copies = Copy.objects.visible_to(request.user).filter(pk__in=ids)
    if len(ids) != copies.count():
        messages.warning(request, _("Some of the chosen copies are not shown: they do not exist."))
    chosen = copies.order_by("document__doc_number", "document_id", "copy_no")
    return _sheet(request, chosen, _("Chosen copies"))
