"""A document's page is an object page: its marking and state in the header, tabs for its
details, copies, approvals, content and history, and only the actions the person may take."""

from __future__ import annotations

import re

import pytest

from baomi.approvals.services import approve
from baomi.core.levels import Tier
from baomi.ledger.models import Document
from baomi.ledger.services import ask_to_widen_scope, widen_scope
from baomi.people.models import Post
from tests.support.factories import person, register

pytestmark = pytest.mark.django_db

TABS = ("details", "copies", "approvals", "content", "history")


def _page(client, document, language="zh-hans"):  # type: ignore[no-untyped-def]
    response = client.get(f"/ledger/documents/{document.pk}/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_the_header_carries_the_marking_and_state_and_each_tab_its_part(client, org):
    document = register(org)
    clerk, insider = org["people"]["clerk"], org["people"]["insider"]
    leader = person("room_leader", org["cabinet"].department, posts=(Post.LEADER,), tier=Tier.CORE)
    asked = ask_to_widen_scope(
        actor=clerk, document=document, person=org["people"]["important"], reason="核对预算"
    )
    widen_scope(actor=clerk, document=document, approval=approve(actor=leader, approval=asked))
    client.force_login(clerk)
    page = _page(client, document)
    header = page.split('class="page-header', 1)[1].split('class="page-body', 1)[0]
    assert "机密★10年" in header and "有效" in header  # the document in force
    for tab in TABS:
        assert f'href="#tab-{tab}"' in page and f'id="tab-{tab}"' in page
    copies = page.split('id="tab-copies"', 1)[1].split('id="tab-approvals"', 1)[0]
    assert [c.label for c in document.copies.all()] == re.findall(r">(\d{6})</a>", copies)
    approvals = page.split('id="tab-approvals"', 1)[1].split('id="tab-content"', 1)[0]
    assert f"/approvals/{asked.pk}/" in approvals and "核对预算" in approvals
    history = page.split('id="tab-history"', 1)[1]
    assert "扩大知悉范围" in history and "核对预算" in history  # the approval, by kind and summary
    assert "审批 #" not in history
    # a reader in the scope sees no one else's approval
    client.force_login(insider)
    assert f"/approvals/{asked.pk}/" not in _page(client, document)


def test_the_clerks_actions_are_offered_to_the_clerk_only(client, org):
    document = register(org, kind="work")  # a work secret: its content may be stored
    clerk, insider = org["people"]["clerk"], org["people"]["insider"]
    route = f"/ledger/documents/{document.pk}/route/"
    upload = f"/ledger/documents/{document.pk}/content/"
    client.force_login(clerk)
    page = _page(client, document)
    assert route in page and upload in page
    client.force_login(insider)  # in the scope, but routes nothing (ACC.ROLE)
    page = _page(client, document)
    assert route not in page and upload in page
    client.post(route, {"leader": clerk.pk})
    assert not document.instructions.exists()


def test_content_is_not_offered_where_the_deployment_may_not_hold_it(client, org):
    document = register(org)  # a 机密 state secret, in the register profile (DOC.CONTENT)
    client.force_login(org["people"]["clerk"])
    page = _page(client, document)
    assert f"/ledger/documents/{document.pk}/content/" not in page
    assert f"/ledger/documents/{document.pk}/route/" in page


def test_print_waste_is_recorded_only_by_the_clerk(client, org):
    from tests.ledger.test_pages import _form
    from tests.support.factories import print_approved

    client.force_login(org["people"]["clerk"])
    client.post("/ledger/internal/new/", _form(org, approval=print_approved(org, 2).pk))
    document = Document.objects.get()
    waste = f"/ledger/documents/{document.pk}/waste/"
    assert waste in _page(client, document)
    client.force_login(org["people"]["insider"])
    assert waste not in _page(client, document)
    client.post(waste, {"kind": "spoiled", "sheets": "3"})
    assert not document.print_waste.exists()
