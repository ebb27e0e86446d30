"""A small organization with a reviewer, a classified document whose text Baomi holds and
indexes, and a term on the organization's list (see `make_review_org`)."""

from __future__ import annotations

import pytest

from tests.support.factories import make_review_org


@pytest.fixture
def org(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.BAOMI_PROFILE = "classified"
    return make_review_org()
