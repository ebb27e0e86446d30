"""Importing an existing register from xlsx (dry run, all or nothing) and exporting it."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from baomi import policy
from baomi.audit.models import AuditEvent
from baomi.audit.verify import verify_chain
from baomi.ledger import xlsx
from baomi.ledger.models import Copy, Document
from baomi.ledger.queries import register_for
from baomi.ledger.services import export_register, import_register
from tests.support import recorded

pytestmark = pytest.mark.django_db


def workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    book.active.append(xlsx.HEADERS)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def good(i: int) -> list[object]:
    return [
        f"第{i}号台账文件",
        "",
        f"示政办〔2026〕{i}号",
        "市人民政府办公室",
        "2026-10-01",
        "国家秘密",
        ["秘密★5年", "机密★10年", "秘密★6个月"][i % 3],
        "",
        "平件",
        "纸质",
        2,
        1,
        "JYS-01",
        "综合规划科",
    ]


BAD = {  # row index → (the bad row, a word its reason must contain)
    100: (lambda r: [*r[:6], "机密★25年", *r[7:]], "CLS.PERIOD.MAX"),
    2500: (lambda r: [*r[:12], "NO-SUCH", *r[13:]], "NO-SUCH"),
    4999: (lambda r: [*r[:4], "2026-02-30", *r[5:]], "day is out of range"),
}


def test_a_5000_row_import_lists_exactly_the_bad_rows_then_imports_all_at_once(org):
    clerk = org["people"]["clerk"]
    rows = [good(i) for i in range(5000)]
    for i, (spoil, _word) in BAD.items():
        rows[i] = spoil(rows[i])
    report = import_register(actor=clerk, data=workbook(rows), commit=True)
    assert report.rows == 5000 and report.imported == 0
    assert [number for number, _ in report.errors] == [i + 2 for i in BAD]
    for (number, reasons), (_spoil, word) in zip(report.errors, BAD.values(), strict=True):
        assert any(word in reason for reason in reasons), (number, reasons)
    assert not Document.objects.exists()
    before = AuditEvent.objects.count()
    fixed = workbook([good(i) for i in range(5000)])
    assert import_register(actor=clerk, data=fixed, commit=False).errors == []
    assert not Document.objects.exists()  # a dry run saves nothing
    report = import_register(actor=clerk, data=fixed, commit=True)
    assert report.imported == 5000 == Document.objects.count() == Copy.objects.count()
    assert AuditEvent.objects.count() - before == 5000 + 5000 + 1
    recorded("register.imported", actor=clerk, documents=5000, copies=5000)
    assert verify_chain().ok
    secret = Document.objects.get(title="第1号台账文件")
    assert secret.marking == "机密★10年" and secret.declassify_on.isoformat() == "2036-10-01"


def test_a_file_that_is_not_a_workbook_or_has_other_headings_is_refused(org):
    clerk = org["people"]["clerk"]
    with pytest.raises(ValidationError, match="xlsx"):
        import_register(actor=clerk, data=b"not a workbook", commit=False)
    book = Workbook()
    book.active.append(["标题", "别的"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ValidationError, match="标题"):
        import_register(actor=clerk, data=out.getvalue(), commit=False)


def test_only_the_registering_posts_import(org):
    with pytest.raises(policy.RuleViolation, match=r"ACC\.ROLE"):
        import_register(actor=org["people"]["insider"], data=xlsx.template(), commit=False)


@pytest.mark.refuses("DOC.REGISTER")
def test_the_template_imports_and_an_export_holds_only_what_the_person_may_see(org):
    from tests.support.factories import register

    clerk = org["people"]["clerk"]
    assert import_register(actor=clerk, data=xlsx.template(), commit=True).imported == 1
    register(org, title="财务审计科不可见的文件", scope_departments=[])
    insider = org["people"]["insider"]
    data = export_register(actor=insider, documents=register_for(insider, {}))
    sheet = load_workbook(io.BytesIO(data)).active
    titles = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert titles == ["关于2027年重大项目布局的请示"]
    assert AuditEvent.objects.filter(action="register.exported").count() == 1
    everything = export_register(actor=clerk, documents=register_for(clerk, {}))
    # the same columns both ways: the export reads back whole, each row found already registered
    again = import_register(actor=clerk, data=everything, commit=False)
    assert again.rows == 2 and [n for n, _ in again.errors] == [2, 3]
    assert all(reasons == [reasons[0]] for _n, reasons in again.errors)
    assert all(reasons[0].startswith("DOC.REGISTER ") for _n, reasons in again.errors)


def test_import_and_export_through_the_pages(client, org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(org["people"]["clerk"])
    template = client.get("/ledger/import/template.xlsx")
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")
    bad = workbook([good(1), [*good(2)[:6], "机密★", *good(2)[7:]]])
    page = client.post(
        "/ledger/import/", {"file": SimpleUploadedFile("a.xlsx", bad), "commit": "1"}
    )
    assert page.context["report"].errors[0][0] == 3 and not Document.objects.exists()
    done = client.post(
        "/ledger/import/", {"file": SimpleUploadedFile("a.xlsx", template.content), "commit": "1"}
    )
    assert done.status_code == 302 and Document.objects.count() == 1
    exported = client.get("/ledger/export.xlsx")
    assert load_workbook(io.BytesIO(exported.content)).active.max_row == 2
