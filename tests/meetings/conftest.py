from __future__ import annotations

import pytest

from tests.support.factories import make_meetings_org


@pytest.fixture
def org(db):  # type: ignore[no-untyped-def]
    return make_meetings_org()
