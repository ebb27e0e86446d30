from __future__ import annotations

import pytest

from tests.support.factories import make_org


@pytest.fixture
def org(db):  # type: ignore[no-untyped-def]
    return make_org()
