"""People typed by name: a user name is exact, a shared full name is not guessed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from baomi.people.names import one_staff_named, staff_named
from tests.support.factories import person

pytestmark = pytest.mark.django_db


def test_a_full_name_two_people_share_is_refused_and_a_user_name_is_exact():
    one = person("zhangwei1")
    two = person("zhangwei2")
    for p in (one, two):
        p.full_name = "张伟"
        p.save(update_fields=["full_name"])
    with pytest.raises(ValidationError) as raised:
        one_staff_named("张伟", "borrower")
    assert "张伟" in raised.value.message_dict["borrower"][0]
    assert one_staff_named("zhangwei2", "borrower") == two
    assert staff_named("zhangwei1、zhangwei2") == [one, two]
    with pytest.raises(ValidationError) as raised:
        staff_named("李四")
    assert "李四" in raised.value.message_dict["person"][0]
