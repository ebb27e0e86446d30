"""The confidential room keeps one register: people with custody posts know every item their
department registered and every copy in the cabinets they keep, the entries and not the content
(ACC.NEED_TO_KNOW's custody_posts_see_register)."""

from __future__ import annotations

import io

import pytest

from baomi import policy
from baomi.core.levels import Tier
from baomi.core.models import OrgUnit
from baomi.core.visibility import NotVisible
from baomi.ledger.models import Copy, Document
from baomi.ledger.queries import register_for
from baomi.ledger.services import attach_content, create_cabinet, read_content, view_copy
from baomi.people.models import Post
from tests.support.factories import person, register

pytestmark = pytest.mark.django_db


def _blank_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def content_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.CONTENT_KEY_FILE = tmp_path / "keys" / "content_key"
    settings.BAOMI_PROFILE = "classified"
    return tmp_path / "content"


@pytest.fixture
def room(org):
    """The room's second clerk (outside the document's scope), a clerk of finance, and a
    document the first clerk registered with its content attached."""
    finance = OrgUnit.objects.get(name="财务审计科")
    room_unit = org["cabinet"].department
    org["people"]["clerk2"] = person("clerk2", room_unit, posts=(Post.CLERK,), tier=Tier.CORE)
    org["people"]["finance_clerk"] = person(
        "finance_clerk", finance, posts=(Post.CLERK,), tier=Tier.CORE
    )
    document = register(org)  # 机密, planning and the registering clerk in scope
    attachment = attach_content(
        actor=org["people"]["clerk"], document=document, name="请示.pdf", data=_blank_pdf()
    )
    org["document"], org["attachment"] = document, attachment
    return org


def _switch_off(security_admin):
    from baomi.policy.services import set_parameter

    set_parameter(
        actor=security_admin,
        rule_id="ACC.NEED_TO_KNOW",
        name="custody_posts_see_register",
        value=False,
        reason="只按知悉范围",
    )


def test_a_second_clerk_of_the_room_sees_the_item_and_its_copies_in_list_and_page(client, room):
    document, clerk2 = room["document"], room["people"]["clerk2"]
    assert not document.scope.filter(person=clerk2).exists()
    assert list(register_for(clerk2, {}).values_list("pk", flat=True)) == [document.pk]
    copy = document.copies.first()
    assert Copy.objects.visible_to(clerk2).filter(document=document).count() == 3
    client.force_login(clerk2)
    register_page = client.get("/ledger/").content.decode()
    assert document.title in register_page
    assert client.get(f"/ledger/documents/{document.pk}/").status_code == 200
    assert client.get(f"/ledger/copies/{copy.pk}/").status_code == 200
    api = client.get(f"/api/v1/documents/{document.pk}/")
    assert api.status_code == 200 and api.json()["id"] == document.pk
    assert client.get(f"/api/v1/copies/{copy.pk}/").status_code == 200


@pytest.mark.refuses("ACC.NEED_TO_KNOW")
def test_the_second_clerk_may_not_read_the_content(client, room):
    attachment, clerk2 = room["attachment"], room["people"]["clerk2"]
    with pytest.raises(policy.RuleViolation) as raised:
        read_content(actor=clerk2, attachment=attachment)
    assert raised.value.decision.rule_ids == ("ACC.NEED_TO_KNOW",)
    client.force_login(clerk2)
    page = client.get(f"/ledger/content/{attachment.pk}/")
    assert page.status_code == 403 and "ACC.NEED_TO_KNOW" in page.content.decode()
    api = client.get(f"/api/v1/attachments/{attachment.pk}/content/")
    assert api.status_code == 403 and "ACC.NEED_TO_KNOW" in api.content.decode()
    # the clerk who is in the scope reads it
    assert read_content(actor=room["people"]["clerk"], attachment=attachment).startswith(b"%PDF")


def test_with_the_parameter_off_the_second_clerk_sees_only_her_scope(client, room, security_admin):
    _switch_off(security_admin)
    document, clerk2 = room["document"], room["people"]["clerk2"]
    copy = document.copies.first()
    assert not register_for(clerk2, {}).exists()
    assert not Copy.objects.visible_to(clerk2).exists()
    with pytest.raises(NotVisible):
        view_copy(actor=clerk2, copy=copy)
    client.force_login(clerk2)
    assert client.get(f"/ledger/documents/{document.pk}/").status_code == 404
    assert client.get(f"/ledger/copies/{copy.pk}/").status_code == 404
    assert client.get(f"/ledger/content/{room['attachment'].pk}/").status_code == 404
    # the registering clerk is in the scope by name: nothing changes for her
    assert register_for(room["people"]["clerk"], {}).filter(pk=document.pk).exists()


