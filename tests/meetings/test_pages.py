"""The meeting page offers each recorded act as a form — the security office's sign-off, the
announcement of the discipline, the venue check with its findings, a copy reported missing —
and shows each act recorded, with who and when, in the organization's time zone."""

from __future__ import annotations

import pytest

from baomi.core import timefmt
from baomi.flows.models import LossReport
from baomi.meetings import services
from baomi.meetings.models import DisciplineAnnouncement, SecuritySignOff, VenueCheck
from tests.support.factories import approved_meeting, planned_meeting

pytestmark = pytest.mark.django_db


def _shown(at) -> str:  # type: ignore[no-untyped-def]
    """As the page shows a moment: local, to the minute, in the page's language."""
    return timefmt.when(at)


def test_the_security_officer_signs_off_on_the_page_and_the_sign_off_is_shown(org, client):
    meeting = planned_meeting(org)
    officer = org["people"]["officer"]
    client.force_login(officer)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert 'id="sign-off"' in page
    url = f"/meetings/{meeting.pk}/sign-off/"
    wireless = {"venue_inspection": "已检查", "microphones": "wireless", "measures": "封闭管理"}
    refused = client.post(url, wireless, follow=True).content.decode()
    assert "MTG.SECURITY" in refused and not SecuritySignOff.objects.exists()
    bad = client.post(url, {**wireless, "microphones": "loud"}, follow=True)
    assert bad.status_code == 200 and not SecuritySignOff.objects.exists()
    shown = client.post(url, {**wireless, "microphones": "wired"}, follow=True).content.decode()
    signoff = SecuritySignOff.objects.get()
    assert signoff.officer == officer and signoff.microphones == "wired"
    assert str(officer) in shown and _shown(signoff.signed_at) in shown
    assert 'id="sign-off"' not in shown  # this version of the plan is signed off


def test_a_leader_is_not_offered_the_sign_off_form(org, client):
    meeting = planned_meeting(org)
    client.force_login(org["people"]["leader"])
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert 'id="sign-off"' not in page and 'id="approve"' in page
    response = client.post(
        f"/meetings/{meeting.pk}/sign-off/",
        {"venue_inspection": "x", "microphones": "wired", "measures": "x"},
        follow=True,
    )
    assert response.status_code == 200 and not SecuritySignOff.objects.exists()


def test_the_discipline_and_the_venue_check_are_recorded_from_the_page(org, client):
    clerk, officer = org["people"]["clerk"], org["people"]["officer"]
    meeting = services.open_meeting(actor=clerk, meeting=approved_meeting(org))
    client.force_login(clerk)
    base = f"/meetings/{meeting.pk}"
    unknown = client.post(f"{base}/discipline/", {"announced_by": "无名氏"}, follow=True)
    assert unknown.status_code == 200 and not DisciplineAnnouncement.objects.exists()
    shown = client.post(
        f"{base}/discipline/", {"announced_by": str(officer)}, follow=True
    ).content.decode()
    announcement = DisciplineAnnouncement.objects.get()
    assert (announcement.announced_by, announcement.recorded_by) == (officer, clerk)
    assert _shown(announcement.announced_at) in shown

    check = {"checked_by": str(officer), "places": "会场、住地", "papers_found": "abc"}
    crafted = client.post(f"{base}/venue-check/", check, follow=True)
    assert crafted.status_code == 200 and "papers_found" in crafted.content.decode()
    assert not VenueCheck.objects.exists()
    check |= {"papers_found": "2", "findings": "桌上两页草稿，已收回"}
    shown = client.post(f"{base}/venue-check/", check, follow=True).content.decode()
    venue = VenueCheck.objects.get()
    assert (venue.checked_by, venue.recorded_by, venue.papers_found) == (officer, clerk, 2)
    assert "桌上两页草稿，已收回" in shown and _shown(venue.checked_at) in shown


def test_a_copy_out_is_reported_missing_from_the_meetings_page(org, client):
    clerk, planner = org["people"]["clerk"], org["people"]["core_planner"]
    meeting = approved_meeting(org)
    services.add_participant(actor=clerk, meeting=meeting, person=planner, role="attendee")
    services.check_in(actor=clerk, meeting=meeting, person=planner)
    item = services.register_meeting_document(
        actor=clerk, meeting=meeting, title="布局方案", marking="绝密★长期"
    )
    meeting = services.open_meeting(actor=clerk, meeting=meeting)
    services.announce_discipline(actor=clerk, meeting=meeting, announced_by=clerk)
    copy = item.document.copies.get()
    services.hand_out(actor=clerk, meeting=meeting, copy=copy, person=planner)
    client.force_login(clerk)
    url = f"/meetings/{meeting.pk}/report-missing/"
    blank = client.post(url, {"code": copy.scan_code, "circumstances": " "}, follow=True)
    assert blank.status_code == 200 and not LossReport.objects.exists()
    client.post(url, {"code": copy.scan_code, "circumstances": "散会时未交回"})
    assert LossReport.objects.get().copy == copy


def test_the_meeting_page_has_its_tabs_and_offers_each_step_only_to_who_takes_it(org, client):
    meeting = planned_meeting(org)
    clerk, leader = org["people"]["clerk"], org["people"]["leader"]
    client.force_login(clerk)  # the organizer
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    for tab in ("details", "participants", "documents", "proceedings", "chase", "history"):
        assert f'href="#tab-{tab}"' in page and f'id="tab-{tab}"' in page
    header = page.split('class="page-header', 1)[1].split('class="page-body', 1)[0]
    assert "绝密" in header and 'id="state"' in header
    assert f"/meetings/{meeting.pk}/plan/" in page and 'id="approve"' not in page
    assert "年度重大项目布局专题会" in page.split('id="tab-history"', 1)[1]  # the plan, on record

    client.force_login(leader)  # approves the plan, but neither writes it nor keeps the papers
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert 'id="approve"' in page and f"/meetings/{meeting.pk}/plan/" not in page
    assert 'id="tab-documents"' not in page and f"/meetings/{meeting.pk}/hand-out/" not in page
    refused = client.post(f"/meetings/{meeting.pk}/plan/", {"plan": "改写"}, follow=True)
    assert "MTG.SECURITY" in refused.content.decode()
    meeting.refresh_from_db()
    assert meeting.plan != "改写"
