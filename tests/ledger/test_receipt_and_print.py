"""Print runs with drafts, proofs, surplus prints and waste; items signed for by proxy."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from baomi import policy
from baomi.audit.models import AuditEvent
from baomi.ledger.models import Copy, Document, PrintWaste
from baomi.ledger.services import (
    destroy_print_waste,
    read_content,
    record_print_waste,
    register_internal,
    sign_for_receipt,
    view_copy,
    view_document,
)
from tests.support import recorded, rule_ids
from tests.support.factories import ISSUED, print_approved, register

pytestmark = pytest.mark.django_db


def print_run(org, approved=5, **kw):
    """A print run of `copies` (5) under the room head's approval of `approved` (5) copies."""
    args = {
        "actor": org["people"]["clerk"],
        "title": "2027年度工作要点（征求意见稿）",
        "issuer": "委机关",
        "issued_on": ISSUED,
        "cabinet": org["cabinet"],
        "marking": "秘密★1年",
        "copies": 5,
    }
    args.update(kw)
    args.setdefault("approval", print_approved(org, approved))
    return register_internal(**args)


def test_drafts_proofs_and_surplus_prints_are_numbered_after_the_formal_copies(org):
    document = print_run(org, drafts=2, proofs=1, surplus=1)
    copies = list(document.copies.order_by("copy_no").values_list("copy_no", "variant"))
    assert copies == [
        *[(n, "formal") for n in range(1, 6)],
        (6, "draft"),
        (7, "draft"),
        (8, "proof"),
        (9, "surplus"),
    ]
    registered = AuditEvent.objects.filter(action="copy.registered").order_by("seq")
    variants = [json.loads(e.body)["data"].get("variant") for e in registered]
    assert variants == [None] * 5 + ["draft", "draft", "proof", "surplus"]
    data = json.loads(AuditEvent.objects.get(action="document.registered").body)["data"]
    assert data["draft"] == 2 and data["surplus"] == 1 and "formal" not in data


@pytest.mark.refuses("DOC.PRINT.SCOPE")
def test_extra_prints_do_not_count_against_the_approval_but_formal_copies_do(org):
    with pytest.raises(policy.RuleViolation) as raised:
        print_run(org, copies=6, drafts=3)
    assert raised.value.violations[0].rule_id == "DOC.PRINT.SCOPE"
    with pytest.raises(ValidationError) as invalid:
        print_run(org, proofs=-1)
    assert "proof" in invalid.value.message_dict
    assert not Document.objects.exists() and not Copy.objects.exists()


def test_print_waste_is_recorded_then_destroyed_under_a_second_persons_supervision(org):
    document = print_run(org)
    clerk, insider = org["people"]["clerk"], org["people"]["insider"]
    waste = record_print_waste(actor=clerk, document=document, kind="stencil", sheets=4)
    recorded(
        "print_waste.recorded", waste, actor=clerk, document=document.pk, kind="stencil", sheets=4
    )
    with pytest.raises(policy.RuleViolation) as alone:
        destroy_print_waste(actor=clerk, waste=waste, supervisor=clerk)
    with translation.override("en"):  # the message is rendered in the language active when read
        assert rule_ids(alone) == ["DOC.DESTROY"] and "second" in alone.value.violations[0].message
    with pytest.raises(policy.RuleViolation) as admin:
        destroy_print_waste(actor=clerk, waste=waste, supervisor=org["people"]["auditor"])
    assert rule_ids(admin) == ["ACC.SOD"]
    assert PrintWaste.objects.get(pk=waste.pk).destroyed_at is None
    destroyed = destroy_print_waste(actor=clerk, waste=waste, supervisor=insider)
    assert destroyed.destroyed_by == clerk and destroyed.supervised_by == insider
    recorded(
        "print_waste.destroyed",
        waste,
        actor=clerk,
        document=document.pk,
        supervisor=insider.pk,
        sheets=4,
    )
    with pytest.raises(ValidationError):
        destroy_print_waste(actor=clerk, waste=waste, supervisor=insider)
    actions = list(
        AuditEvent.objects.filter(object_type="ledger.printwaste").values_list("action", flat=True)
    )
    assert actions == ["print_waste.recorded", "print_waste.destroyed"]


def test_print_waste_needs_a_print_run_a_kind_and_sheets(org):
    clerk = org["people"]["clerk"]
    incoming = register(org)
    with pytest.raises(ValidationError):
        record_print_waste(actor=clerk, document=incoming, kind="stencil", sheets=1)
    run = print_run(org, scope_departments=[org["units"]["planning"]])
    with pytest.raises(ValidationError) as raised:
        record_print_waste(actor=clerk, document=run, kind="stencil", sheets=0)
    assert "sheets" in raised.value.message_dict
    with pytest.raises(policy.RuleViolation):
        record_print_waste(actor=org["people"]["insider"], document=run, kind="other", sheets=1)
    assert not PrintWaste.objects.exists()


