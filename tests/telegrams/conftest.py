"""A confidential room with a clerk, a second clerk and its head (leader), on a Friday night."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from baomi.core.levels import Tier
from baomi.people.models import Post
from tests.ledger.factories import make_org, person

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
FRIDAY_NIGHT = dt.datetime(2026, 11, 20, 23, 50, tzinfo=SHANGHAI)


@pytest.fixture
def at():
    travellers = []

    def move(moment):
        traveller = time_machine.travel(moment, tick=False)
        traveller.start()
        travellers.append(traveller)

    yield move
    for traveller in reversed(travellers):
        traveller.stop()


@pytest.fixture
def org(at):
    at(FRIDAY_NIGHT)
    org = make_org()
    room = org["cabinet"].department
    org["people"]["head"] = person("head", room, posts=(Post.LEADER,), tier=Tier.CORE)
    org["people"]["clerk2"] = person("clerk2", room, posts=(Post.CLERK,), tier=Tier.CORE)
    return org
