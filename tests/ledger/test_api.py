"""The ledger's REST API: registration on each path and every action of a document's page,
through the services, with denials as problem+json naming the rules and 404 outside the scope."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from baomi.approvals.models import Approval
from baomi.audit.models import AuditEvent
from baomi.core.levels import Tier
from baomi.ledger import xlsx
from baomi.ledger.models import Attachment, Document, Instruction, PrintWaste
from baomi.ledger.services import attach_content, record_print_waste, register_internal
from baomi.people.models import Post
from tests.support import api, pdf_text
from tests.support.factories import ISSUED, person, print_approved, register

from .test_xlsx import good, workbook

pytestmark = pytest.mark.django_db

API = "/api/v1/documents/"


def _blank_pdf() -> bytes:
    """A whole PDF of one blank page: the content check reads every page of an upload."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF = _blank_pdf()
PROBLEM = "application/problem+json"


def rules(response):
    assert response.status_code == 403, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    return [v["rule"] for v in response.json()["violations"]]


def payload(org, origin="incoming", **kw):
    return {
        "origin": origin,
        "title": "2027年度工作要点",
        "issuer": "委机关",
        "issued_on": ISSUED.isoformat(),
        "marking": "秘密★1年",
        "copies": 2,
        "cabinet": org["cabinet"].code,
        "scope_departments": [org["units"]["planning"].pk],
        **kw,
    }


@pytest.fixture
def content_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.CONTENT_KEY_FILE = tmp_path / "keys" / "content_key"
    settings.BAOMI_PROFILE = "classified"
    return tmp_path / "content"


@pytest.fixture
def leader(org):
    return person("room_leader", org["cabinet"].department, posts=(Post.LEADER,), tier=Tier.CORE)


def test_the_register_lists_filters_and_counts_and_a_read_is_a_recorded_view(org):
    document = register(org)
    register(org, title="公开通知", marking="", level=0, cabinet=org["plain"])
    client = api(org["people"]["insider"])
    assert client.get(API).json()["count"] == 2
    assert [d["id"] for d in client.get(API, {"level": 3}).json()["results"]] == [document.pk]
    assert client.get(API, {"state": "declassified"}).json()["count"] == 0
    assert client.get(API, {"q": "公开"}).json()["results"][0]["copy_count"] == 3
    detail = client.get(f"{API}{document.pk}/").json()
    assert detail["copy_count"] == 3 and detail["marking"] == "机密★10年"
    assert [c["number"] for c in detail["copies"]] == ["000001", "000002", "000003"]
    assert AuditEvent.objects.filter(action="document.viewed").count() == 1


def test_each_origin_registers_through_the_api_with_its_numbered_copies(org):
    clerk, insider = org["people"]["clerk"], org["people"]["insider"]
    client = api(clerk)
    incoming = client.post(
        API,
        payload(org, signed_by=insider.pk, scope_posts=["leader"], doc_number="示政办〔2026〕3号"),
        format="json",
    )
    assert incoming.status_code == 201, incoming.content
    body = incoming.json()
    assert body["origin"] == "incoming" and body["copy_count"] == 2
    assert [c["number"] for c in body["copies"]] == ["000001", "000002"]
    assert {c["cabinet"] for c in body["copies"]} == {str(org["cabinet"])}
    found = Document.objects.get(pk=body["id"])
    assert found.signed_by == insider and found.scope.filter(post="leader").exists()
    event = AuditEvent.objects.filter(action="document.registered").get()
    assert event.event["data"]["origin"] == "incoming"
    assert event.event["data"]["signed_by"] == insider.pk

    internal = client.post(
        API,
        payload(org, "internal", approval=print_approved(org, 2).pk, drafts=1, proofs=1),
        format="json",
    )
    assert internal.status_code == 201, internal.content
    printed = Document.objects.get(pk=internal.json()["id"])
    assert printed.approved_count == 2
    assert list(printed.copies.values_list("variant", flat=True)) == [
        "formal",
        "formal",
        "draft",
        "proof",
    ]

    outgoing = client.post(
        API, payload(org, "outgoing", recipients=["市财政局", " ", "市统计局"]), format="json"
    )
    assert outgoing.status_code == 201, outgoing.content
    sent = Document.objects.get(pk=outgoing.json()["id"])
    assert sent.origin == "outgoing" and sent.recipients == "市财政局、市统计局"
    assert AuditEvent.objects.filter(action="copy.registered").count() == 2 + 4 + 2


