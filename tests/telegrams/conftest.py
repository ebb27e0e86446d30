"""A confidential room with a clerk, a second clerk and its head (leader), on a Friday night."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from baomi.core.levels import Tier, Urgency
from baomi.people.models import Post
from baomi.telegrams import services
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


def receive(org, number="2026-001", urgency=Urgency.NORMAL, **kw):
    """A telegram registered by the room's clerk; `kw` overrides any field."""
    args = {
        "actor": org["people"]["clerk"],
        "number": number,
        "traffic": "cipher",
        "urgency": urgency,
        "correspondent": "省委办公厅",
        "subject": "关于做好岁末年初安全工作的通知",
        "cabinet": org["cabinet"],
        "marking": "机密★1年",
    }
    args.update(kw)
    return services.register_telegram(**args)
