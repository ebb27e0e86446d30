"""What a page posts is refused by name when it is malformed, never a server error: text with
control characters or direction overrides, and ids or numbers that are not whole numbers in
range, in the views that read request.POST themselves."""

from __future__ import annotations

import pytest

from baomi.audit.models import AuditEvent
from baomi.demo import load_demo
from baomi.ledger.models import Document
from baomi.meetings.models import Meeting
from baomi.people.models import Person
from baomi.telegrams.models import Telegram

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(client):  # type: ignore[no-untyped-def]
    load_demo()
    client.force_login(Person.objects.get(username="chenmin"))
    return client


MEETING = {
    "title": "保密工作会议",
    "level": "2",
    "venue": "三楼会议室",
    "starts_at": "2026-12-20T09:00",
    "security_lead": "陈敏",
    "cabinet": "1",
}


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\x00", "\x1b", "\x7f", "\x85"])
def test_a_page_form_with_a_forbidden_character_is_refused_naming_the_field(clerk, char):
    before = (Meeting.objects.count(), AuditEvent.objects.count())
    answer = clerk.post("/meetings/", {**MEETING, "title": f"会议{char}纪要"})
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "title" in page and f"U+{ord(char):04X}" in page
    assert (Meeting.objects.count(), AuditEvent.objects.count()) == before


def test_tab_and_line_breaks_pass_in_posted_text(clerk):
    answer = clerk.post("/meetings/", {**MEETING, "title": "会议\t纪要", "venue": "三楼\r\n东侧"})
    assert answer.status_code == 302


@pytest.mark.parametrize(
    "field, value",
    [
        *[("level", v) for v in ("abc", "9", "-1", str(10**20), "²")],
        *[("cabinet", v) for v in ("abc", str(10**20))],
        ("relay_scope", "abc"),
    ],
)
def test_a_malformed_number_in_a_meeting_plan_is_refused_by_name(clerk, field, value):
    answer = clerk.post("/meetings/", {**MEETING, field: value}, follow=True)
    assert answer.status_code == 200
    assert not Meeting.objects.filter(title=MEETING["title"]).exists()


@pytest.mark.parametrize("value", ["abc", str(10**20), "²", "-3"])
def test_malformed_ids_posted_to_ledger_and_telegram_pages_are_refused(clerk, value):
    document = Document.objects.visible_to(Person.objects.get(username="chenmin")).first()
    assert document is not None
    changes = AuditEvent.objects.exclude(action="document.viewed")  # the page shown after
    before = changes.count()
    routed = clerk.post(f"/ledger/documents/{document.pk}/route/", {"leader": value}, follow=True)
    assert routed.status_code == 200 and "leader" in routed.content.decode()
    received = clerk.post(
        "/telegrams/receive/",
        {"number": "X-1", "traffic": "plain", "cabinet": value, "urgency": value},
        follow=True,
    )
    assert received.status_code == 200
    assert not Telegram.objects.filter(number="X-1").exists()
    assert changes.count() == before
