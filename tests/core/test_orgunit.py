from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from baomi.audit.models import AuditEvent
from baomi.core.models import OrgUnit
from baomi.core.services import create_org_unit

pytestmark = pytest.mark.django_db


def test_units_nest_and_subtrees_are_one_prefix_query():
    root = create_org_unit(actor=None, name="委机关", kind=OrgUnit.Kind.ORGANIZATION)
    office = create_org_unit(actor=None, name="办公室", parent=root)
    room = create_org_unit(actor=None, name="机要室", parent=office)
    other = create_org_unit(actor=None, name="人事科", parent=root)
    assert room.path == f"/{root.pk}/{office.pk}/{room.pk}/" and room.depth == 2
    assert list(OrgUnit.objects.subtree(office)) == [office, room]
    assert room.is_within(root) and not other.is_within(office)
    assert room.ancestor_ids() == [root.pk, office.pk]


def test_creating_a_unit_is_audited():
    unit = create_org_unit(actor=None, name="保密办")
    event = AuditEvent.objects.get()
    assert (event.action, event.object_type, event.object_id) == (
        "orgunit.created",
        "core.orgunit",
        str(unit.pk),
    )
    assert json.loads(event.body)["data"]["name"] == "保密办"


@pytest.mark.parametrize("name", ["", "   "])
def test_a_unit_needs_a_name(name):
    with pytest.raises(ValidationError) as raised:
        create_org_unit(actor=None, name=name)
    assert "name" in raised.value.message_dict
    assert not OrgUnit.objects.exists() and not AuditEvent.objects.exists()


def test_sibling_names_are_unique_and_nothing_is_saved_on_refusal():
    root = create_org_unit(actor=None, name="委机关")
    create_org_unit(actor=None, name="办公室", parent=root)
    with pytest.raises(ValidationError, match="办公室"):
        create_org_unit(actor=None, name="办公室", parent=root)
    assert OrgUnit.objects.count() == 2 and AuditEvent.objects.count() == 2
