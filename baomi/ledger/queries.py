"""Queries of the ledger shared by pages, API and exports; every one starts from visible_to."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from .models import Document


def register_for(person: Any, params: Any) -> QuerySet[Document]:
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