@pytest.mark.refuses("DOC.PRINT.SCOPE")
def test_a_print_run_beyond_its_approved_count_is_refused_naming_the_rule(org):
    client = api(org["people"]["clerk"])
    approval = print_approved(org, 2)
    refused = client.post(
        API, payload(org, "internal", copies=3, approval=approval.pk), format="json"
    )
    assert rules(refused) == ["DOC.PRINT.SCOPE"]
    assert refused.json()["status"] == 403 and "approved distribution" in refused.json()["detail"]
    assert not Document.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="document.").exists()
    other = api(org["people"]["insider"]).post(API, payload(org), format="json")
    assert rules(other) == ["ACC.ROLE"] and not Document.objects.exists()


def test_bad_input_is_a_400_problem_and_saves_nothing(org):
    client = api(org["people"]["clerk"])
    no_origin = client.post(API, {**payload(org), "origin": "elsewhere"}, format="json")
    assert no_origin.status_code == 400 and "origin" in no_origin.json()["errors"]
    no_cabinet = client.post(API, payload(org, cabinet="NO-SUCH"), format="json")
    assert no_cabinet.status_code == 400 and "cabinet" in no_cabinet.json()["errors"]
    no_approved = client.post(API, payload(org, "internal", approval="many"), format="json")
    assert no_approved.status_code == 400 and "approval" in no_approved.json()["errors"]
    unmarked = client.post(API, payload(org, marking="", level=3), format="json")
    assert unmarked.status_code == 400 and unmarked["Content-Type"].startswith(PROBLEM)
    assert "marking" in unmarked.json()["errors"]
    too_few = client.post(API, payload(org, "outgoing", copies=1, recipients=["甲", "乙"]))
    assert too_few.status_code == 400 and "recipients" in too_few.json()["errors"]
    assert not Document.objects.exists()


def test_an_outsider_gets_404_from_every_endpoint_of_a_document(org, content_dir, leader):
    clerk = org["people"]["clerk"]
    document = register_internal(
        actor=clerk,
        title="2027年度工作要点",
        issuer="委机关",
        issued_on=ISSUED,
        copies=2,
        approval=print_approved(org, 2),
        cabinet=org["cabinet"],
        marking="机密★10年",
        scope_departments=[org["units"]["planning"]],
    )
    attachment = attach_content(actor=clerk, document=document, name="a.pdf", data=PDF)
    waste = record_print_waste(actor=clerk, document=document, kind="spoiled", sheets=2)
    copy = document.copies.first()
    before = AuditEvent.objects.count()
    url = f"{API}{document.pk}/"
    for name in ("important", "general", "auditor"):
        client = api(org["people"][name])
        answers = [
            client.get(url),
            client.post(f"{url}route/", {"leader": leader.pk}),
            client.post(f"{url}instructions/", {"text": "同意"}),
            client.post(f"{url}sign/"),
            client.post(f"{url}scope-requests/", {"person": clerk.pk, "reason": "x"}),
            client.post(f"{url}change-requests/", {"change": "declassify", "reason": "x"}),
            client.post(f"{url}apply/", {"approval": 1}),
            client.post(f"{url}content/", {"file": SimpleUploadedFile("b.pdf", PDF)}),
            client.post(f"{url}print-waste/", {"kind": "spoiled", "sheets": 1}),
            client.get(f"/api/v1/copies/{copy.pk}/"),
            client.get(f"/api/v1/attachments/{attachment.pk}/content/"),
            client.post(f"/api/v1/print-waste/{waste.pk}/destroy/", {"supervisor": clerk.pk}),
        ]
        assert [a.status_code for a in answers] == [404] * len(answers), name
        assert client.get(API).json()["count"] == 0
        assert client.get(f"{API}export/", {"format": "xlsx"}).status_code == 200
    assert AuditEvent.objects.count() == before + 3  # the three empty exports
    assert Attachment.objects.count() == 1 and not Instruction.objects.exists()
    assert PrintWaste.objects.get().destroyed_at is None


