"""The people picker: staff found by name, user name or pinyin initials; for a copy, only those
who may hold it."""

from __future__ import annotations

import pytest

from baomi.people.models import Tier
from baomi.people.picker import by_initials, initials
from tests.support.factories import make_flows_org, person

pytestmark = pytest.mark.django_db

URL = "/people/autocomplete/"


@pytest.fixture
def org():  # type: ignore[no-untyped-def]
    org = make_flows_org()  # its document: 机密★10年, planning in scope
    planning = org["units"]["planning"]
    finance = org["people"]["general"].department
    org["people"] |= {
        "chenmin": person("chenmin", planning, tier=Tier.IMPORTANT, full_name="陈敏"),
        "chenming": person("chenming", finance, tier=Tier.IMPORTANT, full_name="陈明"),
        "shanli": person("shanli", planning, tier=Tier.IMPORTANT, full_name="单丽"),
        "xiaochen": person("xiaochen", planning, tier=Tier.GENERAL, full_name="陈晓"),
    }
    return org


def found(client, q: str, copy=None) -> list[str]:  # type: ignore[no-untyped-def]
    query = {"q": q} | ({"copy": copy.pk} if copy is not None else {})
    response = client.get(URL, query)
    assert response.status_code == 200
    return [r["username"] for r in response.json()["people"]]


def test_initials_follow_every_reading_of_a_name():
    assert by_initials("陈敏", "cm") and by_initials("陈敏", "c") and not by_initials("陈敏", "mc")
    # 单 is read dan, or shan as a surname: either finds 单丽
    assert by_initials("单丽", "sl") and by_initials("单丽", "dl")
    assert initials("Amy") == (frozenset("a"), frozenset("m"), frozenset("y"))


def test_staff_are_found_by_name_user_name_and_pinyin_initials(client, org):
    client.force_login(org["people"]["clerk"])
    assert found(client, "陈敏") == ["chenmin"]
    assert set(found(client, "陈")) == {"chenmin", "chenming", "xiaochen"}
    assert found(client, "chenmi")[:2] == ["chenmin", "chenming"]
    assert set(found(client, "cm")) == {"chenmin", "chenming"}
    assert found(client, "sl") == ["shanli"]
    assert found(client, "") == [] and found(client, "无此人") == []


def test_administrators_and_departed_staff_are_never_offered(client, org):
    from baomi.people.models import Person

    Person.objects.filter(username="chenming").update(is_active=False)
    client.force_login(org["people"]["clerk"])
    assert found(client, "cm") == ["chenmin"]
    assert found(client, "auditor") == []


def test_for_a_copy_only_those_who_may_hold_it_are_offered(client, org):
    copy = org["document"].copies.get(copy_no=1)
    client.force_login(org["people"]["clerk"])
    # 陈明 is outside the knowledge scope, 陈晓 not cleared for 机密
    assert set(found(client, "陈")) == {"chenmin", "chenming", "xiaochen"}
    assert found(client, "陈", copy) == ["chenmin"]
    assert found(client, "cm", copy) == ["chenmin"]


def test_a_copy_one_may_not_know_of_is_not_found(client, org):
    copy = org["document"].copies.get(copy_no=1)
    client.force_login(org["people"]["general"])
    assert client.get(URL, {"q": "陈", "copy": copy.pk}).status_code == 404
    assert client.get(URL, {"q": "陈", "copy": "x"}).json() == {"people": []}


def test_a_shared_name_is_picked_by_user_name(client, org):
    planning = org["units"]["planning"]
    person("chenmin2", planning, tier=Tier.IMPORTANT, full_name="陈敏")
    client.force_login(org["people"]["clerk"])
    results = client.get(URL, {"q": "陈敏"}).json()["people"]
    assert {r["value"] for r in results} == {"chenmin", "chenmin2"}
    results = client.get(URL, {"q": "单丽"}).json()["people"]
    assert [r["value"] for r in results] == ["单丽"]


def test_the_picker_is_for_signed_in_people_only(client, org):
    assert client.get(URL, {"q": "陈"}).status_code == 302