@pytest.mark.refuses("DOC.RECEIPT")
def test_a_proxy_recipient_cannot_open_an_item_until_its_addressee_signs(org):
    clerk, insider = org["people"]["clerk"], org["people"]["insider"]
    colleague = org["people"]["planning_general"]
    document = register(org, addressee=insider, marking="秘密★1年")
    assert document.sealed and document.signed_by == clerk
    # the clerk signed in the addressee's stead: the copy's custody shows, the item stays shut
    view_copy(actor=clerk, copy=document.copies.first())
    recorded(
        "copy.viewed", document.copies.first(), actor=clerk, document=document.pk, copy_no="000001"
    )
    for outsider in (clerk, colleague):
        with pytest.raises(policy.RuleViolation) as raised:
            view_document(actor=outsider, document=document)
        [violation] = raised.value.violations
        assert violation.rule_id == "DOC.RECEIPT"
        assert violation.values == {"addressee": insider.pk, "signed_by": clerk.pk}
    view_document(actor=insider, document=document)
    with pytest.raises(policy.RuleViolation) as raised:
        sign_for_receipt(actor=clerk, document=document)
    assert rule_ids(raised) == ["DOC.RECEIPT"]
    signed = sign_for_receipt(actor=insider, document=document)
    assert not signed.sealed
    recorded("document.receipt_signed", document, actor=insider, proxy=clerk.pk)
    view_document(actor=clerk, document=signed)
    view_document(actor=colleague, document=signed)
    with pytest.raises(ValidationError):
        sign_for_receipt(actor=insider, document=signed)
    assert AuditEvent.objects.filter(action="document.receipt_signed").count() == 1


def test_an_addressee_without_clearance_is_refused_and_nothing_is_saved(org):
    with pytest.raises(policy.RuleViolation) as raised:
        register(org, addressee=org["people"]["general"])
    assert "ACC.CLEARANCE" in {v.rule_id for v in raised.value.violations}
    assert not Document.objects.exists()


def test_an_item_the_addressee_signs_for_in_person_is_open_at_once(org):
    insider = org["people"]["insider"]
    document = register(org, addressee=insider, signed_by=insider)
    assert not document.sealed
    view_document(actor=org["people"]["clerk"], document=document)


def test_content_of_a_sealed_item_is_refused_to_the_proxy(org, settings, tmp_path):
    from baomi.ledger.services import attach_content

    settings.BAOMI_PROFILE = "classified"
    settings.DATA_DIR = tmp_path
    settings.CONTENT_KEY_FILE = tmp_path / "keys" / "content_key"
    insider = org["people"]["insider"]
    document = register(org, addressee=insider, marking="秘密★1年")
    with pytest.raises(policy.RuleViolation):
        attach_content(actor=org["people"]["clerk"], document=document, name="a.txt", data=b"x")
    attachment = attach_content(
        actor=insider, document=document, name="a.txt", data="正文".encode()
    )
    with pytest.raises(policy.RuleViolation):
        read_content(actor=org["people"]["clerk"], attachment=attachment)
    assert read_content(actor=insider, attachment=attachment) == "正文".encode()


def test_only_incoming_items_are_routed_for_instructions(org):
    from baomi.ledger.services import route_for_instructions
    from baomi.people.models import Post
    from tests.support.factories import person

    leader = person("leader", org["units"]["planning"], posts=(Post.LEADER,), tier="core")
    run = print_run(org)
    with pytest.raises(ValidationError):
        route_for_instructions(actor=org["people"]["clerk"], document=run, leader=leader)
    assert not run.instructions.exists()


def test_a_sealed_items_title_shows_only_to_its_addressee_in_lists_and_exports(client, org):
    import io

    from openpyxl import load_workbook

    from baomi.ledger.queries import register_for
    from baomi.ledger.services import export_register

    clerk, insider = org["people"]["clerk"], org["people"]["insider"]
    document = register(org, addressee=insider, title="干部考察情况通报")
    client.force_login(clerk)
    assert "干部考察情况通报" not in client.get("/ledger/").content.decode()
    assert client.get("/api/v1/documents/").json()["results"][0]["title"] == "（亲启件）"
    sheet = load_workbook(
        io.BytesIO(export_register(actor=clerk, documents=register_for(clerk, {})))
    )
    assert [r[0] for r in sheet.active.iter_rows(min_row=2, values_only=True)] == ["（亲启件）"]
    client.force_login(insider)
    assert "干部考察情况通报" in client.get("/ledger/").content.decode()
    sign_for_receipt(actor=insider, document=document)
    client.force_login(clerk)
    assert "干部考察情况通报" in client.get("/ledger/").content.decode()