def test_a_personal_item_signed_by_proxy_stays_shut_until_the_addressee_signs(org, content_dir):
    clerk, insider = org["people"]["clerk"], org["people"]["insider"]
    client = api(clerk)
    created = client.post(API, payload(org, addressee=insider.pk), format="json")
    assert created.status_code == 201, created.content
    document = Document.objects.get(pk=created.json()["id"])
    assert document.sealed and document.signed_by == clerk
    attachment = attach_content(actor=insider, document=document, name="a.pdf", data=PDF)
    assert rules(client.get(f"{API}{document.pk}/")) == ["DOC.RECEIPT"]
    shut = client.get(f"/api/v1/attachments/{attachment.pk}/content/")
    assert rules(shut) == ["DOC.RECEIPT"] and PDF not in shut.content
    not_theirs = client.post(f"{API}{document.pk}/sign/")
    assert rules(not_theirs) == ["DOC.RECEIPT"] and "addressee" in not_theirs.json()["detail"]
    signed = api(insider).post(f"{API}{document.pk}/sign/")
    assert signed.status_code == 200 and signed.json()["id"] == document.pk
    assert AuditEvent.objects.filter(action="document.receipt_signed").count() == 1
    assert client.get(f"{API}{document.pk}/").status_code == 200
    assert client.get(f"/api/v1/attachments/{attachment.pk}/content/").content == PDF


def test_content_is_uploaded_encrypted_and_read_back_on_record(org, content_dir, settings):
    document = register(org)
    client = api(org["people"]["clerk"])
    url = f"{API}{document.pk}/content/"
    stored = client.post(url, {"file": SimpleUploadedFile("请示.pdf", PDF)})
    assert stored.status_code == 201, stored.content
    meta = stored.json()
    assert meta["name"] == "请示.pdf" and meta["file_type"] == "pdf" and meta["size"] == len(PDF)
    assert PDF not in next(content_dir.glob("*")).read_bytes()
    got = api(org["people"]["insider"]).get(
        f"/api/v1/attachments/{meta['id']}/content/", HTTP_ACCEPT="application/json"
    )
    assert got.status_code == 200 and got.content == PDF
    assert (
        got["Content-Type"] == "application/pdf"
        and "filename*=UTF-8''" in got["Content-Disposition"]
    )
    assert AuditEvent.objects.filter(action="document.content_read").count() == 1
    settings.BAOMI_PROFILE = "register"
    assert rules(client.post(url, {"file": SimpleUploadedFile("b.pdf", PDF)})) == ["DOC.CONTENT"]
    assert client.post(url, {}).status_code == 400
    assert Attachment.objects.count() == 1


def test_the_clerk_routes_and_the_leader_writes_instructions(org, leader):
    document = register(org)
    url = f"{API}{document.pk}/"
    assert rules(api(org["people"]["insider"]).post(f"{url}route/", {"leader": leader.pk})) == [
        "ACC.ROLE"
    ]
    clerk = api(org["people"]["clerk"])
    not_a_leader = clerk.post(f"{url}route/", {"leader": org["people"]["insider"].pk})
    assert not_a_leader.status_code == 400 and "leader" in not_a_leader.json()["errors"]
    routed = clerk.post(f"{url}route/", {"leader": leader.pk})
    assert routed.status_code == 201 and routed.json()["leader"] == leader.pk
    assert (
        api(org["people"]["insider"]).post(f"{url}instructions/", {"text": "x"}).status_code == 404
    )
    boss = api(leader)
    assert boss.get(url).status_code == 200  # routing put the leader in the scope
    written = boss.post(f"{url}instructions/", {"text": "同意，抓紧办理。"})
    assert written.status_code == 200 and written.json()["text"] == "同意，抓紧办理。"
    again = boss.post(f"{url}instructions/", {"text": "再批"})
    assert again.status_code == 400 and Instruction.objects.get().text == "同意，抓紧办理。"
    assert AuditEvent.objects.filter(action="instructions.written").count() == 1
    detail = clerk.get(url).json()
    assert [i["text"] for i in detail["instructions"]] == ["同意，抓紧办理。"]


