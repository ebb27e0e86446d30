"""A confidential room with a clerk, a second clerk and its head (leader), on a Friday night."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from tests.support.clock import ClockMover
from tests.support.factories import make_telegrams_org

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
FRIDAY_NIGHT = dt.datetime(2026, 11, 20, 23, 50, tzinfo=SHANGHAI)


@pytest.fixture
def at():
    """Stand the clock still at a moment (the last one moved to), until the test ends."""
    mover = ClockMover()
    yield mover
    mover.stop()


@pytest.fixture
def org(at):
    at(FRIDAY_NIGHT)
    return make_telegrams_org()
