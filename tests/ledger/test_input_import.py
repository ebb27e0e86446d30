"""A register imported from xlsx takes its text as the registration form does: a title or issuer
with a direction override or a control character is a bad row naming its column, and a file
with a bad row saves nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from baomi.ledger.models import Document
from tests.support.clients import api

from .test_xlsx import good, workbook

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("column", "text"), [(0, "关于\u202egpj.exe的通知"), (3, "市政府\u2066办公室")]
)
def test_a_row_with_a_direction_override_is_a_bad_row_naming_its_column(org, column, text):
    row = good(2)
    row[column] = text
    report = api(org["people"]["clerk"]).post(
        "/api/v1/documents/import/",
        {"file": SimpleUploadedFile("a.xlsx", workbook([good(1), row])), "commit": "true"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    body = report.json()
    assert report.status_code == 200 and body["imported"] == 0
    [error] = body["errors"]
    label = {0: "标题", 3: "发文机关"}[column]
    assert error["row"] == 3 and any(
        e.startswith(f"{label} may not contain") for e in error["errors"]
    )
    assert not Document.objects.exists()
