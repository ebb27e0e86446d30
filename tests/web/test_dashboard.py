"""The dashboard by role (待办/已办): each count with its first rows, linked to its list, among
what the person may know of; notices read as text, never as codes."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from baomi.approvals.services import request_approval
from baomi.core import clock
from baomi.ledger.services import route_for_instructions
from tests.support import browser
from tests.support.factories import lend, make_flows_org

pytestmark = pytest.mark.django_db


def cards(who) -> dict[str, tuple[int, str, str]]:
    """{card key: (count, the list it links to, the card's html)} of the person's dashboard."""
    html = browser(who).get(reverse("web:home")).content.decode()
    found = {}
    for key, body in re.findall(r'data-card="(\w+)">(.*?)</div>\s*</div>\s*</div>', html, re.S):
        link = re.search(r'<a class="h1[^"]*" href="([^"]+)"[^>]*>(\d+)</a>', body)
        assert link, key
        found[key] = (int(link.group(2)), link.group(1), body)
    return found


@pytest.fixture
def office(db):
    """A loan past its due time, a document routed to the leader days ago, and a request to
    carry a copy out awaiting the leader."""
    org = make_flows_org()
    people = org["people"]
    copies = list(org["document"].copies.order_by("copy_no"))
    lend(org, copies[0], due_at=clock.now() + dt.timedelta(hours=1))
    route_for_instructions(actor=people["clerk"], document=org["document"], leader=people["leader"])
    org["asked"] = request_approval(
        actor=people["insider"], kind="copy.carry_out", summary="赴市政府汇报", subject=copies[1]
    )
    return org


def listed(kind: str, query: str = "clear=1") -> str:
    """A workbench list's address narrowed to a card's rows (by default: cleared of any filter
    the person last left on it)."""
    return f"{reverse('flows:list', args=[kind])}?{query}"


def later(days: int = 4):
    return time_machine.travel(timezone.now() + dt.timedelta(days=days), tick=False)


def test_the_clerk_sees_the_offices_work_with_links_to_each_list(office):
    with later():
        found = cards(office["people"]["clerk"])
    assert found["overdue_loans"][:2] == (1, listed("overdue_loans"))
    assert "000001" in found["overdue_loans"][2] and "机密★10年" in found["overdue_loans"][2]
    assert "insider" in found["overdue_loans"][2]
    assert found["outside"][:2] == (1, listed("outside"))
    assert found["readers"][:2] == (0, listed("readers"))
    assert found["instructions"][:2] == (1, f"{reverse('flows:instructions')}?state=late")
    assert found["to_sign"][0] == 0 and found["approvals"][0] == 0
    assert found["clocks"][1] == reverse("telegrams:desk")


def test_a_leader_sees_what_awaits_approval_and_instructions(office):
    found = cards(office["people"]["leader"])
    count, url, body = found["approvals"]
    assert (count, url) == (1, f"{reverse('approvals:inbox')}?clear=1")
    assert "Take a copy out of the office" in body and "机密★10年" in body
    assert reverse("approvals:detail", args=[office["asked"].pk]) in body
    leader = office["people"]["leader"]
    instructions = reverse("flows:instructions")
    assert found["to_instruct"][:2] == (1, f"{instructions}?state=waiting&amp;leader={leader.pk}")
    assert office["document"].title in found["to_instruct"][2]
    assert "readers" not in found  # the office's lists are the clerk's


def test_a_reader_sees_what_they_hold_and_must_return(office):
    with later(days=0):
        found = cards(office["people"]["insider"])
    insider = office["people"]["insider"].pk
    assert found["held"][:2] == (1, listed("held", f"holder={insider}"))
    assert found["to_return"][:2] == (1, listed("loans", f"borrower={insider}"))
    assert found["to_sign"][:2] == (0, listed("to_sign"))
    assert "approvals" not in found and "overdue_loans" not in found
    # someone outside the scope sees nothing of the document
    html = browser(office["people"]["general"]).get(reverse("web:home")).content.decode()
    assert office["document"].title not in html


def test_notices_read_as_text_and_link_to_their_object(office):
    html = browser(office["people"]["leader"]).get(reverse("web:home")).content.decode()
    assert "A document was routed to you for instructions" in html
    assert reverse("ledger:document", args=[office["document"].pk]) in html
    assert "document.routed" not in html


def test_an_administrator_sees_no_office_work(office):
    html = browser(office["people"]["auditor"]).get(reverse("web:home")).content.decode()
    assert "data-card" not in html and office["document"].title not in html


def follow_counts(who, left: dict[str, dict[str, str]]) -> dict[str, tuple[int, int]]:
    """{card key: (its count, the rows of the list its count links to)} of each card of the
    person's dashboard that leads to a list page, after they left on lists the filters `left`
    (list address: query), which the count's link must not keep."""
    client = browser(who)
    for address, query in left.items():
        assert client.get(address, query).status_code == 200, address
    followed = {}
    for key, (count, url, _body) in cards(who).items():
        page = client.get(unescape(url), follow=True).content.decode()
        if "data-list=" not in page:
            continue  # the duty desk is a page of its own
        body = page[page.index("<tbody>") : page.index("</tbody>")]
        followed[key] = (count, len(re.findall(r'<tr data-pk="\d+"', body)))
    return followed


def test_each_count_of_the_clerk_leads_to_a_list_of_exactly_its_rows(office):
    from baomi.flows.services import hand_to_reader, start_circulation

    clerk = office["people"]["clerk"]
    copies = list(office["document"].copies.order_by("copy_no"))
    circulation = start_circulation(actor=clerk, copy=copies[2], readers=[clerk])
    hand_to_reader(actor=clerk, circulation=circulation, due_at=clock.now() + dt.timedelta(hours=2))
    with later():
        # filters she left on lists keep nothing of what their counts stand for
        followed = follow_counts(
            clerk,
            {
                reverse("flows:list", args=["overdue_loans"]): {"place": "home"},
                reverse("flows:list", args=["to_sign"]): {"level": "4"},
                reverse("flows:instructions"): {"state": "written"},
                reverse("approvals:inbox"): {"requester": str(clerk.pk)},
            },
        )
    assert {k: shown for k, (_count, shown) in followed.items()} == {
        k: count for k, (count, _shown) in followed.items()
    }
    assert set(followed) >= {
        "readers",
        "overdue_loans",
        "outside",
        "to_sign",
        "approvals",
        "instructions",
        "held",
        "to_return",
    }
    assert followed["readers"][0] == 1 and followed["overdue_loans"][0] == 1
    assert followed["instructions"][0] == 1 and followed["held"][0] == 1


def test_each_count_of_a_leader_leads_to_a_list_of_exactly_its_rows(office):
    leader, clerk = office["people"]["leader"], office["people"]["clerk"]
    followed = follow_counts(
        leader,
        {
            reverse("flows:instructions"): {"state": "written"},
            reverse("approvals:inbox"): {"requester": str(clerk.pk)},
        },
    )
    assert followed["to_instruct"] == (1, 1)
    assert followed["approvals"] == (1, 1)
    assert {k: shown for k, (_count, shown) in followed.items()} == {
        k: count for k, (count, _shown) in followed.items()
    }


def test_each_count_of_a_reader_leads_to_a_list_of_exactly_their_rows(office):
    from baomi.flows.services import hand_to_reader, start_circulation

    clerk, insider = office["people"]["clerk"], office["people"]["insider"]
    copies = list(office["document"].copies.order_by("copy_no"))
    circulation = start_circulation(actor=clerk, copy=copies[2], readers=[insider])
    hand_to_reader(actor=clerk, circulation=circulation)
    followed = follow_counts(
        insider,
        {
            reverse("flows:list", args=["held"]): {"state": "in_cabinet"},
            reverse("flows:list", args=["loans"]): {"place": "home"},
            reverse("flows:list", args=["to_sign"]): {"level": "4"},
        },
    )
    # the lent copy and the one handed to read; the loan; the circulation to sign for
    assert followed == {"held": (2, 2), "to_return": (1, 1), "to_sign": (1, 1)}
