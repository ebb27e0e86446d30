"""The acts a meeting records instead of ticked boxes: the security office's sign-off
(MTG.SECURITY), the announcement of the discipline (MTG.DISCIPLINE) and the venue check after
the meeting, with every copy recalled or reported missing (MTG.RECALL)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from baomi import policy
from baomi.core.levels import Level, Tier
from baomi.flows.models import LossReport
from baomi.ledger.models import Copy
from baomi.meetings import services
from baomi.meetings.models import DisciplineAnnouncement, Meeting, SecuritySignOff, VenueCheck
from baomi.people.models import Post
from tests.support import recorded, rule_ids
from tests.support.factories import approved_meeting, person, planned_meeting, signed_off

pytestmark = pytest.mark.django_db


# -- MTG.SECURITY: the security office's sign-off --------------------------------------------


@pytest.mark.refuses("MTG.SECURITY")
def test_MTG_SECURITY_a_leader_approves_a_secret_plan_only_after_the_officers_sign_off(org):
    clerk, leader, officer = (org["people"][n] for n in ("clerk", "leader", "officer"))
    meeting = planned_meeting(org, Level.SECRET)  # 机密: the level of signoff_from_level
    recorded("meeting.plan_written", meeting, actor=clerk, plan_version=1)
    with pytest.raises(policy.RuleViolation) as raised:
        services.approve_plan(actor=leader, meeting=meeting)
    assert rule_ids(raised) == ["MTG.SECURITY"]
    assert raised.value.violations[0].values["missing"] == ["security_signoff"]
    with pytest.raises(policy.RuleViolation) as raised:
        services.open_meeting(actor=clerk, meeting=meeting)
    assert "MTG.SECURITY" in rule_ids(raised)
    assert Meeting.objects.get(pk=meeting.pk).state == Meeting.State.PLANNED

    signoff = signed_off(org, meeting)
    assert (signoff.officer, signoff.plan_version, signoff.microphones) == (officer, 1, "wired")
    recorded(
        "meeting.security_signed_off",
        meeting,
        actor=officer,
        signoff=signoff.pk,
        plan_version=1,
        microphones="wired",
    )
    meeting = services.approve_plan(actor=leader, meeting=meeting)
    assert meeting.state == Meeting.State.APPROVED and meeting.approved_by == leader
    recorded("meeting.plan_approved", meeting, actor=leader, plan_version=1, signoff=signoff.pk)


def test_MTG_SECURITY_below_the_level_a_leader_approves_without_a_sign_off(org):
    meeting = planned_meeting(org, Level.CONFIDENTIAL)  # 秘密, below 机密
    meeting = services.approve_plan(actor=org["people"]["leader"], meeting=meeting)
    assert meeting.state == Meeting.State.APPROVED
    assert not SecuritySignOff.objects.filter(meeting=meeting).exists()
    recorded("meeting.plan_approved", meeting, actor=org["people"]["leader"], signoff=None)


@pytest.mark.refuses("MTG.SECURITY")
def test_MTG_SECURITY_the_officer_is_cleared_inspects_the_venue_and_allows_no_wireless(org):
    meeting = planned_meeting(org)  # 绝密
    junior = person("junior_officer", None, posts=(Post.SECURITY_OFFICER,), tier=Tier.IMPORTANT)
    with pytest.raises(policy.RuleViolation) as raised:  # not cleared for 绝密
        signed_off(org, meeting, actor=junior)
    assert rule_ids(raised) == ["MTG.SECURITY"]
    assert raised.value.violations[0].values["cleared"] is False
    with pytest.raises(policy.RuleViolation) as raised:
        signed_off(org, meeting, microphones="wireless", venue_inspection="  ")
    assert rule_ids(raised) == ["MTG.SECURITY"]
    assert raised.value.violations[0].values["missing"] == ["venue_inspection", "microphones"]
    with pytest.raises(policy.RuleViolation) as raised:  # a clerk is not the security office
        signed_off(org, meeting, actor=org["people"]["clerk"])
    assert rule_ids(raised) == ["ACC.ROLE"]
    with pytest.raises(ValidationError) as invalid:
        signed_off(org, meeting, measures=" ")
    assert "measures" in invalid.value.message_dict
    assert not SecuritySignOff.objects.filter(meeting=meeting).exists()


@pytest.mark.refuses("MTG.SECURITY")
def test_MTG_SECURITY_a_plan_written_again_needs_a_new_sign_off_and_approval(org):
    clerk, leader = org["people"]["clerk"], org["people"]["leader"]
    meeting = approved_meeting(org)
    first = meeting.current_signoff()
    assert first is not None and first.plan_version == 1
    services.write_plan(actor=clerk, meeting=meeting, plan="改在五号会议室")
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert (meeting.state, meeting.plan_version, meeting.approved_at) == ("planned", 2, None)
    assert meeting.current_signoff() is None
    with pytest.raises(policy.RuleViolation) as raised:
        services.approve_plan(actor=leader, meeting=meeting)
    assert raised.value.violations[0].values["missing"] == ["security_signoff"]
    second = signed_off(org, meeting)
    assert second.plan_version == 2 and meeting.current_signoff() == second
    with pytest.raises(ValidationError):  # one sign-off per version of the plan
        signed_off(org, meeting)
    assert services.approve_plan(actor=leader, meeting=meeting).state == Meeting.State.APPROVED


# -- MTG.DISCIPLINE: the announcement --------------------------------------------------------


def _opened(org, level=Level.TOP_SECRET):  # type: ignore[no-untyped-def]
    """An approved meeting, the planner and the leader present, a document of two copies
    registered, opened; nothing handed out yet."""
    clerk, planner, leader = (org["people"][n] for n in ("clerk", "core_planner", "leader"))
    meeting = approved_meeting(org, level)
    for who in (planner, leader):
        services.add_participant(actor=clerk, meeting=meeting, person=who, role="attendee")
        services.check_in(actor=clerk, meeting=meeting, person=who)
    item = services.register_meeting_document(
        actor=clerk, meeting=meeting, title="重大项目布局方案（讨论稿）", marking="绝密★长期"
    )
    meeting = services.open_meeting(actor=clerk, meeting=meeting)
    first, second = item.document.copies.order_by("copy_no")
    return meeting, first, second


@pytest.mark.refuses("MTG.DISCIPLINE")
def test_MTG_DISCIPLINE_no_document_is_handed_out_before_the_announcement_is_recorded(org):
    clerk, planner = org["people"]["clerk"], org["people"]["core_planner"]
    meeting, first, _second = _opened(org)
    with pytest.raises(policy.RuleViolation) as raised:
        services.hand_out(actor=clerk, meeting=meeting, copy=first, person=planner)
    assert rule_ids(raised) == ["MTG.DISCIPLINE"]
    assert raised.value.violations[0].values == {"session": 1}
    assert Copy.objects.get(pk=first.pk).state == Copy.State.IN_CABINET
    assert not meeting.handouts.exists()


def test_MTG_DISCIPLINE_the_announcement_records_who_when_and_at_which_session(org):
    clerk, leader, planner = (org["people"][n] for n in ("clerk", "leader", "core_planner"))
    meeting, first, _second = _opened(org)
    announcement = services.announce_discipline(actor=clerk, meeting=meeting, announced_by=leader)
    assert (announcement.announced_by, announcement.recorded_by, announcement.session) == (
        leader,
        clerk,
        1,
    )
    assert announcement.announced_at is not None
    recorded(
        "meeting.discipline_announced", meeting, actor=clerk, announced_by=leader.pk, session=1
    )
    handout = services.hand_out(actor=clerk, meeting=meeting, copy=first, person=planner)
    assert handout.person == planner
    assert Copy.objects.get(pk=first.pk).holder == planner


def test_the_discipline_is_announced_by_someone_of_the_meeting_while_it_is_open(org):
    clerk = org["people"]["clerk"]
    meeting = approved_meeting(org)
    with pytest.raises(ValidationError):  # not open yet
        services.announce_discipline(actor=clerk, meeting=meeting, announced_by=clerk)
    meeting = services.open_meeting(actor=clerk, meeting=meeting)
    with pytest.raises(ValidationError) as invalid:  # neither organizer, lead nor on the list
        services.announce_discipline(
            actor=clerk, meeting=meeting, announced_by=org["people"]["insider"]
        )
    assert "announced_by" in invalid.value.message_dict
    assert not DisciplineAnnouncement.objects.exists()


# -- MTG.RECALL: the venue check, and every copy recalled or reported missing -----------------


def _handed_out(org):  # type: ignore[no-untyped-def]
    clerk, planner, leader = (org["people"][n] for n in ("clerk", "core_planner", "leader"))
    meeting, first, second = _opened(org)
    services.announce_discipline(actor=clerk, meeting=meeting, announced_by=clerk)
    services.hand_out(actor=clerk, meeting=meeting, copy=first, person=planner)
    services.hand_out(actor=clerk, meeting=meeting, copy=second, person=leader)
    return meeting, first, second


def _check(org, meeting, **kw):  # type: ignore[no-untyped-def]
    args = {
        "actor": org["people"]["clerk"],
        "meeting": meeting,
        "checked_by": org["people"]["officer"],
        "places": "三号会议室及代表住地",
    }
    return services.check_venue(**{**args, **kw})


@pytest.mark.refuses("MTG.RECALL")
def test_MTG_RECALL_no_close_without_a_venue_check_after_the_last_hand_out(org):
    clerk = org["people"]["clerk"]
    meeting, first, second = _handed_out(org)
    for copy in (first, second):
        services.collect(actor=clerk, meeting=meeting, copy=copy)
    with pytest.raises(policy.RuleViolation) as raised:  # the venue not checked
        services.close_meeting(actor=clerk, meeting=meeting)
    assert rule_ids(raised) == ["MTG.RECALL"]
    assert raised.value.violations[0].values == {"missing": ["venue_check"], "copies": []}
    _check(org, meeting)
    services.hand_out(actor=clerk, meeting=meeting, copy=first, person=org["people"]["leader"])
    services.collect(actor=clerk, meeting=meeting, copy=first)
    with pytest.raises(policy.RuleViolation) as raised:  # checked before a later hand-out
        services.close_meeting(actor=clerk, meeting=meeting)
    assert raised.value.violations[0].values["missing"] == ["venue_check"]
    assert Meeting.objects.get(pk=meeting.pk).state == Meeting.State.OPEN


@pytest.mark.refuses("MTG.RECALL")
def test_MTG_RECALL_no_close_while_a_copy_is_out_and_not_reported_missing(org):
    clerk = org["people"]["clerk"]
    meeting, first, second = _handed_out(org)
    services.collect(actor=clerk, meeting=meeting, copy=first)
    _check(org, meeting)
    with pytest.raises(policy.RuleViolation) as raised:
        services.close_meeting(actor=clerk, meeting=meeting)
    assert rule_ids(raised) == ["MTG.RECALL"]
    assert raised.value.violations[0].values == {"missing": [], "copies": [second.pk]}
    assert Meeting.objects.get(pk=meeting.pk).state == Meeting.State.OPEN


@pytest.mark.refuses("MTG.RECALL")
def test_MTG_RECALL_the_venue_is_checked_by_the_organizer_the_security_lead_or_staff(org):
    meeting, _first, _second = _handed_out(org)
    with pytest.raises(policy.RuleViolation) as raised:  # an attendee
        _check(org, meeting, checked_by=org["people"]["core_planner"])
    assert rule_ids(raised) == ["MTG.RECALL"]
    with pytest.raises(ValidationError) as invalid:  # something found, not said what
        _check(org, meeting, papers_found=2)
    assert "findings" in invalid.value.message_dict
    with pytest.raises(ValidationError) as invalid:
        _check(org, meeting, places=" ")
    assert "places" in invalid.value.message_dict
    with pytest.raises(ValidationError) as invalid:
        _check(org, meeting, notebooks_found=-1)
    assert "notebooks_found" in invalid.value.message_dict
    assert not VenueCheck.objects.exists()


def test_MTG_RECALL_a_meeting_closes_after_the_venue_check_with_a_missing_copy_reported(org):
    clerk, officer, leader = (org["people"][n] for n in ("clerk", "officer", "leader"))
    meeting, first, second = _handed_out(org)
    services.collect(actor=clerk, meeting=meeting, copy=first)
    check = _check(
        org,
        meeting,
        papers_found=1,
        notebooks_found=1,
        findings="座位上一份草稿、一本笔记本，已收回机要室",
    )
    assert (check.checked_by, check.recorded_by, check.papers_found) == (officer, clerk, 1)
    recorded(
        "meeting.venue_checked",
        meeting,
        actor=clerk,
        checked_by=officer.pk,
        places="三号会议室及代表住地",
        papers_found=1,
        notebooks_found=1,
    )
    report = services.report_missing(
        actor=clerk, meeting=meeting, copy=second, circumstances="闭会清退时未交回"
    )
    # a loss in the loss register, the security office told
    assert LossReport.objects.get(copy=second) == report and report.state == "open"
    assert Copy.objects.get(pk=second.pk).state == Copy.State.REPORTED_LOST
    chase = services.close_meeting(actor=clerk, meeting=meeting)
    assert [(h.copy, h.person) for h in chase] == [(second, leader)]
    closed = Meeting.objects.get(pk=meeting.pk)
    assert closed.state == Meeting.State.CLOSED and closed.closed_at is not None
    recorded("meeting.closed", meeting, actor=clerk, venue_check=check.pk, outstanding=[second.pk])
    with pytest.raises(ValidationError):  # found copies come back through the security office
        services.collect(actor=clerk, meeting=meeting, copy=second)
    from baomi.flows.services import mark_found

    mark_found(actor=officer, report=report, note="领导办公室找到")
    services.collect(actor=clerk, meeting=meeting, copy=second)
    assert list(services.outstanding(meeting)) == []
    assert Copy.objects.get(pk=second.pk).state == Copy.State.IN_CABINET


def test_only_a_copy_out_at_the_meeting_is_reported_missing_from_it(org):
    clerk = org["people"]["clerk"]
    meeting, first, _second = _handed_out(org)
    services.collect(actor=clerk, meeting=meeting, copy=first)
    with pytest.raises(ValidationError):
        services.report_missing(actor=clerk, meeting=meeting, copy=first, circumstances="x")
    with pytest.raises(ValidationError) as invalid:
        services.report_missing(actor=clerk, meeting=meeting, copy=_second, circumstances=" ")
    assert "circumstances" in invalid.value.message_dict
    assert not LossReport.objects.exists()
    services.report_missing(actor=clerk, meeting=meeting, copy=_second, circumstances="未交回")
    with pytest.raises(ValidationError):  # reported once: the loss register holds it
        services.report_missing(actor=clerk, meeting=meeting, copy=_second, circumstances="又")
    assert LossReport.objects.count() == 1
