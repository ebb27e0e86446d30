"""The auditor's log page: filters by a person's name, an action's label in either language, an
object and a range of days; exports what it selects; pages both ways; links each event to its
inclusion proof; and shows names and labels, never codes, dicts or titles the auditor may not
know."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.test import Client
from openpyxl import load_workbook

from baomi.audit import checkpoints
from baomi.audit.humanize import humanize
from baomi.audit.models import AuditEvent
from baomi.audit.queries import log_filter
from baomi.core.levels import Tier
from baomi.people.models import AdminRole, Post
from tests.support import audit_head, events_since
from tests.support.factories import administrator, lend, make_flows_org, person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_key_file")]

TITLE = "关于2027年重大项目布局的请示"
RAW = re.compile(
    r"\b(copy|document|person|approval)\.[a-z_]+\b|people\.person|ledger\.copy|\{'|'\}"
)


@pytest.fixture
def org():
    org = make_flows_org()
    room = org["cabinet"].department
    chen = person("chenmin", room, posts=(Post.CLERK,), tier=Tier.CORE, full_name="陈敏")
    org["people"]["chenmin"] = chen
    copy = org["document"].copies.order_by("copy_no").first()
    lend(org, copy, actor=chen)
    org["copy"] = copy
    return org


def browser(who, language="zh-hans"):
    client = Client(headers={"accept-language": language})
    client.force_login(who)
    return client


def _auditor(org):
    return browser(org["people"]["auditor"])


def _shown(response) -> str:
    return response.content.decode()


def _seqs(response) -> list[int]:
    return [int(s) for s in re.findall(r'<tr data-seq="(\d+)"', _shown(response))]


def test_typing_a_chinese_name_finds_that_persons_events_only(org):
    chen = org["people"]["chenmin"]
    page = _auditor(org).get("/audit/", {"person": "陈敏"})
    assert page.status_code == 200
    expected = list(
        AuditEvent.objects.filter(actor_id=str(chen.pk))
        .order_by("-seq")
        .values_list("seq", flat=True)
    )
    assert expected and _seqs(page) == expected
    assert "借出" in _shown(page)
    # the autocomplete's suggestion names the one person exactly
    picked = _auditor(org).get("/audit/", {"person": "陈敏 (chenmin)"})
    assert _seqs(picked) == expected


def test_the_name_autocomplete_suggests_people_and_is_the_auditors_only(org):
    found = _auditor(org).get("/audit/people/", {"q": "陈"}).json()
    assert {"name": "陈敏", "username": "chenmin", "label": "陈敏 (chenmin)"} in found["people"]
    assert _auditor(org).get("/audit/people/", {"q": ""}).json() == {"people": []}
    assert browser(org["people"]["clerk"]).get("/audit/people/", {"q": "陈"}).status_code == 403


@pytest.mark.parametrize("typed", ["借出", "Copy lent", "copy lent", "copy.lent"])
def test_an_action_is_filtered_by_its_label_in_either_language(org, typed):
    page = _auditor(org).get("/audit/", {"action": typed})
    lent = list(AuditEvent.objects.filter(action="copy.lent").values_list("seq", flat=True))
    assert lent and sorted(_seqs(page)) == sorted(lent)


def test_an_object_is_filtered_by_type_and_id_or_number(org):
    document = org["document"]
    by_id = _auditor(org).get(
        "/audit/", {"object_type": "ledger.document", "object_id": document.pk}
    )
    wanted = set(
        AuditEvent.objects.filter(
            object_type="ledger.document", object_id=str(document.pk)
        ).values_list("seq", flat=True)
    )
    assert wanted and set(_seqs(by_id)) == wanted
    by_number = _auditor(org).get(
        "/audit/", {"object_type": "ledger.document", "object_id": document.doc_number}
    )
    assert set(_seqs(by_number)) == wanted


def test_a_reversed_date_range_is_an_error_at_its_end_not_an_empty_list(org):
    page = _auditor(org).get("/audit/", {"since": "2026-12-05", "until": "2026-12-01"})
    assert page.status_code == 400
    html = _shown(page)
    assert "截止日期早于起始日期。" in html and "is-invalid" in html
    assert "alert alert-danger" in html and "截止日期 (until)" in html
    english = browser(org["people"]["auditor"], "en").get(
        "/audit/", {"since": "2026-12-05", "until": "2026-12-01"}
    )
    assert "The end of the range is before its start." in _shown(english)
    # the API refuses it the same way, naming the parameter
    api = _auditor(org).get("/api/v1/audit/events/", {"since": "2026-12-05", "until": "2026-12-01"})
    assert api.status_code == 400 and "until" in api.content.decode()


def test_days_are_the_organizations_days(org):
    from baomi.core import clock

    today = clock.local(clock.now()).date()
    page = _auditor(org).get("/audit/", {"since": today.isoformat(), "until": today.isoformat()})
    assert page.context["page"].paginator.count == AuditEvent.objects.count()


def _filtered(params):
    found = log_filter(params)
    assert found.is_valid()
    return list(found.qs)


def test_the_export_holds_exactly_the_filtered_rows_as_the_page_shows_them(org):
    params = {"person": "陈敏"}
    events = _filtered(params)
    rows = humanize(events, org["people"]["auditor"])
    head = audit_head()
    xlsx = _auditor(org).get("/audit/export.xlsx", params)
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx["Content-Type"]
    sheet = load_workbook(io.BytesIO(xlsx.content), read_only=True).worksheets[0]
    got = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert got[0][:4] == ["序号", "时间", "操作人", "操作"]
    body = got[1:]
    assert [r[0] for r in body] == [e.seq for e in events]
    assert [r[3] for r in body] == [r.action for r in rows]
    assert all(r[2] == "陈敏" for r in body)
    assert not any(RAW.search(str(c)) for r in body for c in r if c is not None)
    # the export is on record, with the filter it used
    [exported] = [e for e in events_since(head) if e.action == "audit.log_exported"]
    assert exported.data == {"events": len(events), "format": "xlsx", "filters": params}

    text = _auditor(org).get("/audit/export.csv", params).content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert [int(r[0]) for r in lines[1:]] == [e.seq for e in events]
    assert [r[1] for r in lines[1:]] == [r.at for r in rows]
    assert "Z" not in "".join(r[1] for r in lines[1:])


def test_an_export_of_a_reversed_range_goes_back_to_the_page(org):
    answer = _auditor(org).get("/audit/export.xlsx", {"since": "2026-12-05", "until": "2026-12-01"})
    assert answer.status_code == 302 and answer["Location"].startswith("/audit/?")
    assert _auditor(org).get("/audit/export.pdf").status_code == 404


def test_the_log_pages_both_ways_with_counts(org):
    from baomi.ledger.services import view_document

    for _ in range(60):
        view_document(actor=org["people"]["clerk"], document=org["document"])
    total = AuditEvent.objects.count()
    assert total > 50
    client = _auditor(org)
    first = client.get("/audit/")
    last_page = first.context["page"].paginator.num_pages
    html = _shown(first)
    assert f"第 1 / {last_page} 页" in html and f"共 {total} 条" in html
    assert 'rel="next"' in html and 'rel="last"' in html and 'rel="prev"' not in html
    last = client.get("/audit/", {"page": last_page})
    html = _shown(last)
    assert 'rel="first"' in html and 'rel="prev"' in html and 'rel="next"' not in html
    assert _seqs(last)[-1] == AuditEvent.objects.order_by("seq").first().seq
    # paging keeps the filter
    viewed = client.get("/audit/", {"action": "查看文件"})
    assert 'href="?action=%E6%9F%A5%E7%9C%8B%E6%96%87%E4%BB%B6&amp;page=2"' in _shown(viewed)
    second = client.get("/audit/", {"action": "查看文件", "page": 2})
    assert len(_seqs(second)) == 10 and second.context["page"].paginator.count == 60


def test_each_event_links_to_its_inclusion_proof_which_checks(org):
    signed = checkpoints.sign_checkpoint(actor=org["people"]["auditor"])
    client = _auditor(org)
    lent = AuditEvent.objects.get(action="copy.lent")
    html = _shown(client.get("/audit/", {"action": "借出"}))
    assert f'href="/audit/events/{lent.seq}/proof/"' in html
    proof = client.get(f"/audit/events/{lent.seq}/proof/")
    assert proof.status_code == 200 and proof.context["verified"] is True
    assert "证明与检查点的 Merkle 根核验一致" in _shown(proof)
    downloaded = checkpoints.InclusionProof.from_json(
        client.get(f"/audit/events/{lent.seq}/proof.json").content.decode()
    )
    assert downloaded.seq == lent.seq and downloaded.verify(signed)
    # the checkpoint's own event comes after it: no proof yet, and the page says so
    later = AuditEvent.objects.order_by("-seq").first()
    assert "尚无已签署的检查点覆盖此事件" in _shown(client.get(f"/audit/events/{later.seq}/proof/"))
    assert client.get(f"/audit/events/{later.seq}/proof.json").status_code == 404
    assert client.get("/audit/events/999999/proof/").status_code == 404


def test_the_page_shows_names_and_labels_never_codes_dicts_or_hidden_titles(org):
    html = _shown(_auditor(org).get("/audit/"))
    text = re.sub(r"<[^>]+>", " ", html)
    assert not RAW.search(text), RAW.search(text)
    assert "UTC" not in text and not re.search(r"\d{2}:\d{2}:\d{2}\.\d+Z", text)
    # the auditor may not know the document: what identifies it, never its title
    assert TITLE not in html and not re.search(r"#\d", text)
    document = org["document"]
    shown = document.doc_number or document.marking
    assert f"文件（{shown}" in text
    assert "陈敏" in text and "登记文件" in text


def test_the_document_page_shows_its_history_and_the_copy_page_its_own(org):
    clerk = browser(org["people"]["clerk"])
    document = org["document"]
    html = _shown(clerk.get(f"/ledger/documents/{document.pk}/"))
    history = html[html.index("audit-history") :]
    # the history is the object page's own tab, its events under it
    assert html.index('id="tab-history"') < html.index("audit-history")
    assert "登记文件" in history and "借出" in history
    assert "陈敏" in history and f'href="/ledger/copies/{org["copy"].pk}/"' in history
    assert not RAW.search(re.sub(r"<[^>]+>", " ", history))
    copy_page = _shown(clerk.get(f"/ledger/copies/{org['copy'].pk}/"))
    assert "audit-history" in copy_page and "借出" in copy_page[copy_page.index("audit-history") :]


def test_only_the_auditor_reads_the_log_and_its_proofs(org):
    clerk = browser(org["people"]["clerk"])
    assert clerk.get("/audit/").status_code == 403
    assert clerk.get("/audit/export.xlsx").status_code == 403
    seq = AuditEvent.objects.order_by("seq").first().seq
    assert clerk.get(f"/audit/events/{seq}/proof/").status_code == 403


def test_the_log_remembers_the_auditors_last_filter_and_order_until_cleared(org):
    client = _auditor(org)
    asked = {"person": "陈敏", "sort": "action"}
    assert client.get("/audit/", asked).status_code == 200
    back = client.get("/audit/")
    assert back.status_code == 302
    assert back["Location"] == "/audit/?person=%E9%99%88%E6%95%8F&sort=action"
    # the order is kept in the filter form, its pages and its headers
    html = _shown(client.get(back["Location"]))
    assert '<input type="hidden" name="sort" value="action">' in html
    assert 'href="?person=%E9%99%88%E6%95%8F&amp;sort=-action"' in html
    # paging does not change what is kept; a query that does not parse is not kept
    client.get("/audit/", {**asked, "page": 1})
    assert client.get("/audit/")["Location"].endswith("sort=action")
    assert client.get("/audit/", {"sort": "title"}).status_code == 400
    assert client.get("/audit/").status_code == 200
    client.get("/audit/", asked)
    cleared = client.get("/audit/", {"clear": 1})
    assert cleared.status_code == 302 and cleared["Location"] == "/audit/"
    assert client.get("/audit/").status_code == 200
    # another person's memory is their own
    other = administrator("auditor2", AdminRole.AUDITOR)
    assert browser(other).get("/audit/").status_code == 200
