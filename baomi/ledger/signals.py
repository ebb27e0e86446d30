"""What the ledger tells other apps, after the change is committed: a document's content was
stored (the review scanner indexes it), or a document left secrecy or existence (declassified,
every copy destroyed: the scanner forgets it). Receivers change no state and write no audit
rows: the ledger's own events record what happened, and receivers keep derived data in step."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.dispatch import Signal

content_stored = Signal()  # sender: Document; kwargs: document
document_closed = Signal()  # sender: Document; kwargs: document, reason


log = logging.getLogger(__name__)


def after_commit(signal: Signal, document: Any, **kwargs: Any) -> None:
    """Send `signal` for `document` once the current transaction has committed. The change is
    done by then: a receiver that fails is logged, and neither the other receivers, nor the
    other documents of the same transaction, nor the caller's answer suffer for it."""

    def send() -> None:
        for receiver, outcome in signal.send_robust(
            sender=type(document), document=document, **kwargs
        ):
            if isinstance(outcome, Exception):
                log.error("%s failed for document %s", receiver, document.pk, exc_info=outcome)

    transaction.on_commit(send, robust=True)
