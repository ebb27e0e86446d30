"""An organization with two departments, their leaders, staff and a security officer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.utils import translation

from baomi.approvals import kinds
from tests.support.factories import make_approvals_org


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


@pytest.fixture
def org(db: Any) -> SimpleNamespace:
    return make_approvals_org()
