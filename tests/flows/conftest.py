from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from tests.support.clock import ClockMover
from tests.support.factories import make_flows_org

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MORNING = dt.datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)  # a Friday


@pytest.fixture
def clock_at():
    """Stand the clock still at a local time in the organization's zone (the last one moved to)."""
    mover = ClockMover()
    yield mover
    mover.stop()


@pytest.fixture
def org(db, clock_at):
    clock_at(MORNING)
    return make_flows_org()  # its document: 机密★10年, three copies, planning in scope


@pytest.fixture
def copy(org):
    return org["document"].copies.get(copy_no=1)
