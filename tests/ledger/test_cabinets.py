"""The cabinets page: for those who keep or oversee custody, each cabinet with its place, its
department, what it may hold, its custodian and how many copies the person may know of are in
it now, each count a link to the register filtered by that cabinet."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from baomi import policy
from baomi.core.levels import Tier
from baomi.ledger.models import Copy
from baomi.people.models import Post
from tests.support import rule_ids
from tests.support.factories import lend, make_flows_org, person, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return make_flows_org()


def browser(who, language="zh-hans"):
    client = Client(headers={"accept-language": language})
    client.force_login(who)
    return client


def _rows(response) -> dict[int, str]:
    html = response.content.decode()
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    return {
        int(pk): " ".join(re.sub(r"<[^>]+>", " ", cells).split())
        for pk, cells in re.findall(r'<tr data-pk="(\d+)">(.*?)</tr>', body, re.S)
    }


@pytest.mark.refuses("ACC.ROLE")
def test_readers_leaders_and_administrators_are_refused_the_cabinets(org):
    for who in ("insider", "leader", "auditor"):
        person = org["people"][who]
        with pytest.raises(policy.RuleViolation) as raised:
            policy.require("cabinet.list", actor=person)
        assert rule_ids(raised) == ["ACC.ROLE"]
        page = browser(person).get("/ledger/cabinets/")
        assert page.status_code == 403 and "ACC.ROLE" in page.content.decode()
        assert "/ledger/cabinets/" not in browser(person).get("/").content.decode()


def test_the_clerk_and_the_security_officer_see_every_cabinet(org):
    for who in ("clerk", "officer"):
        page = browser(org["people"][who]).get("/ledger/cabinets/")
        assert page.status_code == 200
        assert set(_rows(page)) == {org["cabinet"].pk, org["plain"].pk}
    home = browser(org["people"]["clerk"]).get("/").content.decode()
    assert 'href="/ledger/cabinets/"' in home


def test_a_row_says_where_whose_what_it_holds_and_counts_the_copies_in_it_now(org):
    copies = list(org["document"].copies.order_by("copy_no"))
    lend(org, copies[0])  # out on loan: no longer in the cabinet
    rows = _rows(browser(org["people"]["clerk"]).get("/ledger/cabinets/"))
    secure, plain = rows[org["cabinet"].pk], rows[org["plain"].pk]
    assert "JYS-01" in secure and "一号柜" in secure and "机要室" in secure
    assert "是" in secure and "绝密" in secure and "clerk" in secure
    assert secure.endswith(" 2") and plain.endswith(" 0")
    assert "否" in plain and "内部" in plain
    html = browser(org["people"]["clerk"]).get("/ledger/cabinets/").content.decode()
    link = f'href="/ledger/?cabinet={org["cabinet"].pk}"'
    assert link in html
    # the link opens the register of what is in that cabinet
    register_page = browser(org["people"]["clerk"]).get(f"/ledger/?cabinet={org['cabinet'].pk}")
    assert register_page.status_code == 200
    assert set(_rows(register_page)) == {org["document"].pk}
    plain_register = browser(org["people"]["clerk"]).get(f"/ledger/?cabinet={org['plain'].pk}")
    assert set(_rows(plain_register)) == set()


def test_the_count_is_of_the_copies_the_person_may_know_of(org):
    # a secretary of finance lists the cabinets, but knows nothing of planning's document
    finance = org["people"]["general"].department
    secretary = person("secretary", finance, posts=(Post.SECRETARY,), tier=Tier.CORE)
    in_cabinet = Copy.objects.filter(cabinet=org["cabinet"], state=Copy.State.IN_CABINET)
    assert in_cabinet.count() == 3
    assert not Copy.objects.visible_to(secretary).filter(pk__in=in_cabinet).exists()
    clerk = _rows(browser(org["people"]["clerk"]).get("/ledger/cabinets/"))
    theirs = _rows(browser(secretary).get("/ledger/cabinets/"))
    assert clerk[org["cabinet"].pk].endswith(" 3")
    assert theirs[org["cabinet"].pk].endswith(" 0")


def test_the_filters_narrow_by_department_kind_level_and_custodian(org):
    client = browser(org["people"]["clerk"])
    secure, plain = org["cabinet"].pk, org["plain"].pk
    assert set(_rows(client.get("/ledger/cabinets/", {"secure": "1"}))) == {secure}
    assert set(_rows(client.get("/ledger/cabinets/", {"secure": "0"}))) == {plain}
    assert set(_rows(client.get("/ledger/cabinets/", {"holds": "3"}))) == {secure}
    assert set(_rows(client.get("/ledger/cabinets/", {"holds": "1"}))) == {plain}
    room = org["cabinet"].department_id
    assert set(_rows(client.get("/ledger/cabinets/", {"department": room}))) == {secure, plain}
    other = org["units"]["planning"].pk
    assert set(_rows(client.get("/ledger/cabinets/", {"department": other}))) == set()
    custodian = org["people"]["clerk"].pk
    assert set(_rows(client.get("/ledger/cabinets/", {"custodian": custodian}))) == {secure, plain}
    wrong = client.get("/ledger/cabinets/", {"holds": "9"})
    assert wrong.status_code == 400 and "holds" in wrong.content.decode()


def test_the_page_reads_in_english_too(org):
    html = browser(org["people"]["clerk"], "en").get("/ledger/cabinets/").content.decode()
    for text in ("Cabinets", "Holds up to", "Copies in it", "Custodian", "top secret"):
        assert text in html


def test_a_lost_copy_is_no_longer_counted_in_its_last_cabinet_nor_found_there(org):
    from baomi.flows.services import report_lost

    other = register(org, doc_number="示政办〔2026〕13号", copies=1)
    report_lost(actor=org["people"]["clerk"], copy=other.copies.get(), circumstances="找不到")
    assert other.copies.get().cabinet_id == org["cabinet"].pk  # kept on record
    client = browser(org["people"]["clerk"])
    assert _rows(client.get("/ledger/cabinets/"))[org["cabinet"].pk].endswith(" 3")
    shown = _rows(client.get("/ledger/", {"cabinet": org["cabinet"].pk}))
    assert set(shown) == {org["document"].pk}
