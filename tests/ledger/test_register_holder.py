"""The register's holder filter: the documents a person holds a copy of now, among those the
viewer may know of, offering only people holding a copy the viewer may know of."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.support.factories import lend, make_flows_org, register

pytestmark = pytest.mark.django_db


def _page(who, **query):
    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(who)
    return client.get("/ledger/", query).content.decode()


def _holder_options(page: str) -> set[str]:
    select = re.search(r'<select name="holder".*?</select>', page, re.S)
    assert select, "the register has no holder filter"
    return set(re.findall(r'<option value="(\d+)"', select.group(0)))


def test_the_register_filters_by_who_holds_a_copy_now():
    org = make_flows_org()
    people = org["people"]
    held = org["document"]
    other = register(org, title="关于年度统计工作的通知", doc_number="示政办〔2026〕13号")
    lend(org, held.copies.get(copy_no=1), people["insider"])
    insider = str(people["insider"].pk)

    page = _page(people["clerk"], holder=insider)
    assert "现持有人" in page and insider in _holder_options(page)
    assert held.title in page and other.title not in page
    # only people holding a copy now are offered: the copies in their cabinet have no holder
    assert _holder_options(page) == {insider}

    # someone who may not know of the document is neither offered its holder nor shown it
    outsider = people["important"]
    page = _page(outsider, holder=insider)
    assert insider not in _holder_options(page)
    assert held.title not in page
