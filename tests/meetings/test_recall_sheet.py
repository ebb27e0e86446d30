"""清退单: the clerk's printed list of copies still out after a meeting, or held in a department,
with a column to sign as each comes back."""

from __future__ import annotations

import pytest

from baomi.meetings import services
from tests.meetings.test_meetings import opened_with_documents

pytestmark = pytest.mark.django_db


def test_the_meeting_recall_list_names_each_copy_still_out_and_its_holder(client, org):
    meeting, first, second = opened_with_documents(org)
    client.force_login(org["people"]["clerk"])
    html = client.get("/flows/recall/", {"meeting": meeting.pk}).content.decode()
    assert "清退单" in html and "待清退：2 份" in html
    assert first.label in html and second.label in html
    assert org["people"]["core_planner"].display_name in html
    services.collect(actor=org["people"]["clerk"], meeting=meeting, copy=first)
    html = client.get("/flows/recall/", {"meeting": meeting.pk}).content.decode()
    assert "待清退：1 份" in html and f">{first.label}<" not in html


def test_the_department_recall_list_and_bad_choices(client, org):
    _meeting, first, second = opened_with_documents(org)
    client.force_login(org["people"]["clerk"])
    unit = org["people"]["core_planner"].department
    html = client.get("/flows/recall/", {"department": unit.pk}).content.decode()
    assert first.label in html and second.label not in html  # the leader sits elsewhere
    bad = client.get("/flows/recall/", {"meeting": "x'--"})
    assert bad.status_code == 200 and "请从列表中选择会议或部门" in bad.content.decode()
    assert client.get("/flows/recall/", {"meeting": 999999}).status_code == 404


def test_only_those_who_keep_custody_print_a_recall_list(client, org):
    meeting, *_ = opened_with_documents(org)
    client.force_login(org["people"]["core_planner"])
    refused = client.get("/flows/recall/", {"meeting": meeting.pk})
    assert refused.status_code == 403 and "ACC.ROLE" in refused.content.decode()
