"""Scheduled work of the telegram desk, for `baomi tick`."""

from __future__ import annotations

from baomi.core.jobs import job

from . import services


@job("telegram clocks warned", order=60)
def warn_clocks() -> int:
    """Warn the people on duty of acknowledgements and deadlines about to run out, or past."""
    return services.warn_running_clocks()


@job("unstaffed shifts reported", order=61)
def warn_unstaffed() -> int:
    """Tell the heads of the room of every shift within the roster's horizon nobody holds."""
    return services.warn_unstaffed_shifts()
