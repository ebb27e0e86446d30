"""Scheduled work of the approval flow, for `baomi tick`."""

from __future__ import annotations

from . import services


def expire_approvals() -> int:
    """Expire every request whose time is up; safe to run again at any time (idempotent)."""
    return services.expire_due()
