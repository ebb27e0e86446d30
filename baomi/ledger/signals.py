"""What the ledger tells other apps, after the change is committed: a document's content was
stored (the review scanner indexes it), or a document left secrecy or existence (declassified,
every copy destroyed: the scanner forgets it). Receivers must not change ledger state."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import Signal

content_stored = Signal()  # sender: Document; kwargs: document
document_closed = Signal()  # sender: Document; kwargs: document, reason


def after_commit(signal: Signal, document: Any, **kwargs: Any) -> None:
    """Send `signal` for `document` once the current transaction has committed."""
    transaction.on_commit(lambda: signal.send(sender=type(document), document=document, **kwargs))
