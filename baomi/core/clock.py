"""The one source of time for Baomi.

Services, rules and scheduled jobs ask `clock.now()` / `clock.today()` instead of the datetime
module, so tests (time-machine) and simulations can move time, and deadlines are computed in the
organization's time zone (settings.TIME_ZONE) rather than the server's.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator

from django.utils import timezone

_source: Callable[[], dt.datetime] = timezone.now


def now() -> dt.datetime:
    """The current instant, timezone-aware (UTC)."""
    return _source()


def local_now() -> dt.datetime:
    """The current instant in the organization's time zone."""
    return timezone.localtime(now())


def today() -> dt.date:
    """Today's date in the organization's time zone."""
    return local_now().date()


def at(day: dt.date, time_of_day: str) -> dt.datetime:
    """The instant of a local clock time ("18:00") on `day` in the organization's time zone."""
    hours, minutes = (int(x) for x in time_of_day.split(":"))
    naive = dt.datetime.combine(day, dt.time(hours, minutes))
    return timezone.make_aware(naive, timezone.get_default_timezone())


def local(moment: dt.datetime) -> dt.datetime:
    """`moment` in the organization's time zone."""
    return timezone.localtime(moment, timezone.get_default_timezone())


@contextlib.contextmanager
def use(source: Callable[[], dt.datetime]) -> Iterator[None]:
    """Run a block with another time source (a simulation, a replay of past events)."""
    global _source
    previous, _source = _source, source
    try:
        yield
    finally:
        _source = previous
