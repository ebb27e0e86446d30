"""The named registers, in xlsx and PDF, hold exactly what the person may see."""

from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from baomi.audit.models import AuditEvent
from baomi.ledger import registers
from baomi.ledger.queries import register_for
from baomi.ledger.services import export_register, register_outgoing, route_for_instructions
from baomi.people.models import Post
from tests.support import pdf_text
from tests.support.factories import ISSUED, person, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(org):
    clerk = org["people"]["clerk"]
    incoming = register(org)
    register(org, title="财务审计科不可见的文件", scope_departments=[])
    leader = person("leader", org["units"]["planning"], posts=(Post.LEADER,), tier="core")
    route_for_instructions(actor=clerk, document=incoming, leader=leader)
    register_outgoing(
        actor=clerk,
        title="关于报送2027年计划的函",
        issuer="委机关",
        issued_on=ISSUED,
        cabinet=org["cabinet"],
        marking="秘密★1年",
        copies=2,
        recipients=["市财政局", "市统计局"],
        scope_departments=[org["units"]["planning"]],
    )
    return org


def sheet_rows(data):
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def test_the_incoming_register_lists_incoming_items_only_with_their_copies_and_leaders(ledger):
    insider = ledger["people"]["insider"]
    data = export_register(
        actor=insider, documents=register_for(insider, {}), register="incoming", fmt="xlsx"
    )
    header, *rows = sheet_rows(data)
    assert header == tuple(registers.REGISTERS["incoming"].headers)
    [row] = rows
    fields = dict(zip(header, row, strict=True))
    assert fields["标题"] == "关于2027年重大项目布局的请示" and fields["密级"] == "机密★10年"
    assert fields["份号"] == "000001–000003" and fields["份数"] == 3
    assert fields["阅批领导"] == "leader" and fields["签收人"] == "clerk"


def test_the_outgoing_register_names_the_recipients(ledger):
    clerk = ledger["people"]["clerk"]
    data = export_register(
        actor=clerk, documents=register_for(clerk, {}), register="outgoing", fmt="xlsx"
    )
    header, *rows = sheet_rows(data)
    assert [dict(zip(header, r, strict=True))["主送单位"] for r in rows] == ["市财政局、市统计局"]


def test_a_pdf_register_prints_chinese_text_with_the_highest_level_on_every_page(ledger):
    insider = ledger["people"]["insider"]
    data = export_register(
        actor=insider, documents=register_for(insider, {}), register="carriers", fmt="pdf"
    )
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "涉密载体台账" in text and "机密" in text.split("涉密载体台账")[0]
    assert "关于2027年重大项目布局的请示" in text and "关于报送2027年计划的函" in text
    assert "财务审计科不可见的文件" not in text
    events = AuditEvent.objects.filter(action="register.exported")
    assert [json.loads(e.body)["data"] for e in events] == [
        {"register": "carriers", "documents": 2, "format": "pdf"}
    ]


def test_too_many_rows_for_paper_is_refused_with_the_limit(ledger, monkeypatch):
    monkeypatch.setattr(registers, "PDF_MAX_ROWS", 1)
    clerk = ledger["people"]["clerk"]
    with pytest.raises(ValidationError) as raised:
        export_register(actor=clerk, documents=register_for(clerk, {}), fmt="pdf")
    assert "xlsx" in raised.value.messages[0]
    assert not AuditEvent.objects.filter(action="register.exported").exists()


def test_the_register_pages_export_each_register_as_filtered(client, ledger):
    client.force_login(ledger["people"]["clerk"])
    page = client.get("/ledger/").content.decode()
    for code in registers.REGISTERS:
        assert f"/ledger/registers/{code}.pdf" in page
    pdf = client.get("/ledger/registers/incoming.pdf", {"q": "重大项目"})
    assert pdf["Content-Type"] == "application/pdf"
    assert "关于2027年重大项目布局的请示" in pdf_text(pdf.content)
    xlsx = client.get("/ledger/registers/carriers.xlsx", {"q": "不可见"})
    assert [r[0] for r in sheet_rows(xlsx.content)[1:]] == ["财务审计科不可见的文件"]
    assert client.get("/ledger/registers/nothing.xlsx").status_code == 404
    assert client.get("/ledger/registers/incoming.doc").status_code == 404
