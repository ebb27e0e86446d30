"""The list page: sorting, filtering, paging both ways, the export of what is shown, the
remembered filter, saved views, bulk actions and parameters that do not parse."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from baomi.ledger.models import Copy, Document
from baomi.web.models import ListMemory, SavedView
from tests.support.factories import make_org, register


@pytest.fixture
def org(db):  # type: ignore[no-untyped-def]
    org = make_org()
    for n, (title, level) in enumerate(
        [("甲文件", "秘密★1年"), ("乙文件", "机密★10年"), ("丙文件", "秘密★5年")]
    ):
        register(org, title=title, doc_number=f"第{n}号", marking=level, copies=1 + n)
    return org


def _client(client, org, who="clerk"):  # type: ignore[no-untyped-def]
    client.force_login(org["people"][who])
    return client


def _ids(response) -> list[int]:  # type: ignore[no-untyped-def]
    return [int(pk) for pk in re.findall(r'<tr data-pk="(\d+)"', response.content.decode())]


def _titles(ids: list[int]) -> list[str]:
    by_pk = dict(Document.objects.values_list("pk", "title"))
    return [by_pk[pk] for pk in ids]


def test_a_column_sorts_both_ways_and_a_filter_narrows(client, org):
    c = _client(client, org)
    up = _ids(c.get("/ledger/", {"sort": "copy_count"}))
    down = _ids(c.get("/ledger/", {"sort": "-copy_count"}))
    assert _titles(up) == ["甲文件", "乙文件", "丙文件"] and down == up[::-1]
    secret = _ids(c.get("/ledger/", {"level": "2"}))  # 秘密
    assert sorted(_titles(secret)) == sorted(["甲文件", "丙文件"])


def test_a_reversed_range_or_a_bad_value_is_a_translated_error_never_500(client, org):
    c = _client(client, org)
    reversed_range = c.get(
        "/ledger/",
        {"registered_after": "2026-12-05", "registered_before": "2026-12-01"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    text = reversed_range.content.decode()
    assert (
        reversed_range.status_code == 400 and "The end of the range lies before its start." in text
    )
    assert _ids(reversed_range) == []
    bad = c.get("/ledger/", {"cabinet": "abc"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert bad.status_code == 400 and "(cabinet)" in bad.content.decode()
    # an order or a page that means nothing is ignored
    for query in (
        {"sort": "no_such_column"},
        {"page": "-3"},
        {"per_page": "100000"},
        {"page": "x"},
    ):
        assert c.get("/ledger/", query).status_code == 200, query
    assert len(_ids(c.get("/ledger/", {"per_page": "100000"}))) == 3


def test_the_pages_go_both_ways_and_the_size_is_chosen(client, org):
    for n in range(9):
        register(org, title=f"补充{n}", doc_number=f"补{n}号", copies=1)
    c = _client(client, org)
    first = c.get("/ledger/", {"per_page": "10", "sort": "title"})
    assert len(_ids(first)) == 10 and 'data-page="next"' in first.content.decode()
    last = c.get("/ledger/", {"per_page": "10", "sort": "title", "page": "99"})
    assert len(_ids(last)) == 2 and set(_ids(first)).isdisjoint(_ids(last))
    assert first.context["paging"]["last"].endswith("page=2")
    assert "page=1" in last.context["paging"]["first"]


def test_the_export_holds_every_filtered_row_in_order_with_the_columns_shown(client, org):
    for n in range(30):
        register(org, title=f"补充{n:02d}", doc_number=f"补{n}号", copies=1, marking="秘密★1年")
    c = _client(client, org)
    query = {"level": "2", "sort": "-title", "per_page": "10"}
    page = c.get("/ledger/", query)
    export = c.get("/ledger/", {**query, "export": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert len(header) == len(page.context["headers"]) and len(body) == 32  # all, not one page
    shown = _titles(_ids(page))
    assert [r[0] for r in body[:10]] == shown
    # times as read locally, to the minute, never ISO
    assert all(re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}", r[-1]) for r in body)


def test_the_last_filter_is_remembered_per_person_and_cleared(client, org):
    c = _client(client, org)
    c.get("/ledger/", {"level": "2", "sort": "-title", "page": "1"})
    memory = ListMemory.objects.get(person=org["people"]["clerk"], list_name="ledger:register")
    assert memory.query == "level=2&sort=-title"  # the page is not part of it
    c.logout()
    c = _client(client, org)
    restored = c.get("/ledger/")
    assert restored.status_code == 302 and restored["Location"] == "/ledger/?level=2&sort=-title"
    # another person's plain visit is theirs
    other = _client(client.__class__(), org, "insider").get("/ledger/")
    assert other.status_code == 200
    cleared = c.get("/ledger/", {"clear": "1"})
    assert cleared.status_code == 302 and cleared["Location"] == "/ledger/"
    assert c.get("/ledger/").status_code == 200 and not ListMemory.objects.exists()


def test_a_remembered_filter_that_no_longer_parses_is_forgotten(client, org):
    ListMemory.objects.create(
        person=org["people"]["clerk"], list_name="ledger:register", query="cabinet=999999"
    )
    c = _client(client, org)
    assert c.get("/ledger/", {"cabinet": "999999"}).status_code == 400
    assert c.get("/ledger/").status_code == 200


def test_a_saved_view_is_picked_again_shared_with_the_department_and_deleted(client, org):
    c = _client(client, org)
    saved = c.post(
        "/lists/views/",
        {
            "list_name": "ledger:register",
            "name": "秘密件",
            "query": "level=2&page=3",
            "shared": "1",
        },
    )
    view = SavedView.objects.get()
    assert saved["Location"] == "/ledger/?level=2" and view.query == "level=2"
    assert view.department == org["people"]["clerk"].department
    page = c.get("/ledger/", {"level": "2"}).content.decode()
    assert "秘密件" in page and f'data-saved-view="{view.pk}"' in page
    # a colleague in the department may pick it but not delete it
    colleague = org["people"]["clerk"].department
    from tests.support.factories import person

    mate = person("mate", colleague)
    other = client.__class__()
    other.force_login(mate)
    assert "秘密件" in other.get("/ledger/").content.decode()
    refused = other.post("/lists/views/", {"list_name": "ledger:register", "delete": view.pk})
    assert refused.status_code == 404 and SavedView.objects.exists()
    c.post("/lists/views/", {"list_name": "ledger:register", "delete": view.pk})
    assert not SavedView.objects.exists()


def test_a_view_of_no_list_or_without_a_name_is_refused(client, org):
    c = _client(client, org)
    assert c.post("/lists/views/", {"list_name": "nope", "name": "x"}).status_code == 404
    empty = c.post("/lists/views/", {"list_name": "ledger:register", "name": " "})
    assert empty.status_code == 302 and not SavedView.objects.exists()


def test_bulk_labels_and_destruction_of_the_picked_documents(client, org):
    c = _client(client, org)
    picked = list(
        Document.objects.filter(title__in=["甲文件", "丙文件"]).values_list("pk", flat=True)
    )
    sheet = c.post("/ledger/labels/picked/", {"pick": picked}, follow=True).content.decode()
    copies = list(Copy.objects.filter(document__in=picked))
    assert len(copies) == 4 and all(c.scan_code in sheet for c in copies)
    others = Copy.objects.exclude(document__in=picked)
    assert not any(c.scan_code in sheet for c in others)
    listed = c.post("/flows/destruction/picked/", {"pick": picked})
    assert listed.status_code == 302
    states = set(Copy.objects.filter(document__in=picked).values_list("state", flat=True))
    assert states == {Copy.State.IN_DESTRUCTION}
    untouched = Copy.objects.exclude(document__in=picked).values_list("state", flat=True)
    assert Copy.State.IN_DESTRUCTION not in set(untouched)