def test_print_waste_is_recorded_then_destroyed_under_supervision(org):
    clerk = api(org["people"]["clerk"])
    distribution = print_approved(org, 2).pk
    created = clerk.post(API, payload(org, "internal", approval=distribution), format="json").json()
    url = f"{API}{created['id']}/print-waste/"
    assert clerk.post(url, {"kind": "confetti", "sheets": 3}).status_code == 400
    assert clerk.post(url, {"kind": "spoiled", "sheets": 0}).status_code == 400
    recorded = clerk.post(url, {"kind": "spoiled", "sheets": 7, "note": "卡纸"})
    assert recorded.status_code == 201 and recorded.json()["kind"] == "spoiled"
    waste_id = recorded.json()["id"]
    destroy = f"/api/v1/print-waste/{waste_id}/destroy/"
    alone = clerk.post(destroy, {"supervisor": org["people"]["clerk"].pk})
    assert rules(alone) == ["DOC.DESTROY"]
    assert PrintWaste.objects.get().destroyed_at is None
    done = clerk.post(destroy, {"supervisor": org["people"]["insider"].pk})
    assert done.status_code == 200 and done.json()["destroyed_at"] is not None
    assert done.json()["supervised_by"] == org["people"]["insider"].pk
    assert AuditEvent.objects.filter(action="print_waste.destroyed").count() == 1
    assert clerk.post(destroy, {"supervisor": org["people"]["insider"].pk}).status_code == 400
    incoming = register(org)
    wrong = clerk.post(f"{API}{incoming.pk}/print-waste/", {"kind": "spoiled", "sheets": 1})
    assert wrong.status_code == 400


def test_scope_and_classification_requests_then_applying_the_approvals(org, leader):
    document = register(org)
    target = org["people"]["important"]
    clerk = api(org["people"]["clerk"])
    url = f"{API}{document.pk}/"
    asked = clerk.post(f"{url}scope-requests/", {"person": target.pk, "reason": "核对预算"})
    assert asked.status_code == 201 and asked.json()["kind"] == "scope.widen"
    assert asked.json()["payload"] == {"person": target.pk}
    pending = clerk.post(f"{url}apply/", {"approval": asked.json()["id"]})
    assert rules(pending) == ["ACC.NEED_TO_KNOW"] and pending.json()["approvals"] == ["scope.widen"]
    assert api(leader).post(f"/api/v1/approvals/{asked.json()['id']}/approve/").status_code == 200
    not_theirs = api(org["people"]["insider"]).post(
        f"{url}apply/", {"approval": asked.json()["id"]}
    )
    assert not_theirs.status_code == 400 and "approval" in not_theirs.json()["errors"]
    widened = clerk.post(f"{url}apply/", {"approval": asked.json()["id"]})
    assert widened.status_code == 200, widened.content
    assert api(target).get(url).status_code == 200
    bad = clerk.post(f"{url}change-requests/", {"change": "upgrade", "marking": "秘密★1年"})
    assert bad.status_code == 400 and not Approval.objects.filter(kind="document.change").exists()
    change = clerk.post(f"{url}change-requests/", {"change": "declassify", "reason": "已公开"})
    assert change.status_code == 201 and change.json()["payload"]["change"] == "declassify"
    api(leader).post(f"/api/v1/approvals/{change.json()['id']}/approve/")
    applied = clerk.post(f"{url}apply/", {"approval": change.json()["id"]})
    assert applied.status_code == 200 and applied.json()["state"] == "declassified"
    assert AuditEvent.objects.filter(action="document.declassified").count() == 1


