"""Import is idempotent (DOC.REGISTER): a row naming a document already in the register, by its
issuer and number or by copy numbers the register holds, is a bad row; nothing is imported
twice, and an exported register imported again imports nothing and says why."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook, load_workbook

from baomi.audit.models import AuditEvent
from baomi.ledger import xlsx
from baomi.ledger.models import Copy, Document
from baomi.ledger.services import import_register
from tests.support.factories import register

pytestmark = pytest.mark.django_db


def workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    book.active.append(xlsx.HEADERS)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_row() -> list[object]:
    """The template's one row: the document `register(org)` registers (same issuer, number)."""
    sheet = load_workbook(io.BytesIO(xlsx.template())).active
    return list(next(sheet.iter_rows(min_row=2, values_only=True)))


def new_row(number: str = "示政办〔2026〕99号", title: str = "新的台账文件") -> list[object]:
    row = template_row()
    row[0], row[2] = title, number
    return row


def _upload(client, data: bytes, button: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/ledger/import/", {"file": SimpleUploadedFile("台账.xlsx", data), button: "1"}
    )


@pytest.mark.refuses("DOC.REGISTER")
def test_the_demo_register_exported_and_imported_again_imports_nothing(client):
    from baomi.demo import load_demo
    from baomi.people.models import Person

    load_demo()
    clerk = Person.objects.get(username="yangxue")
    client.force_login(clerk)
    exported = client.get("/ledger/export.xlsx")
    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(exported.content)).active
    rows = sheet.max_row - 1
    # the room's clerk exports the whole register: every item the room registered
    assert rows == Document.objects.count() >= 7
    documents, copies = Document.objects.count(), Copy.objects.count()
    before = AuditEvent.objects.count()

    checked = _upload(client, exported.content, "dry_run")
    report = checked.context["report"]
    assert report.rows == rows and report.imported == 0
    assert [number for number, _ in report.errors] == list(range(2, rows + 2))
    for number, reasons in report.errors:
        assert any(r.startswith("DOC.REGISTER ") for r in reasons), (number, reasons)
    page = checked.content.decode()
    assert "已在登记簿中" in page  # the reason is shown, translated

    done = _upload(client, exported.content, "commit")
    assert done.status_code == 200 and done.context["report"].imported == 0
    assert len(done.context["report"].errors) == rows
    assert (Document.objects.count(), Copy.objects.count()) == (documents, copies)
    assert not AuditEvent.objects.filter(action="register.imported").exists()
    # a refused import writes nothing; the export itself was the only event
    assert AuditEvent.objects.count() == before

    with translation.override("en"):
        english = import_register(actor=clerk, data=exported.content, commit=False)
    assert all(
        any("already in the register" in r for r in reasons) for _n, reasons in english.errors
    )


@pytest.mark.refuses("DOC.REGISTER")
def test_one_new_row_and_one_duplicate_import_nothing_until_the_duplicate_is_removed(org):
    clerk = org["people"]["clerk"]
    existing = register(org)
    mixed = workbook([new_row(), template_row()])
    report = import_register(actor=clerk, data=mixed, commit=True)
    assert report.imported == 0 and [n for n, _ in report.errors] == [3]
    [reason] = report.errors[0][1]
    assert reason.startswith("DOC.REGISTER ") and existing.doc_number in reason
    assert list(Document.objects.values_list("pk", flat=True)) == [existing.pk]  # all or nothing

    report = import_register(actor=clerk, data=workbook([new_row()]), commit=True)
    assert report.imported == 1 and report.errors == []
    assert Document.objects.filter(doc_number="示政办〔2026〕99号").count() == 1
    again = import_register(actor=clerk, data=workbook([new_row()]), commit=True)
    assert again.imported == 0 and again.errors[0][0] == 2
    assert Document.objects.count() == 2


@pytest.mark.refuses("DOC.REGISTER")
def test_a_row_repeating_an_earlier_row_of_the_file_is_refused_naming_it(org):
    clerk = org["people"]["clerk"]
    with translation.override("en"):
        report = import_register(actor=clerk, data=workbook([new_row(), new_row()]), commit=False)
    assert [n for n, _ in report.errors] == [3]
    assert "row 2" in report.errors[0][1][0]
    assert not Document.objects.exists()


@pytest.mark.refuses("DOC.REGISTER")
def test_an_item_without_a_number_is_a_duplicate_by_the_copy_numbers_it_holds(org):
    clerk = org["people"]["clerk"]
    register(org, doc_number="", copies=2)  # copies 000001 and 000002
    row = template_row()
    row[2], row[11] = "", 3
    with translation.override("en"):
        report = import_register(actor=clerk, data=workbook([row]), commit=True)
    assert report.imported == 0
    [reason] = report.errors[0][1]
    assert "000001、000002" in reason and "already in the register" in reason
    # another title, or another issuer, is another item
    other = [*row[:1], *row[1:]]
    other[0] = "另一份未编号文件"
    assert import_register(actor=clerk, data=workbook([other]), commit=True).imported == 1


def test_an_item_of_another_issuer_with_the_same_number_is_not_a_duplicate(org):
    clerk = org["people"]["clerk"]
    register(org)
    row = template_row()
    row[3] = "市财政局"
    report = import_register(actor=clerk, data=workbook([row]), commit=True)
    assert report.errors == [] and report.imported == 1


@pytest.mark.refuses("DOC.REGISTER")
def test_an_item_registered_between_the_check_and_the_save_is_still_refused(org):
    from baomi import policy
    from baomi.core.models import OrgUnit
    from baomi.ledger.models import Cabinet
    from baomi.ledger.services.spreadsheets import _import_rows

    clerk = org["people"]["clerk"]
    rows = xlsx.read(
        workbook([new_row(), template_row()]),
        cabinets={c.code: c for c in Cabinet.objects.all()},
        units={u.name: u for u in OrgUnit.objects.all()},
    )
    assert not any(row.errors for row in rows)
    register(org)  # saved by someone else after the file was checked
    with pytest.raises(policy.RuleViolation) as raised:
        _import_rows(clerk, rows)
    assert raised.value.decision.rule_ids == ("DOC.REGISTER",)
    assert raised.value.violations[0].values["row"] == 3
    assert Document.objects.count() == 1
