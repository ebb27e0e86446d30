"""The audit log is a list of its own kind (it names events through the auditor's eyes, links
each to its inclusion proof and puts each export on record), so its contract is stated here:
it takes its ordering and filter parameters, each sort reverses over the same events, each
filter narrows to the events it names, a reversed range is an error, and the export holds
exactly the events the filter selects, in the page's order."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import pytest
import time_machine
from openpyxl import load_workbook

from baomi.audit.models import AuditEvent
from baomi.audit.queries import ORDERS

from .trying import client_for, route_of
from .world import MOMENT

LOG = "/audit/"
#: the events the sorts are tried on: those of documents, by several people and actions
DOCUMENTS = {"object_type": "ledger.document"}


@pytest.fixture
def auditor(world, db):
    return client_for(world, route_of("audit:log"), "auditor")


def _page_seqs(response: Any) -> list[int]:
    return [int(s) for s in re.findall(r'<tr data-seq="(\d+)"', response.content.decode())]


def _walk(client: Any, query: dict[str, Any]) -> list[int]:
    """Every event the log lists for `query`, page after page, in the order shown."""
    found: list[int] = []
    page = 1
    while True:
        response = client.get(LOG, {**query, "page": page})
        assert response.status_code == 200, f"{query}: {response.status_code}"
        found += _page_seqs(response)
        if 'rel="next"' not in response.content.decode():
            return found
        page += 1


def _key(event: AuditEvent, name: str) -> tuple[str, ...]:
    columns = [c for c in ORDERS[name] if c != "seq"]
    return tuple(str(getattr(event, c) or "") for c in columns)


def _runs(values: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    return [v for i, v in enumerate(values) if i == 0 or values[i - 1] != v]


def test_the_log_sorts_by_each_column_both_ways_over_the_same_events(auditor):
    shown = _walk(auditor, DOCUMENTS)
    assert len(shown) >= 2 and shown == sorted(shown, reverse=True), "newest first by default"
    events = {e.seq: e for e in AuditEvent.objects.filter(seq__in=shown)}
    html = auditor.get(LOG, DOCUMENTS).content.decode()
    for name in ORDERS:
        assert f'data-sort="{name}"' in html, f"the {name} column's header does not sort"
        up = _walk(auditor, {**DOCUMENTS, "sort": name})
        down = _walk(auditor, {**DOCUMENTS, "sort": f"-{name}"})
        assert sorted(up) == sorted(down) == sorted(shown), f"sort={name} changes the events"
        assert up == down[::-1], f"sort=-{name} is not the reverse of sort={name}"
        if name == "time":
            assert up == sorted(shown)
            continue
        keys = [_key(events[seq], name) for seq in up]
        runs = _runs(keys)
        assert len(set(keys)) >= 2, f"sort={name}: one value only, so no order is seen"
        assert len(runs) == len(set(keys)), f"sort={name} does not keep equal values together"
        assert up != sorted(up), f"sort={name} is only the time order"


def test_an_unknown_order_is_refused_by_name(auditor):
    refused = auditor.get(LOG, {"sort": "title"})
    assert refused.status_code == 400 and "(sort)" in refused.content.decode()


def test_each_filter_narrows_to_the_events_it_names(world, auditor):
    everything = set(_walk(auditor, {}))
    sunli = world.people["sunli"]
    document = world["document"]
    lent = AuditEvent.objects.filter(action="copy.lent")
    assert lent.exists() and AuditEvent.objects.filter(actor_id=str(sunli.pk)).exists()
    expected = {
        # a person by the name typed, or by the autocomplete's suggestion
        "person": (
            {"person": sunli.full_name},
            AuditEvent.objects.filter(actor_id=str(sunli.pk)),
        ),
        "person suggested": (
            {"person": f"{sunli.full_name} ({sunli.username})"},
            AuditEvent.objects.filter(actor_id=str(sunli.pk)),
        ),
        # an action by its label in either language, or by its code
        "action zh": ({"action": "借出"}, lent),
        "action en": ({"action": "Copy lent"}, lent),
        "object type": (DOCUMENTS, AuditEvent.objects.filter(object_type="ledger.document")),
        "object id": (
            {**DOCUMENTS, "object_id": str(document.pk)},
            AuditEvent.objects.filter(object_type="ledger.document", object_id=str(document.pk)),
        ),
        "object number": (
            {**DOCUMENTS, "object_id": document.doc_number},
            AuditEvent.objects.filter(object_type="ledger.document", object_id=str(document.pk)),
        ),
    }
    for name, (query, rows) in expected.items():
        found = _walk(auditor, query)
        wanted = set(rows.values_list("seq", flat=True))
        assert wanted, f"{name}: nothing to find, so the filter proves nothing"
        assert set(found) == wanted, f"{name}: {query} lists other events than it names"
        assert len(found) < len(everything), f"{name}: {query} does not narrow the log"


def test_a_date_range_narrows_to_the_organizations_days_and_a_reversed_one_is_refused(
    world, auditor
):
    from baomi.ledger.services import view_document

    before = set(_walk(auditor, {}))
    tomorrow = MOMENT + dt.timedelta(days=1)
    with time_machine.travel(tomorrow, tick=False):
        view_document(actor=world.people["sunli"], document=world["document"])
    [later] = set(AuditEvent.objects.values_list("seq", flat=True)) - before
    today, next_day = MOMENT.date().isoformat(), tomorrow.date().isoformat()
    assert set(_walk(auditor, {"since": next_day})) == {later}
    assert set(_walk(auditor, {"until": today})) == before
    assert set(_walk(auditor, {"since": today, "until": today})) == before
    reversed_range = auditor.get(LOG, {"since": next_day, "until": today})
    assert reversed_range.status_code == 400 and "(until)" in reversed_range.content.decode()
    assert _page_seqs(reversed_range) == []


@pytest.mark.parametrize("sort", ["-time", "person", "-action", "object"])
def test_the_export_holds_exactly_the_filtered_events_in_the_pages_order(auditor, sort):
    query = {**DOCUMENTS, "sort": sort}
    shown = _walk(auditor, query)
    export = auditor.get("/audit/export.xlsx", query)
    assert "spreadsheetml" in export["Content-Type"]
    sheet = load_workbook(io.BytesIO(export.content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))[1:]
    assert [r[0] for r in rows] == shown
    text = auditor.get("/audit/export.csv", query).content.decode("utf-8-sig")
    assert [int(r[0]) for r in list(csv.reader(io.StringIO(text)))[1:]] == shown
