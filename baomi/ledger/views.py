"""Ledger pages: the register (every list starts from visible_to) and a document's page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from baomi import policy
from baomi.core.errors import add_to_form
from baomi.people.views import AuthedRequest

from . import services
from .forms import IncomingForm
from .models import Document


def register_for(person, params):  # type: ignore[no-untyped-def]
    """The register as this person may see it, filtered by the page's or the API's query."""
    documents = (
        Document.objects.visible_to(person)
        .annotate(copy_count=Count("copies"))
        .order_by("-registered_at", "-id")
    )
    if params.get("level") not in (None, ""):
        documents = documents.filter(level=params["level"])
    if params.get("state"):
        documents = documents.filter(state=params["state"])
    if params.get("q"):
        q = params["q"].strip()
        documents = documents.filter(
            Q(title__contains=q)
            | Q(doc_number__contains=q)
            | Q(issuer__contains=q)
            | Q(code_name__contains=q)
        )
    return documents


@login_required
def register(request: AuthedRequest) -> HttpResponse:
    page = Paginator(register_for(request.user, request.GET), 50).get_page(request.GET.get("page"))
    return render(request, "ledger/register.html", {"page": page, "filters": request.GET})


@login_required
def document(request: AuthedRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Document.objects.visible_to(request.user), pk=pk)
    services.view_document(actor=request.user, document=found)
    copies = found.copies.select_related("cabinet", "holder").order_by("copy_no")
    return render(request, "ledger/document.html", {"document": found, "copies": copies})


@login_required
def new_incoming(request: AuthedRequest) -> HttpResponse:
    form = IncomingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            created = services.register_incoming(actor=request.user, **data)
        except (ValidationError, policy.RuleViolation) as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Registered with %(n)s copies.") % {"n": data["copies"]})
            return redirect("ledger:document", pk=created.pk)
    return render(request, "ledger/incoming.html", {"form": form})
