from __future__ import annotations

import pytest

from baomi.core.levels import Tier
from baomi.core.services import create_org_unit
from baomi.people.models import AdminRole, Post
from tests.support.factories import person


@pytest.fixture
def unit(db):
    return create_org_unit(actor=None, name="综合规划科")


@pytest.fixture
def make_person(unit):
    def make(
        username="sunli",
        posts=(Post.STAFF,),
        tier=Tier.GENERAL,
        admin_role="",
        must_change=False,
        department=unit,
    ):
        return person(
            username,
            None if admin_role else department,
            posts,
            tier,
            admin_role=admin_role,
            must_change_password=must_change,
        )

    return make


@pytest.fixture
def admins(make_person):
    return {
        role: make_person(username=role.value, admin_role=role)
        for role in (AdminRole.SYSTEM, AdminRole.SECURITY, AdminRole.AUDITOR)
    }