def test_a_copy_reads_with_its_custody_timeline(org):
    document = register(org)
    copy = document.copies.get(copy_no=2)
    body = api(org["people"]["insider"]).get(f"/api/v1/copies/{copy.pk}/").json()
    assert body["number"] == "000002" and body["document"] == document.pk
    assert body["marking"] == "机密★10年" and body["variant"] == "formal"
    assert [e["action"] for e in body["timeline"]] == ["copy.registered", "copy.viewed"]
    assert body["timeline"][0]["data"]["cabinet"] == "JYS-01"
    assert AuditEvent.objects.filter(action="copy.viewed", object_id=str(copy.pk)).count() == 1


def test_an_export_holds_only_what_the_person_may_see(org):
    register(org)
    register(org, title="财务审计科不可见的文件", scope_departments=[])
    client = api(org["people"]["insider"])
    printed = client.get(f"{API}export/", {"register": "incoming", "format": "pdf"})
    assert printed.status_code == 200 and printed["Content-Type"] == "application/pdf"
    text = pdf_text(printed.content)
    assert "收文登记簿" in text and "重大项目布局" in text and "不可见" not in text
    sheet = client.get(f"{API}export/", {"format": "xlsx", "q": "重大项目"}, HTTP_ACCEPT="*/*")
    assert sheet["Content-Type"] == xlsx_type()
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["关于2027年重大项目布局的请示"]
    assert client.get(f"{API}export/", {"q": "不存在"}).status_code == 200
    clerk = api(org["people"]["clerk"]).get(f"{API}export/", {"format": "xlsx"})
    assert load_workbook(io.BytesIO(clerk.content)).active.max_row == 3
    unknown = client.get(f"{API}export/", {"register": "secrets"})
    assert unknown.status_code == 400 and unknown["Content-Type"].startswith(PROBLEM)
    assert "register" in unknown.json()["errors"]
    assert AuditEvent.objects.filter(action="register.exported").count() == 4


def xlsx_type():
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_an_import_dry_run_lists_the_bad_rows_and_a_clean_file_imports(org):
    clerk = api(org["people"]["clerk"])
    bad = workbook([good(1), [*good(2)[:6], "机密★25年", *good(2)[7:]], good(3)])
    url = f"{API}import/"
    report = clerk.post(url, {"file": SimpleUploadedFile("a.xlsx", bad), "commit": "true"})
    assert report.status_code == 200
    body = report.json()
    assert body["rows"] == 3 and body["imported"] == 0
    assert [e["row"] for e in body["errors"]] == [3]
    assert any("CLS.PERIOD.MAX" in reason for reason in body["errors"][0]["errors"])
    assert not Document.objects.exists()
    clean = workbook([good(1), good(3)])
    dry = clerk.post(url, {"file": SimpleUploadedFile("a.xlsx", clean)})
    assert dry.json() == {"rows": 2, "errors": [], "imported": 0} and not Document.objects.exists()
    done = clerk.post(url, {"file": SimpleUploadedFile("a.xlsx", clean), "commit": "true"})
    assert done.status_code == 201 and done.json()["imported"] == 2
    assert Document.objects.count() == 2
    junk = clerk.post(url, {"file": SimpleUploadedFile("a.xlsx", b"not a workbook")})
    assert junk.status_code == 400 and "file" in junk.json()["errors"]
    other = api(org["people"]["insider"])
    denied = other.post(url, {"file": SimpleUploadedFile("t.xlsx", xlsx.template())})
    assert rules(denied) == ["ACC.ROLE"] and Document.objects.count() == 2


def test_every_ledger_endpoint_is_in_the_schema_without_warnings():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    schema = out.getvalue()
    for path in (
        "/api/v1/documents/{id}/route/",
        "/api/v1/documents/{id}/instructions/",
        "/api/v1/documents/{id}/scope-requests/",
        "/api/v1/documents/{id}/change-requests/",
        "/api/v1/documents/{id}/apply/",
        "/api/v1/documents/{id}/content/",
        "/api/v1/documents/{id}/print-waste/",
        "/api/v1/documents/{id}/sign/",
        "/api/v1/documents/export/",
        "/api/v1/documents/import/",
        "/api/v1/copies/{id}/",
        "/api/v1/attachments/{id}/content/",
        "/api/v1/print-waste/{id}/destroy/",
    ):
        assert f"{path}:" in schema, path
