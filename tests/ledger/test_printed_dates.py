"""Every printed register, certificate and sheet, and every xlsx export, shows its times in the
organization's zone to the minute (Chinese style on the Chinese forms), and a PDF never breaks a
date across lines. Everything here happens after 16:00 UTC: the local day is already the next."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.test import Client
from pypdf import PdfReader

from baomi.flows.certificate import destruction_certificate
from baomi.flows.closing_sheet import closing_sheet_pdf
from baomi.flows.models import ClosingSheet
from baomi.flows.services import (
    check_custody_at_closing,
    destroy_batch,
    list_for_destruction,
    sign_closing_sheet,
)
from baomi.ledger.queries import register_for
from baomi.ledger.services import export_register, register_outgoing
from baomi.people.models import Post
from baomi.telegrams.services import export_telegram_register
from tests.support.clock import ClockMover
from tests.support.documents import xlsx_text
from tests.support.factories import ISSUED, lend, make_flows_org, person, receive_telegram

pytestmark = pytest.mark.django_db

#: 00:28 on 3 December in Shanghai, still 2 December in UTC
LATE = dt.datetime(2026, 12, 2, 16, 28, 31, 250_000, tzinfo=dt.UTC)
LOCAL_DAY, LOCAL_TIME = "2026年12月3日", "2026年12月3日 00:28"
#: what a UTC or ISO form of LATE (or any ISO date) would look like
FOREIGN = re.compile(r"\d{4}-\d{2}-\d{2}|\d{2}:\d{2}:\d{2}|16:28|16:40|11:05|\.250")


@pytest.fixture
def clock():
    mover = ClockMover()
    yield mover
    mover.stop()


@pytest.fixture
def org(clock):
    clock(LATE)
    org = make_flows_org()
    register_outgoing(
        actor=org["people"]["clerk"],
        title="关于报送2027年计划的函",
        issuer="委机关",
        issued_on=ISSUED,
        cabinet=org["cabinet"],
        marking="秘密★1年",
        copies=2,
        recipients=["市财政局"],
        scope_departments=[org["units"]["planning"]],
    )
    return org


def pdf_lines(data: bytes) -> list[str]:
    return [
        line
        for page in PdfReader(io.BytesIO(data)).pages
        for line in page.extract_text().split("\n")
    ]


def assert_whole(data: bytes, *dates: str) -> None:
    """Each date appears, and every time it appears it does so whole on one line."""
    lines = pdf_lines(data)
    joined = "".join(lines)
    assert not FOREIGN.search(joined), FOREIGN.search(joined)
    for date in dates:
        on_lines = sum(line.count(date) for line in lines)
        assert on_lines >= 1, (date, lines)
        assert on_lines == joined.count(date), (date, [x for x in lines if x])


def assert_local(text: str, *dates: str) -> None:
    assert not FOREIGN.search(text), FOREIGN.search(text)
    for date in dates:
        assert date in text


@pytest.mark.parametrize("kind", ["incoming", "outgoing", "carriers"])
def test_a_register_prints_and_exports_local_dates_whole(org, kind):
    clerk = org["people"]["clerk"]

    def export(fmt):
        documents = register_for(clerk, {})
        return export_register(actor=clerk, documents=documents, register=kind, fmt=fmt)

    # registered and printed at 00:28 local: the row's date and the footer's time are the next day
    dates = ("2026年11月2日",) if kind == "carriers" else (LOCAL_DAY,)
    assert_whole(export("pdf"), *dates, LOCAL_TIME)
    assert_local(xlsx_text(export("xlsx")), *dates)


def test_the_telegram_register_prints_and_exports_local_times_whole(org):
    receive_telegram(org)
    clerk = org["people"]["clerk"]
    assert_whole(export_telegram_register(actor=clerk, fmt="pdf"), LOCAL_TIME)
    assert_local(xlsx_text(export_telegram_register(actor=clerk, fmt="xlsx")), LOCAL_TIME)


def test_the_destruction_certificate_gives_the_local_time_of_destruction(org):
    people = org["people"]
    batch = list_for_destruction(
        actor=people["clerk"], copies=list(org["document"].copies.order_by("copy_no")[:1])
    )
    head = person("room_leader", people["clerk"].department, posts=(Post.LEADER,))
    from baomi.approvals.services import approve, request_approval

    asked = request_approval(actor=people["clerk"], kind="copy.destroy", summary="销毁过期文件")
    destroy_batch(
        actor=people["clerk"],
        batch=batch,
        method="粉碎",
        place="市保密局销毁中心",
        supervisors=[people["officer"], people["leader"]],
        escort=people["reader2"],
        approval=approve(actor=head, approval=asked),
    )
    batch.refresh_from_db()
    assert_whole(destruction_certificate(batch), LOCAL_TIME)


def test_the_closing_sheet_gives_its_local_day_and_the_local_time_it_was_signed(org, clock):
    lend(org, org["document"].copies.get(copy_no=1), org["people"]["insider"])
    clock(dt.datetime(2026, 12, 3, 11, 5, 9, tzinfo=dt.UTC))  # 19:05 in Shanghai
    check_custody_at_closing()
    sheet = ClosingSheet.objects.get()
    clock(dt.datetime(2026, 12, 3, 16, 40, 2, tzinfo=dt.UTC))  # 00:40 the next day there
    sign_closing_sheet(actor=org["people"]["clerk"], sheet=sheet)
    sheet.refresh_from_db()
    data = closing_sheet_pdf(sheet, list(sheet.lines.select_related("copy__document")), 0)
    assert_whole(data, "2026年12月3日 19:05", "2026年12月4日 00:40")
    assert "核查日期：2026年12月3日" in "".join(pdf_lines(data))


@pytest.mark.parametrize(
    ("language", "shown"), [("zh-hans", LOCAL_TIME), ("en", "2026-12-03 00:28")]
)
def test_a_list_exports_local_minutes_in_the_pages_language(org, language, shown):
    client = Client(headers={"accept-language": language})
    client.force_login(org["people"]["clerk"])
    answer = client.get("/ledger/", {"export": "xlsx"})
    assert answer.status_code == 200
    text = xlsx_text(answer.content)
    assert shown in text and "16:28" not in text and ":31" not in text
