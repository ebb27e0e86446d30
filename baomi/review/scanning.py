"""The scanner as the organization configures it: terms from the secret-item catalog, the
sensitive-term list, the numbers of registered classified documents and the notices of internal
material; excerpts from the index of every registered document whose text Baomi holds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Prefetch, Q

from baomi.core import clock
from baomi.core.levels import Level
from baomi.ledger.models import Attachment, Document, SecretItem

from .engine import FingerprintIndex, Scanner, Term, TermMatcher
from .models import SensitiveTerm

#: notices printed on internal material (PUB.INTERNAL)
NOTICES = ("内部资料", "内部文件", "内部刊物", "注意保存", "不得外传", "严禁外传", "内部使用")

_matcher: tuple[tuple[Any, ...], TermMatcher] | None = None


def _numbered() -> Any:
    """Classified documents in force with a number: their numbers are terms."""
    return Document.objects.filter(
        level__gte=Level.CONFIDENTIAL, state=Document.State.ACTIVE
    ).exclude(doc_number="")


def terms() -> list[Term]:
    found = [
        Term(name, "secret_item", pk) for pk, name in SecretItem.objects.values_list("pk", "name")
    ]
    found += [
        Term(text, kind, pk)
        for pk, text, kind in SensitiveTerm.objects.values_list("pk", "text", "kind")
    ]
    found += [
        Term(number, "doc_number", pk) for pk, number in _numbered().values_list("pk", "doc_number")
    ]
    found += [Term(text, "notice") for text in NOTICES]
    return found


def _signature() -> tuple[Any, ...]:
    """What the terms depend on, cheaply: the catalog and the term list as they are (small
    tables), and for the register, whose numbers do not change once registered, how many
    numbered classified documents are in force and the newest of them."""
    numbered = _numbered().aggregate(n=Count("pk"), last=Max("pk"))
    return (
        tuple(SecretItem.objects.values_list("pk", "name")),
        tuple(SensitiveTerm.objects.values_list("pk", "text", "kind")),
        numbered["n"],
        numbered["last"],
    )


def matcher() -> TermMatcher:
    """The term matcher, built again only when the terms changed: building it normalizes every
    term, about a second for a register of a hundred thousand numbered documents."""
    global _matcher
    current = _signature()
    if _matcher is None or _matcher[0] != current:
        _matcher = (current, TermMatcher(terms()))
    return _matcher[1]


def index_folder() -> Path:
    return Path(settings.DATA_DIR) / "review-index"


def index() -> FingerprintIndex:
    return FingerprintIndex(index_folder())


def scanner() -> Scanner:
    return Scanner(matcher(), index())


#: the attachments whose text is indexed
TEXT_TYPES = ("txt", "docx", "pdf")


def document_text(document: Document, attachments: Iterable[Attachment] | None = None) -> str:
    """The text of a document's stored content (text, DOCX and PDF attachments), decrypted for
    indexing by the system: no person reads it. `attachments`: those attachments of the
    document, when the caller has fetched them already."""
    from baomi.ledger import content

    from .extract import extract_text

    if attachments is None:
        attachments = Attachment.objects.filter(document=document, file_type__in=TEXT_TYPES)
    parts = []
    for attachment in attachments:
        try:
            parts.append(extract_text(content.decrypted_attachment(attachment))[1])
        except content.ContentError:
            continue  # accepted for storage, but no text in it (a scan without a text layer)
    return "\n".join(parts)


def indexable() -> Any:
    """Documents in force whose content Baomi holds, with those attachments (`text_attachments`)."""
    return (
        Document.objects.filter(state=Document.State.ACTIVE, attachments__file_type__in=TEXT_TYPES)
        .distinct()
        .prefetch_related(
            Prefetch(
                "attachments",
                queryset=Attachment.objects.filter(file_type__in=TEXT_TYPES),
                to_attr="text_attachments",
            )
        )
    )


def index_document(document: Document) -> None:
    """Add (or replace) one document in the index. The index is derived from the ledger and
    rebuilt from it at will: the ledger's own event (`document.content_attached`) is the record,
    and nothing here writes state or audit rows, as a signal's receiver must not."""
    text = document_text(document)
    if text:
        index().add([(document.pk, text)])


def drop_document(document: Document) -> None:
    """Take a document out of the index (declassified, destroyed, content withdrawn); the
    ledger's event of the closing is the record."""
    index().remove([document.pk])


#: how long before a rebuild content counts as possibly unseen by it: stored in a transaction
#: that began earlier and committed while the rebuild was reading
CATCH_UP = dt.timedelta(minutes=10)


def rebuild_index() -> int:
    """Index every document in force whose content Baomi holds, afresh; returns how many.

    The ledger goes on meanwhile, and its receivers update the index being replaced. Once the
    fresh index is in place it is brought up to date: documents indexable now that it lacks,
    or whose content was stored since shortly before it began, are indexed; those it holds
    that are no longer indexable are dropped."""
    started = clock.now()
    documents = list(indexable())
    FingerprintIndex.rebuild(
        index_folder(), ((d.pk, document_text(d, d.text_attachments)) for d in documents)
    )
    rebuilt = {d.pk for d in documents}
    now = set(indexable().values_list("pk", flat=True))
    fresh = indexable().filter(
        Q(pk__in=now - rebuilt) | Q(attachments__uploaded_at__gte=started - CATCH_UP)
    )
    texts = [(d.pk, document_text(d, d.text_attachments)) for d in fresh]
    index().add([(pk, text) for pk, text in texts if text])
    if gone := sorted(rebuilt - now):
        index().remove(gone)
    return len(documents)
