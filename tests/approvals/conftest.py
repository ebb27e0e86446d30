"""An organization with two departments, their leaders, staff and a security officer."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.utils import translation

from baomi.approvals import kinds
from baomi.audit.models import AuditEvent
from baomi.core.levels import Tier
from baomi.core.models import OrgUnit
from baomi.core.services import create_org_unit
from baomi.people.models import Person, Post
from baomi.people.services import create_person


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages are asserted in English, whatever Chinese translations exist."""
    with translation.override("en"):
        yield


@pytest.fixture
def scratch_kinds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kinds registered by a test are forgotten after it."""
    monkeypatch.setattr(kinds, "_KINDS", dict(kinds._KINDS))


#: a fixed "now" for the tests (Beijing 10:00)
NOW = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def frozen() -> Iterator[Any]:
    """Time stands still at NOW unless the test moves it."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def person(username: str, name: str, unit: OrgUnit | None, *posts: str) -> Person:
    return create_person(
        actor=None,
        username=username,
        full_name=name,
        password="x-Strong-Passw0rd!",
        department=unit,
        posts=posts,
        tier=Tier.IMPORTANT,
        must_change_password=False,
    )


@pytest.fixture
def org(db: Any) -> SimpleNamespace:
    return build_org()


def build_org() -> SimpleNamespace:
    root = create_org_unit(actor=None, name="委机关", kind=OrgUnit.Kind.ORGANIZATION)
    office = create_org_unit(actor=None, name="办公室", parent=root)
    finance = create_org_unit(actor=None, name="财务处", parent=root)
    return SimpleNamespace(
        root=root,
        office=office,
        finance=finance,
        staff=person("zhangsan", "张三", office, Post.STAFF),
        colleague=person("lisi", "李四", office, Post.STAFF),
        leader=person("wangzr", "王主任", office, Post.LEADER),
        deputy=person("zhaofzr", "赵副主任", office, Post.LEADER),
        finance_leader=person("qianchz", "钱处长", finance, Post.LEADER),
        officer=person("sunbm", "孙保密", finance, Post.SECURITY_OFFICER),
        director=person("zhoujz", "周局长", root, Post.LEADER),
    )


def events(action: str) -> list[dict[str, Any]]:
    """The recorded events of one action, as data, in chain order."""
    return [
        json.loads(body)
        for body in AuditEvent.objects.filter(action=action).values_list("body", flat=True)
    ]


def approval_events() -> list[str]:
    return list(
        AuditEvent.objects.filter(action__startswith="approval.").values_list("action", flat=True)
    )
