"""Query counts that must not grow with the rows: stocktakes in the API, a destruction batch,
the archive page."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from baomi.approvals.services import approve, request_approval
from baomi.flows.services import archive_copies, destroy_batch, list_for_destruction, open_stocktake
from baomi.ledger.models import Copy
from baomi.people.models import Post
from tests.support.factories import person, register

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("steady_policy")]


def _touching(queries, table):
    return [q["sql"] for q in queries.captured_queries if f'"{table}"' in q["sql"]]


def test_a_stocktake_in_the_api_reads_its_lines_once(org):
    clerk = org["people"]["clerk"]
    first = open_stocktake(actor=clerk, cabinet=org["cabinet"])
    open_stocktake(actor=clerk, cabinet=org["cabinet"])
    client = APIClient()
    client.force_login(clerk)
    with CaptureQueriesContext(connection) as one:
        shown = client.get(f"/api/v1/stocktakes/{first.pk}/")
    assert shown.status_code == 200
    assert len(shown.json()["missing"]) == 3
    assert len(_touching(one, "flows_stocktakeline")) == 1
    with CaptureQueriesContext(connection) as both:
        listed = client.get("/api/v1/stocktakes/")
    assert listed.status_code == 200
    assert len(_touching(both, "flows_stocktakeline")) == 2


def _destroy_all(org, copies, leader):
    clerk = org["people"]["clerk"]
    batch = list_for_destruction(actor=clerk, copies=copies)
    asked = request_approval(actor=clerk, kind="copy.destroy", summary="销毁", subject=batch)
    approve(actor=leader, approval=asked)
    with CaptureQueriesContext(connection) as queries:
        destroy_batch(
            actor=clerk,
            batch=batch,
            method="粉碎",
            place="机要室",
            on_site=True,
            supervisors=[org["people"]["officer"], org["people"]["leader"]],
            approval=asked,
        )
    assert set(
        Copy.objects.filter(pk__in=[c.pk for c in copies]).values_list("state", flat=True)
    ) == {Copy.State.DESTROYED}
    return queries


def test_a_batch_of_twenty_copies_asks_once_about_telegrams_and_remaining_copies(org):
    leader = person("room_leader", org["people"]["clerk"].department, posts=(Post.LEADER,))
    one_document = register(org, doc_number="示政办〔2026〕20号", copies=20)
    ten_documents = [
        register(org, doc_number=f"示政办〔2026〕{n}号", copies=2) for n in range(30, 40)
    ]
    of_one = _destroy_all(org, list(one_document.copies.all()), leader)
    of_ten = _destroy_all(org, [c for d in ten_documents for c in d.copies.all()], leader)
    assert len(_touching(of_one, "telegrams_telegram")) == 1
    assert len(_touching(of_ten, "telegrams_telegram")) == 1
    # twenty copies either way: ten documents cost no more queries than one
    assert len(of_ten.captured_queries) == len(of_one.captured_queries), _difference(of_one, of_ten)


def _shapes(queries) -> Counter[str]:
    return Counter(re.sub(r"\d+", "N", q["sql"]) for q in queries.captured_queries)


def _difference(first, second) -> str:
    a, b = _shapes(first), _shapes(second)
    return f"only in the first: {dict(a - b)}\nonly in the second: {dict(b - a)}"


def test_the_archive_page_reads_volumes_with_their_department_and_cabinet(client, org):
    clerk = org["people"]["clerk"]
    client.force_login(clerk)
    args = {
        "actor": clerk,
        "year": 2026,
        "title": "2026年收文",
        "department": org["cabinet"].department,
        "cabinet": org["cabinet"],
    }
    copies = list(org["document"].copies.order_by("copy_no"))
    archive_copies(copies=copies[:1], **args)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/flows/archive/").status_code == 200
    for each in copies[1:]:
        archive_copies(copies=[each], **args)
    with CaptureQueriesContext(connection) as three:
        page = client.get("/flows/archive/")
    assert page.content.decode().count("2026年收文") == 3
    assert len(three.captured_queries) == len(one.captured_queries), _difference(one, three)
