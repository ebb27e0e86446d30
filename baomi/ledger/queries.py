"""Queries of the ledger shared by pages, API and exports; every one starts from visible_to."""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baomi.core.levels import Level
from baomi.core.query import SEARCH_MAX, filtered

from .models import Copy, Document


class DocumentFilter(django_filters.FilterSet):
    """The register's query, for its page, the API and the exports: q (text in the title,
    number, issuer or code name), level and state."""

    q = django_filters.CharFilter(
        label=gettext_lazy("Search"), method="search", max_length=SEARCH_MAX
    )
    level = django_filters.TypedChoiceFilter(
        label=gettext_lazy("Level"), choices=Level.choices, coerce=int
    )
    state = django_filters.ChoiceFilter(label=gettext_lazy("State"), choices=Document.State.choices)

    def search(self, queryset: QuerySet[Document], name: str, value: str) -> QuerySet[Document]:
        return queryset.filter(matching(value))


def register_for(person: Any, params: Any, *, copy_count: bool = True) -> QuerySet[Document]:
    """The register as this person may see it, filtered by the page's or the API's query
    (InvalidQuery names a parameter that does not parse); with each document's number of
    copies unless `copy_count` is False (exports count their own way)."""
    # a subquery, not Count("copies"): the page counts copies of its 50 rows only, and the
    # paginator's count() leaves it out altogether
    copies = (
        Copy.objects.filter(document=OuterRef("pk"))
        .order_by()
        .values("document")
        .annotate(n=Count("*"))
        .values("n")
    )
    documents = Document.objects.visible_to(person).order_by("-registered_at", "-id")
    if copy_count:
        documents = documents.annotate(
            copy_count=Coalesce(Subquery(copies, output_field=IntegerField()), 0)
        )
    return filtered(DocumentFilter, params, documents)


def matching(text: str) -> Q:
    """Documents whose title, number, issuer or code name contain `text`. From three characters
    on, SQLite answers from its FTS5 trigram index; PostgreSQL's LIKE uses the pg_trgm indexes
    (migration 0003); shorter text falls back to a scan, which is still correct."""
    if connection.vendor == "sqlite" and len(text) >= 3:
        phrase = '"' + text.replace('"', '""') + '"'
        return Q(
            pk__in=RawSQL(
                "SELECT rowid FROM ledger_document_fts WHERE ledger_document_fts MATCH %s", [phrase]
            )
        )
    return (
        Q(title__contains=text)
        | Q(doc_number__contains=text)
        | Q(issuer__contains=text)
        | Q(code_name__contains=text)
    )


def audience(document: Document) -> Any:
    """The document's knowledge scope as the access rules read it (persons, departments, posts)."""
    from baomi.core.access import Audience

    from .models import ScopeEntry

    rows = ScopeEntry.objects.filter(document=document).values_list("person", "department", "post")
    return Audience(
        persons=frozenset(p for p, _d, _post in rows if p is not None),
        departments=frozenset(d for _p, d, _post in rows if d is not None),
        posts=frozenset(post for _p, _d, post in rows if post),
    )


def scanned_copy(person: Any, code: str) -> Copy:
    """The copy a scanned label names; a label naming nothing this person may know of is an
    error on the form's `code` field."""
    copy = copy_by_code(person, code)
    if copy is None:
        raise ValidationError({"code": _("No copy you may know of has this label.")})
    return copy


def copy_by_code(person: Any, code: str) -> Copy | None:
    """The copy a scanned label names, if this person may know of it; else None."""
    parsed = Copy.parse_scan_code(code)
    if parsed is None:
        return None
    return (
        Copy.objects.visible_to(person)
        .select_related("document", "cabinet", "holder")
        .filter(document_id=parsed[0], copy_no=parsed[1])
        .first()
    )
