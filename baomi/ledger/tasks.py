"""Scheduled work of the ledger, for `baomi tick`."""

from __future__ import annotations

from . import services


def declassify_documents() -> int:
    """Declassify every document whose period has ended; idempotent."""
    return services.declassify_due()
