"""Scheduled work of the approval flow, for `baomi tick`."""

from __future__ import annotations

from baomi.core.jobs import job

from . import services


@job("approvals expired", order=10)
def expire_approvals() -> int:
    """Expire every request whose time is up; safe to run again at any time (idempotent)."""
    return services.expire_due()
