"""Classified meetings: vetted participants and check-in, documents handed out by name and
collected at a recess, recordings, relay and news copy, who writes the plan and who sees a
meeting. The recorded acts (sign-off, discipline, venue check) are in test_recorded_acts."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from baomi import policy
from baomi.audit.models import AuditEvent
from baomi.core.levels import Tier
from baomi.ledger.models import Copy
from baomi.meetings import services
from baomi.meetings.models import Meeting
from baomi.people.models import Post
from tests.support import recorded, rule_ids
from tests.support.factories import approved_meeting, person, planned_meeting

pytestmark = pytest.mark.django_db


@pytest.mark.refuses("MTG.ATTENDEES")
def test_MTG_ATTENDEES_vetted_in_advance_and_walk_ins_refused_and_logged(org):
    clerk = org["people"]["clerk"]
    meeting = approved_meeting(org)
    with pytest.raises(policy.RuleViolation) as raised:  # important tier: not for 绝密
        services.add_participant(
            actor=clerk, meeting=meeting, person=org["people"]["insider"], role="attendee"
        )
    assert rule_ids(raised) == ["MTG.ATTENDEES"]
    planner = org["people"]["core_planner"]
    services.add_participant(actor=clerk, meeting=meeting, person=planner, role="attendee")
    recorded("meeting.participant_added", meeting, actor=clerk, person=planner.pk, role="attendee")
    services.check_in(actor=clerk, meeting=meeting, person=planner)
    recorded("meeting.checked_in", meeting, actor=clerk, person=planner.pk)
    with pytest.raises(policy.RuleViolation) as raised:
        services.check_in(actor=clerk, meeting=meeting, person=org["people"]["leader"])
    assert rule_ids(raised) == ["MTG.ATTENDEES"]
    refused = AuditEvent.objects.get(action="meeting.walk_in_refused")
    assert refused.event["data"]["person"] == org["people"]["leader"].pk


def opened_with_documents(org):
    clerk, planner, leader = (org["people"][n] for n in ("clerk", "core_planner", "leader"))
    meeting = approved_meeting(org, recording_planned=True)
    for who in (planner, leader):
        services.add_participant(actor=clerk, meeting=meeting, person=who, role="attendee")
        services.check_in(actor=clerk, meeting=meeting, person=who)
    item = services.register_meeting_document(
        actor=clerk, meeting=meeting, title="重大项目布局方案（讨论稿）", marking="绝密★长期"
    )
    meeting = services.open_meeting(actor=clerk, meeting=meeting)
    services.announce_discipline(actor=clerk, meeting=meeting, announced_by=leader)
    first, second = item.document.copies.order_by("copy_no")
    services.hand_out(actor=clerk, meeting=meeting, copy=first, person=planner)
    services.hand_out(actor=clerk, meeting=meeting, copy=second, person=leader)
    return meeting, first, second


@pytest.mark.refuses("MTG.DOCS")
def test_MTG_DOCS_by_name_to_those_present_and_top_secret_collected_at_every_recess(org):
    clerk = org["people"]["clerk"]
    meeting, first, second = opened_with_documents(org)
    assert Copy.objects.get(pk=first.pk).holder == org["people"]["core_planner"]
    recorded(
        "meeting.document_registered",
        meeting,
        actor=clerk,
        document=first.document_id,
        copies=2,
    )
    recorded(
        "copy.handed_out",
        second,
        actor=clerk,
        state="on_loan",
        holder=org["people"]["leader"].pk,
        meeting=meeting.pk,
    )
    with pytest.raises(policy.RuleViolation) as raised:  # not on the list
        services.hand_out(actor=clerk, meeting=meeting, copy=first, person=org["people"]["officer"])
    assert rule_ids(raised) == ["MTG.DOCS"]
    meeting = services.adjourn(actor=clerk, meeting=meeting)
    recorded("meeting.recess", meeting, actor=clerk)
    services.collect(actor=clerk, meeting=meeting, copy=first)
    recorded(
        "copy.collected",
        first,
        actor=clerk,
        state="in_cabinet",
        cabinet=org["cabinet"].code,
        holder=None,
        meeting=meeting.pk,
    )
    with pytest.raises(policy.RuleViolation) as raised:
        services.resume(actor=clerk, meeting=meeting)
    assert rule_ids(raised) == ["MTG.DOCS"]
    services.collect(actor=clerk, meeting=meeting, copy=second)
    meeting = services.resume(actor=clerk, meeting=meeting)
    recorded("meeting.resumed", meeting, actor=clerk)
    assert Copy.objects.get(pk=first.pk).state == Copy.State.IN_CABINET
    services.hand_out(
        actor=clerk, meeting=meeting, copy=first, person=org["people"]["core_planner"]
    )


@pytest.mark.refuses("MTG.RECORDING")
def test_MTG_RECORDING_only_as_the_approved_plan_provides(org):
    clerk = org["people"]["clerk"]
    meeting = approved_meeting(org)  # no recording planned
    with pytest.raises(policy.RuleViolation) as raised:
        services.register_recording(actor=clerk, meeting=meeting, title="录音", marking="绝密★长期")
    assert rule_ids(raised) == ["MTG.RECORDING"]
    planned_recording = approved_meeting(org, recording_planned=True)
    item = services.register_recording(
        actor=clerk, meeting=planned_recording, title="会议录音", marking="绝密★长期"
    )
    assert item.recording and item.document.form == "audio_video"
    recorded("meeting.recorded", planned_recording, actor=clerk, document=item.document_id)
    assert item.document.copies.get().state == Copy.State.IN_CABINET


@pytest.mark.refuses("MTG.RELAY")
def test_MTG_RELAY_only_within_the_scope_and_news_copy_goes_to_review(org):
    meeting = approved_meeting(org)
    leader = org["people"]["leader"]
    with pytest.raises(policy.RuleViolation) as raised:
        services.relay(actor=leader, meeting=meeting, unit=org["people"]["general"].department)
    assert rule_ids(raised) == ["MTG.RELAY"]
    services.relay(actor=leader, meeting=meeting, unit=org["units"]["planning"])
    recorded("meeting.relayed", meeting, actor=leader, unit=org["units"]["planning"].pk)
    manuscript = services.submit_news_copy(
        actor=org["people"]["insider"],
        meeting=meeting,
        title="会议新闻稿",
        text="会议强调要抓好落实。",
    )
    assert manuscript.state == "submitted" and "年度重大项目布局专题会" in manuscript.outlet


@pytest.mark.refuses("MTG.SECURITY")
def test_a_plan_changed_after_approval_needs_approval_again(org):
    meeting = approved_meeting(org)
    changed = services.write_plan(
        actor=org["people"]["officer"], meeting=meeting, plan="改在五号会议室"
    )
    assert changed.state == Meeting.State.PLANNED and changed.approved_at is None
    with pytest.raises(policy.RuleViolation) as raised:
        services.write_plan(actor=org["people"]["insider"], meeting=meeting, plan="x")
    assert rule_ids(raised) == ["MTG.SECURITY"]


def test_a_meeting_page_is_for_its_organizers_participants_and_department_leaders(org, client):
    meeting = approved_meeting(org)
    client.force_login(org["people"]["leader"])  # leader of the organizing department
    assert client.get(f"/meetings/{meeting.pk}/").status_code == 200
    client.force_login(org["people"]["insider"])  # neither on the list nor a leader there
    assert client.get(f"/meetings/{meeting.pk}/").status_code == 404
    assert meeting.title not in client.get("/meetings/").content.decode()


def test_an_organizer_of_another_department_does_not_see_the_meeting(org, client):
    meeting = approved_meeting(org)
    other = person("finance_secretary", org["people"]["general"].department, posts=("secretary",))
    client.force_login(other)
    assert client.get(f"/meetings/{meeting.pk}/").status_code == 404
    client.force_login(org["people"]["clerk"])  # its organizer
    assert client.get(f"/meetings/{meeting.pk}/").status_code == 200


def test_a_participant_added_after_the_documents_were_registered_is_not_handed_a_copy(org):
    clerk, planner = org["people"]["clerk"], org["people"]["core_planner"]
    meeting = approved_meeting(org)
    services.add_participant(actor=clerk, meeting=meeting, person=planner, role="attendee")
    item = services.register_meeting_document(
        actor=clerk,
        meeting=meeting,
        title="重大项目布局方案（讨论稿）",
        marking="绝密★长期",
        copies=2,
    )
    late = person("late_planner", org["units"]["planning"], tier=Tier.CORE)
    services.add_participant(actor=clerk, meeting=meeting, person=late, role="attendee")
    services.check_in(actor=clerk, meeting=meeting, person=late)
    meeting = services.open_meeting(actor=clerk, meeting=meeting)
    services.announce_discipline(actor=clerk, meeting=meeting, announced_by=clerk)
    copy = item.document.copies.first()
    with pytest.raises(policy.RuleViolation) as raised:  # outside the knowledge scope
        services.hand_out(actor=clerk, meeting=meeting, copy=copy, person=late)
    assert "ACC.NEED_TO_KNOW" in rule_ids(raised)
    assert Copy.objects.get(pk=copy.pk).state == Copy.State.IN_CABINET


def test_a_copy_already_out_is_not_handed_out_again(org):
    clerk = org["people"]["clerk"]
    meeting, first, _second = opened_with_documents(org)
    with pytest.raises(ValidationError, match=r"is on loan|借出"):
        services.hand_out(actor=clerk, meeting=meeting, copy=first, person=org["people"]["leader"])
    assert Copy.objects.get(pk=first.pk).holder == org["people"]["core_planner"]


def test_a_refusal_for_another_reason_is_not_logged_as_a_walk_in(org, client):
    meeting = approved_meeting(org)
    services.add_participant(
        actor=org["people"]["clerk"],
        meeting=meeting,
        person=org["people"]["core_planner"],
        role="attendee",
    )
    with pytest.raises(policy.RuleViolation) as raised:  # not an organizer
        services.check_in(
            actor=org["people"]["insider"], meeting=meeting, person=org["people"]["core_planner"]
        )
    assert "MTG.ATTENDEES" not in rule_ids(raised)
    assert not AuditEvent.objects.filter(action="meeting.walk_in_refused").exists()
    planned_only = planned_meeting(org)
    client.force_login(org["people"]["clerk"])
    response = client.post(f"/meetings/{planned_only.pk}/check-in/", {"name": "无名氏"})
    assert response.status_code == 302  # the plan is not approved: a message, not a crash
    assert not AuditEvent.objects.filter(action="meeting.walk_in_refused").exists()


def test_a_leader_sees_the_departments_meetings_only_up_to_his_clearance(org, client):
    meeting = approved_meeting(org)  # 绝密
    room = org["cabinet"].department
    deputy = person("deputy", room, posts=(Post.LEADER,), tier=Tier.IMPORTANT)
    assert not Meeting.objects.visible_to(deputy).filter(pk=meeting.pk).exists()
    client.force_login(deputy)
    assert client.get(f"/meetings/{meeting.pk}/").status_code == 404
    assert Meeting.objects.visible_to(org["people"]["leader"]).filter(pk=meeting.pk).exists()
