"""The auditor in the browser: signs in, types a person's Chinese name into the log's filter,
picks the suggestion, sees that person's events only, and exports them. The screenshots are
saved with the test's output; `make guide` copies them to docs/guide/img/auditor-*.png."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from baomi.audit.models import AuditEvent
from baomi.demo import load_demo
from baomi.people.models import Person

from .test_shell import sign_in


@pytest.fixture
def demo(committed_db, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.SIGNING_KEY_FILE = tmp_path / "signing.pem"
    load_demo()


def test_the_auditor_filters_by_a_persons_name_and_exports(page, allow_response, demo, shot):
    chen = Person.objects.get(username="chenmin")
    theirs = list(
        AuditEvent.objects.filter(actor_id=str(chen.pk))
        .order_by("-seq")
        .values_list("seq", flat=True)
    )
    assert theirs, "the demo has 陈敏 act"
    sign_in(page, "auditor")  # 韩审计, the security auditor
    page.goto("/audit/")
    expect(page.locator("h2.page-title")).to_have_text("审计日志")
    shot("auditor-log")

    # the name is typed as a person types it; the server suggests who it may be
    person = page.locator("input[name=person]")
    person.click()
    page.keyboard.type("陈敏")
    suggestion = page.locator('datalist#audit-people option[value="陈敏 (chenmin)"]')
    expect(suggestion).to_have_count(1)
    person.fill(suggestion.get_attribute("value") or "")
    page.click("form.audit-filter button[type=submit]")
    expect(page).to_have_url(re.compile(r"person=%E9%99%88%E6%95%8F"))

    rows = page.locator("table.audit-events tbody tr[data-seq]")
    shown = [int(s) for s in rows.evaluate_all("rs => rs.map(r => r.dataset.seq)")][: len(theirs)]
    assert shown == theirs[:50]
    actors = set(page.locator("table.audit-events td.audit-actor").all_inner_texts())
    assert actors == {"陈敏"}
    # labels and local times, never a code or a UTC stamp
    table = page.locator("table.audit-events").inner_text()
    assert not re.search(r"\b[a-z_]+\.[a-z_]+\b", table) and "Z" not in table
    shot("auditor-filtered")

    with page.expect_download() as download:
        page.click("text=导出（xlsx）")
    data = Path(download.value.path()).read_bytes()
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    got = [row for row in sheet.iter_rows(values_only=True)]
    assert got[0][:3] == ("序号", "时间", "操作人")
    assert [r[0] for r in got[1:]] == theirs
    assert {r[2] for r in got[1:]} == {"陈敏"}
    assert AuditEvent.objects.filter(action="audit.log_exported").count() == 1

    # a reversed range is an error at the field, not an empty list
    allow_response(400, r"^/audit/\?", reason="the reversed range is refused")
    page.fill("input[name=since]", "2026-12-05")
    page.fill("input[name=until]", "2026-12-01")
    page.click("form.audit-filter button[type=submit]")
    expect(
        page.locator("#id_until + .invalid-feedback, #id_until ~ .invalid-feedback")
    ).to_have_text("截止日期早于起始日期。")
    shot("auditor-range-error")
