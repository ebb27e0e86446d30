from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from baomi.core.levels import Tier
from baomi.people.models import Post
from tests.ledger.factories import make_org, person, register

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MORNING = dt.datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)  # a Friday


@pytest.fixture
def clock_at():
    """Move the clock to a local time in the organization's zone, ticking from there."""
    travellers = []

    def move(moment):
        traveller = time_machine.travel(moment, tick=False)
        traveller.start()
        travellers.append(traveller)
        return moment

    yield move
    for traveller in reversed(travellers):
        traveller.stop()


@pytest.fixture
def org(db, clock_at):
    clock_at(MORNING)
    org = make_org()
    planning = org["units"]["planning"]
    org["people"]["leader"] = person("leader", planning, posts=(Post.LEADER,), tier=Tier.CORE)
    org["people"]["officer"] = person(
        "officer", None, posts=(Post.SECURITY_OFFICER,), tier=Tier.CORE
    )
    org["people"]["reader2"] = person("reader2", planning, tier=Tier.IMPORTANT)
    org["document"] = register(org)  # 机密★10年, three copies, planning in scope
    return org


@pytest.fixture
def copy(org):
    return org["document"].copies.get(copy_no=1)
