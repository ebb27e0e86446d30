"""Scheduled work of the ledger, for `baomi tick`."""

from __future__ import annotations

from baomi.core.jobs import job

from . import services


@job("documents declassified", order=20)
def declassify_documents() -> int:
    """Declassify every document whose period has ended; idempotent."""
    return services.declassify_due()
