"""The register pages and API: what is outside a person's scope does not exist for them."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from baomi.audit.models import AuditEvent
from baomi.ledger.models import Document
from tests.support.factories import print_approved, register

pytestmark = pytest.mark.django_db


def test_outsiders_find_it_in_no_list_search_count_or_api_and_get_404(client, org):
    document = register(org)
    for name in ("general", "important", "auditor"):
        client.force_login(org["people"][name])
        page = client.get("/ledger/?q=重大项目")
        assert page.context["page"].paginator.count == 0
        assert "关于2027年重大项目布局的请示" not in page.content.decode()
        assert client.get(f"/ledger/documents/{document.pk}/").status_code == 404
        api = client.get("/api/v1/documents/?q=示政办")
        assert api.json()["count"] == 0
        assert client.get(f"/api/v1/documents/{document.pk}/").status_code == 404
        if name == "auditor":
            continue  # administrators have no register to export
        for register_code in ("incoming", "carriers"):
            exported = client.get(f"/ledger/registers/{register_code}.xlsx")
            rows = list(load_workbook(io.BytesIO(exported.content)).active.iter_rows())
            assert len(rows) == 1  # the header only
        copy = document.copies.first()
        assert client.get(f"/ledger/copies/{copy.pk}/").status_code == 404
        assert client.get("/ledger/scan/", {"code": copy.scan_code}).status_code == 404
    assert not AuditEvent.objects.filter(action="document.viewed").exists()


def test_an_insider_sees_it_everywhere_and_each_view_is_recorded(client, org):
    document = register(org)
    client.force_login(org["people"]["insider"])
    page = client.get("/ledger/?q=重大项目").content.decode()
    assert "关于2027年重大项目布局的请示" in page
    detail = client.get(f"/ledger/documents/{document.pk}/").content.decode()
    assert "000003" in detail and "机密★10年" in detail
    api = client.get(f"/api/v1/documents/{document.pk}/").json()
    assert [c["number"] for c in api["copies"]] == ["000001", "000002", "000003"]
    assert AuditEvent.objects.filter(action="document.viewed").count() == 2


def test_a_clerk_registers_through_the_form_and_a_denial_is_shown(client, org):
    client.force_login(org["people"]["clerk"])
    form = {
        "title": "年度预算执行情况",
        "issuer": "市财政局",
        "issued_on": "2026-11-10",
        "kind": "state",
        "marking": "秘密★5年",
        "urgency": "0",
        "form": "paper",
        "page_count": "4",
        "copies": "2",
        "cabinet": org["cabinet"].pk,
    }
    response = client.post("/ledger/incoming/new/", form)
    assert response.status_code == 302
    assert Document.objects.get(title="年度预算执行情况").copies.count() == 2
    refused = client.post(
        "/ledger/incoming/new/", {**form, "marking": "绝密★31年"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 200 and "CLS.PERIOD.MAX" in refused.content.decode()
    assert Document.objects.count() == 1


def test_a_scanned_label_opens_the_copys_page_with_its_history(client, org):
    document = register(org)
    copy = document.copies.get(copy_no=2)
    assert copy.scan_code == f"BMC-{document.pk}-000002"
    client.force_login(org["people"]["insider"])
    sheet = client.get(f"/ledger/documents/{document.pk}/labels/").content.decode()
    labels = sheet.split('<div class="labels')[1]
    assert labels.count('<div class="qr"><svg') == 3 and copy.scan_code in labels
    assert "关于2027年重大项目布局的请示" not in sheet.split("<main")[1]
    opened = client.get("/ledger/scan/", {"code": copy.scan_code.lower()})
    assert opened.status_code == 302 and opened["Location"] == f"/ledger/copies/{copy.pk}/"
    page = client.get(opened["Location"]).content.decode()
    history = page[page.index("audit-history") :]
    assert "登记份" in history and "JYS-01" in history and "copy.registered" not in page
    assert AuditEvent.objects.filter(action="copy.viewed", object_id=str(copy.pk)).count() == 1
    assert client.get("/ledger/scan/", {"code": "not-a-label"}).status_code == 302
    client.force_login(org["people"]["important"])  # outside the scope
    assert client.get("/ledger/scan/", {"code": copy.scan_code}).status_code == 404
    assert client.get(f"/ledger/copies/{copy.pk}/").status_code == 404
    assert client.get(f"/ledger/documents/{document.pk}/labels/").status_code == 404


def test_the_clerk_routes_and_the_leader_writes_instructions_on_the_page(client, org):
    from baomi.core.levels import Tier
    from baomi.ledger.models import Instruction
    from baomi.people.models import Post
    from tests.support.factories import person

    leader = person("room_leader", org["cabinet"].department, posts=(Post.LEADER,), tier=Tier.CORE)
    document = register(org)
    client.force_login(org["people"]["clerk"])
    route_url = f"/ledger/documents/{document.pk}/route/"
    assert route_url in client.get(f"/ledger/documents/{document.pk}/").content.decode()
    client.post(route_url, {"leader": leader.pk})
    instruction = Instruction.objects.get()
    client.force_login(leader)
    page = client.get(f"/ledger/documents/{document.pk}/").content.decode()
    assert f"/ledger/instructions/{instruction.pk}/" in page and route_url not in page
    client.post(f"/ledger/instructions/{instruction.pk}/", {"text": "同意，抓紧办理。"})
    assert "同意，抓紧办理。" in client.get(f"/ledger/documents/{document.pk}/").content.decode()
    client.force_login(org["people"]["insider"])
    assert client.post(f"/ledger/instructions/{instruction.pk}/", {"text": "x"}).status_code == 404


def test_widening_the_scope_through_the_pages(client, org):
    from baomi.approvals.models import Approval
    from baomi.core.levels import Tier
    from baomi.people.models import Post
    from tests.support.factories import person

    leader = person("room_leader", org["cabinet"].department, posts=(Post.LEADER,), tier=Tier.CORE)
    document = register(org)
    target = org["people"]["important"]
    client.force_login(org["people"]["clerk"])
    client.post(
        f"/ledger/documents/{document.pk}/ask/scope/", {"person": target.pk, "reason": "核对预算"}
    )
    request = Approval.objects.get(kind="scope.widen")
    client.force_login(leader)
    client.post(f"/approvals/{request.pk}/approve/", {"comment": "同意", "decision": "approve"})
    client.force_login(org["people"]["clerk"])
    page = client.get(f"/ledger/documents/{document.pk}/").content.decode()
    assert f"/ledger/documents/{document.pk}/apply/{request.pk}/" in page
    client.post(f"/ledger/documents/{document.pk}/apply/{request.pk}/")
    assert Document.objects.visible_to(target).filter(pk=document.pk).exists()


def _form(org, **kw):
    return {
        "title": "2027年度工作要点",
        "issuer": "委机关",
        "issued_on": "2026-11-02",
        "kind": "state",
        "marking": "秘密★1年",
        "urgency": "0",
        "form": "paper",
        "page_count": "3",
        "copies": "2",
        "cabinet": org["cabinet"].pk,
        "scope_departments": [org["units"]["planning"].pk],
        **kw,
    }


def test_a_print_run_with_drafts_and_its_waste_through_the_pages(client, org):
    client.force_login(org["people"]["clerk"])
    response = client.post(
        "/ledger/internal/new/",
        _form(org, approval=print_approved(org, 2).pk, drafts="1", surplus=""),
    )
    assert response.status_code == 302, response.content.decode()
    document = Document.objects.get()
    assert list(document.copies.values_list("variant", flat=True)) == ["formal", "formal", "draft"]
    refused = client.post(
        "/ledger/internal/new/",
        _form(org, approval=print_approved(org, 1).pk),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "DOC.PRINT.SCOPE" in refused.content.decode() and Document.objects.count() == 1
    client.post(f"/ledger/documents/{document.pk}/waste/", {"kind": "spoiled", "sheets": "7"})
    waste = document.print_waste.get()
    page = client.get(f"/ledger/documents/{document.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "spoiled pages" in page.content.decode() and "draft" in page.content.decode()
    client.post(f"/ledger/waste/{waste.pk}/destroy/", {"supervisor": org["people"]["insider"].pk})
    waste.refresh_from_db()
    assert waste.destroyed_at is not None


def test_an_outgoing_item_lists_one_recipient_per_line(client, org):
    client.force_login(org["people"]["clerk"])
    response = client.post("/ledger/outgoing/new/", _form(org, recipients="市财政局\n\n市统计局\n"))
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.origin == "outgoing" and document.recipients == "市财政局、市统计局"
    assert "市财政局、市统计局" in client.get(f"/ledger/documents/{document.pk}/").content.decode()


def test_a_personal_item_signed_by_proxy_opens_only_after_the_addressee_signs(client, org):
    insider = org["people"]["insider"]
    client.force_login(org["people"]["clerk"])
    client.post("/ledger/incoming/new/", _form(org, addressee=insider.pk))
    document = Document.objects.get()
    refused = client.get(f"/ledger/documents/{document.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 403 and "DOC.RECEIPT" in refused.content.decode()
    client.force_login(insider)
    page = client.get(f"/ledger/documents/{document.pk}/").content.decode()
    assert f"/ledger/documents/{document.pk}/sign/" in page
    client.post(f"/ledger/documents/{document.pk}/sign/")
    client.force_login(org["people"]["clerk"])
    assert client.get(f"/ledger/documents/{document.pk}/").status_code == 200


def test_a_long_register_counts_only_as_far_as_the_pages_in_reach(client, org, monkeypatch):
    from baomi.core.paging import CappedPaginator
    from baomi.web.lists import ListPaginator

    monkeypatch.setattr(ListPaginator, "cap", 2)
    for n in range(4):
        register(org, title=f"文件{n}", doc_number=f"第{n}号")
    client.force_login(org["people"]["clerk"])
    first = client.get("/ledger/", {"page": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    paginator = first.context["page"].paginator
    # a page of 50 reaches past the cap: the count goes as far as the next page could need
    assert paginator.limit == 100 and paginator.count == 4 and not paginator.capped
    monkeypatch.setattr(CappedPaginator, "cap", 0)
    small = CappedPaginator(Document.objects.order_by("pk"), 1, page=1)
    assert small.limit == 2 and small.count == 3 and small.capped
    deep = CappedPaginator(Document.objects.order_by("pk"), 1, page=4)
    assert deep.count == 4 and not deep.capped
    assert list(deep.get_page(4).object_list) == list(Document.objects.order_by("pk")[3:4])
