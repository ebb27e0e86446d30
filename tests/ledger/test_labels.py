"""Label sheets: a document's copies or copies chosen across documents, on the office's stock;
never a title, and never a copy the person may not see."""

from __future__ import annotations

import re

import pytest

from tests.support.factories import register

pytestmark = pytest.mark.django_db


def labels_of(html: str) -> list[str]:
    return re.findall(r"BMC-\d+-\d{6}", html.split('<div class="labels')[1])


def test_copies_chosen_across_documents_print_on_one_sheet(client, org):
    first, second = register(org), register(org, title="关于调整预算的请示", copies=2)
    client.force_login(org["people"]["insider"])
    chosen = [first.copies.get(copy_no=3), second.copies.get(copy_no=1)]
    sheet = client.get("/ledger/labels/", {"copy": [c.pk for c in chosen], "size": "a4-2x7"})
    html = sheet.content.decode()
    assert sorted(labels_of(html)) == sorted(c.scan_code for c in chosen)
    assert '<div class="labels a4-2x7">' in html
    assert "关于调整预算的请示" not in html.split("<main")[1]


def test_each_label_stock_has_its_layout_and_an_unknown_one_falls_back(client, org):
    document = register(org)
    client.force_login(org["people"]["insider"])
    for size in ("a4-3x8", "a4-2x7", "roll-50x30"):
        html = client.get(f"/ledger/documents/{document.pk}/labels/", {"size": size}).content
        assert f'<div class="labels {size}">'.encode() in html
    fallback = client.get(f"/ledger/documents/{document.pk}/labels/", {"size": "<x>"})
    assert fallback.status_code == 200 and b'<div class="labels a4-3x8">' in fallback.content
    assert (
        "未知的标签规格".encode() in fallback.content or b"Unknown label size" in fallback.content
    )


def test_a_copy_outside_the_persons_scope_is_left_off_the_batch(client, org):
    document = register(org)
    client.force_login(org["people"]["important"])  # outside the scope
    copy = document.copies.first()
    sheet = client.get("/ledger/labels/", {"copy": [copy.pk, "x", "-1"]})
    assert sheet.status_code == 200 and labels_of(sheet.content.decode()) == []
    assert copy.scan_code not in sheet.content.decode()