def test_a_clerk_of_another_department_does_not_see_the_room_register(client, room):
    document, other = room["document"], room["people"]["finance_clerk"]
    assert not Document.objects.visible_to(other).exists()
    assert not Copy.objects.visible_to(other).exists()
    client.force_login(other)
    assert client.get(f"/ledger/documents/{document.pk}/").status_code == 404
    assert client.get(f"/ledger/copies/{document.copies.first().pk}/").status_code == 404


def test_a_member_of_the_room_without_a_custody_post_does_not_see_it(room):
    staff = person("room_staff", room["cabinet"].department, tier=Tier.CORE)
    assert not Document.objects.visible_to(staff).exists()


def test_a_clerk_sees_no_item_above_her_clearance(room):
    room_unit = room["cabinet"].department
    general = person("general_clerk", room_unit, posts=(Post.CLERK,), tier=Tier.GENERAL)
    assert not Document.objects.visible_to(general).exists()  # 机密 is above 一般


def test_a_custodian_accounts_for_every_copy_in_her_cabinet_but_not_the_document(client, room):
    finance = OrgUnit.objects.get(name="财务审计科")
    keeper = person("keeper", finance, posts=(Post.SECRETARY,), tier=Tier.IMPORTANT)
    cabinet = create_cabinet(
        actor=None, name="财务审计科保密柜", code="CWSJ-01", department=finance, custodian=keeper
    )
    document = register(room, cabinet=cabinet, copies=2, doc_number="示政办〔2026〕13号")
    mine = set(Copy.objects.visible_to(keeper).values_list("pk", flat=True))
    assert mine == set(document.copies.values_list("pk", flat=True))
    assert not Document.objects.visible_to(keeper).exists()
    client.force_login(keeper)
    copy = document.copies.first()
    assert client.get(f"/ledger/copies/{copy.pk}/").status_code == 200
    assert client.get(f"/ledger/scan/?code={copy.scan_code}").status_code == 302
    assert client.get(f"/ledger/documents/{document.pk}/").status_code == 404
    # the room's copies in other cabinets stay out of her sight
    assert client.get(f"/ledger/copies/{room['document'].copies.first().pk}/").status_code == 404


def test_a_custodian_without_a_custody_post_or_with_the_parameter_off_sees_no_copy(
    room, security_admin
):
    finance = OrgUnit.objects.get(name="财务审计科")
    keeper = person("keeper", finance, posts=(Post.STAFF,), tier=Tier.IMPORTANT)
    cabinet = create_cabinet(
        actor=None, name="财务审计科保密柜", code="CWSJ-01", department=finance, custodian=keeper
    )
    register(room, cabinet=cabinet, copies=2, doc_number="示政办〔2026〕13号")
    assert not Copy.objects.visible_to(keeper).exists()
    secretary = person("secretary", finance, posts=(Post.SECRETARY,), tier=Tier.IMPORTANT)
    kept = create_cabinet(
        actor=None, name="二号柜", code="CWSJ-02", department=finance, custodian=secretary
    )
    register(room, cabinet=kept, copies=1, doc_number="示政办〔2026〕14号")
    assert Copy.objects.visible_to(secretary).count() == 1
    _switch_off(security_admin)
    assert not Copy.objects.visible_to(secretary).exists()


def test_the_second_clerk_sees_that_a_leader_wrote_instructions_but_not_what(client, room):
    from baomi.ledger.services import route_for_instructions, write_instructions

    document, clerk2 = room["document"], room["people"]["clerk2"]
    leader = person("leader", room["units"]["planning"], posts=(Post.LEADER,), tier=Tier.CORE)
    routed = route_for_instructions(actor=room["people"]["clerk"], document=document, leader=leader)
    write_instructions(actor=leader, instruction=routed, text="请规划科研究落实")
    client.force_login(clerk2)
    page = client.get(f"/ledger/documents/{document.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "请规划科研究落实" not in text and "the text is for the knowledge scope" in text
    assert f"/ledger/content/{room['attachment'].pk}/" not in text  # no link to the content
    api = client.get(f"/api/v1/documents/{document.pk}/").json()
    assert [i["text"] for i in api["instructions"]] == [""]
    client.force_login(room["people"]["clerk"])
    assert "请规划科研究落实" in client.get(f"/ledger/documents/{document.pk}/").content.decode()
    api = client.get(f"/api/v1/documents/{document.pk}/").json()
    assert [i["text"] for i in api["instructions"]] == ["请规划科研究落实"]
