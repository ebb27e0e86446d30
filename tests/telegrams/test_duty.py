"""The duty roster looked ahead for shifts nobody holds, the changeover time as a parameter,
and the handover a shift needs before its first action on the desk."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from baomi import policy
from baomi.core.notices import Notification
from baomi.people.models import Post
from baomi.policy.services import set_parameter
from baomi.telegrams import services
from baomi.telegrams.models import DutyGap, DutyTakeover, Telegram
from tests.support import recorded, rule_ids
from tests.support.factories import person, receive_telegram

from .conftest import SHANGHAI

pytestmark = pytest.mark.django_db

FRIDAY = dt.date(2026, 11, 20)
SATURDAY = dt.date(2026, 11, 21)
#: Saturday, ten minutes after the changeover: Saturday's shift is on duty
SATURDAY_MORNING = dt.datetime(2026, 11, 21, 8, 40, tzinfo=SHANGHAI)


@pytest.mark.applied("DUTY.ROSTER")
def test_DUTY_ROSTER_tick_reports_each_shift_nobody_holds_to_the_head_once(org):
    from baomi.core.jobs import jobs

    clerk, clerk2, head = org["people"]["clerk"], org["people"]["clerk2"], org["people"]["head"]
    services.assign_duty(actor=clerk, day=FRIDAY, primary=clerk, secondary=clerk2)
    services.assign_duty(actor=clerk, day=dt.date(2026, 11, 22), primary=clerk2, secondary=clerk)
    gaps = services.roster_gaps()
    # from Friday (today's duty day) for 14 days: all but Friday and Sunday are empty
    assert len(gaps) == 12 * 2
    assert [(g.day, g.role) for g in gaps[:3]] == [
        (SATURDAY, "primary"),
        (SATURDAY, "secondary"),
        (dt.date(2026, 11, 23), "primary"),
    ]
    assert gaps[-1].day == dt.date(2026, 12, 3)
    job = next(j for j in jobs() if j.name == "unstaffed shifts reported")
    assert job.run() == 24
    assert Notification.objects.filter(person=head, kind="duty.unstaffed").count() == 24
    assert not Notification.objects.filter(person=clerk, kind="duty.unstaffed").exists()
    recorded(
        "duty.unstaffed_found",
        DutyGap.objects.get(day=dt.date(2026, 12, 3), role="secondary"),
        actor=None,
        day="2026-12-03",
        role="secondary",
        told=[head.pk],
    )
    assert job.run() == 0  # once per shift
    services.assign_duty(actor=clerk, day=SATURDAY, primary=clerk, secondary=clerk2)
    assert (SATURDAY, "primary") not in {(g.day, g.role) for g in services.roster_gaps()}


@pytest.mark.applied("DUTY.ROSTER")
def test_DUTY_ROSTER_the_horizon_is_a_parameter(org, security_admin):
    clerk, clerk2 = org["people"]["clerk"], org["people"]["clerk2"]
    services.assign_duty(actor=clerk, day=FRIDAY, primary=clerk, secondary=clerk2)
    set_parameter(
        actor=security_admin, rule_id="DUTY.ROSTER", name="horizon_days", value=2, reason="试行"
    )
    assert [(g.day, g.role) for g in services.roster_gaps()] == [
        (SATURDAY, "primary"),
        (SATURDAY, "secondary"),
    ]


@pytest.mark.applied("DUTY.ROSTER")
def test_DUTY_ROSTER_the_changeover_time_is_a_parameter(org, security_admin):
    clerk, clerk2 = org["people"]["clerk"], org["people"]["clerk2"]
    assert services.changeover() == "08:30"
    set_parameter(
        actor=security_admin, rule_id="DUTY.ROSTER", name="changeover", value="07:00", reason="调整"
    )
    shifts = services.assign_duty(actor=clerk, day=SATURDAY, primary=clerk, secondary=clerk2)
    assert {(s.starts_at, s.ends_at) for s in shifts} == {
        (
            dt.datetime(2026, 11, 21, 7, 0, tzinfo=SHANGHAI),
            dt.datetime(2026, 11, 22, 7, 0, tzinfo=SHANGHAI),
        )
    }
    assert services.duty_day(dt.datetime(2026, 11, 21, 7, 30, tzinfo=SHANGHAI)) == SATURDAY
    assert services.duty_day(dt.datetime(2026, 11, 21, 6, 59, tzinfo=SHANGHAI)) == FRIDAY


def _two_shifts(org):
    """Friday: clerk and clerk2; Saturday: clerk3 comes on, clerk2 stays."""
    clerk, clerk2 = org["people"]["clerk"], org["people"]["clerk2"]
    clerk3 = person("clerk3", clerk.department, posts=(Post.CLERK,), tier=clerk.tier)
    services.assign_duty(actor=clerk, day=FRIDAY, primary=clerk, secondary=clerk2)
    services.assign_duty(actor=clerk, day=SATURDAY, primary=clerk3, secondary=clerk2)
    return clerk, clerk2, clerk3


@pytest.mark.refuses("DUTY.ROSTER")
def test_DUTY_ROSTER_the_next_shift_acts_on_the_desk_only_after_taking_over(org, at):
    _clerk, clerk2, clerk3 = _two_shifts(org)
    at(SATURDAY_MORNING)
    assert services.takeover_pending(clerk3) == SATURDAY
    with pytest.raises(policy.RuleViolation) as raised:
        receive_telegram(org, "S-1", actor=clerk3)
    assert rule_ids(raised) == ["DUTY.ROSTER"]
    assert raised.value.violations[0].failed.values["day"] == "2026-11-21"
    assert not Telegram.objects.exists()
    # the officer who stays on duty needs no handover to themselves
    assert services.takeover_pending(clerk2) is None
    assert receive_telegram(org, "S-2", actor=clerk2).registered_by == clerk2
    telegram = Telegram.objects.get()
    with pytest.raises(policy.RuleViolation) as raised:
        services.acknowledge_telegram(actor=clerk3, telegram=telegram)
    assert rule_ids(raised) == ["DUTY.ROSTER"]


def test_DUTY_ROSTER_a_signed_handover_lets_the_next_shift_act(org, at):
    clerk, _clerk2, clerk3 = _two_shifts(org)
    at(dt.datetime(2026, 11, 21, 8, 25, tzinfo=SHANGHAI))  # Friday's shift, before changeover
    handover = services.hand_over_duty(actor=clerk, taken_by=clerk3)
    services.sign_duty_handover(actor=clerk, handover=handover)
    at(SATURDAY_MORNING)
    assert services.takeover_pending(clerk3) == SATURDAY  # not yet signed by who takes over
    services.sign_duty_handover(actor=clerk3, handover=handover)
    assert services.takeover_pending(clerk3) is None
    telegram = receive_telegram(org, "S-1", actor=clerk3)
    assert telegram.registered_by == clerk3
    assert not DutyTakeover.objects.exists()


def test_DUTY_ROSTER_the_next_shift_records_a_takeover_without_handover_and_it_is_listed(org, at):
    _clerk, clerk2, clerk3 = _two_shifts(org)
    head = org["people"]["head"]
    at(SATURDAY_MORNING)
    with pytest.raises(ValidationError) as invalid:
        services.take_over_without_handover(actor=clerk3, reason="  ")
    assert "reason" in invalid.value.message_dict
    with pytest.raises(ValidationError):  # the officer staying on has nothing to take over
        services.take_over_without_handover(actor=clerk2, reason="交班人员未到")
    assert not DutyTakeover.objects.exists()
    takeover = services.take_over_without_handover(actor=clerk3, reason="交班人员因病未到岗")
    assert (takeover.day, takeover.taken_by, takeover.reason) == (
        SATURDAY,
        clerk3,
        "交班人员因病未到岗",
    )
    recorded(
        "duty.taken_over_without_handover",
        takeover,
        actor=clerk3,
        day="2026-11-21",
        reason="交班人员因病未到岗",
    )
    assert Notification.objects.filter(
        person=head, kind="duty.taken_over_without_handover"
    ).exists()
    assert list(services.takeovers_without_handover()) == [takeover]
    assert services.takeover_pending(clerk3) is None
    assert receive_telegram(org, "S-1", actor=clerk3).registered_by == clerk3


@pytest.mark.refuses("DUTY.ROSTER")
def test_DUTY_ROSTER_the_duty_record_is_the_rooms_and_its_heads(org):
    assert services.may_read_duty_record(org["people"]["head"])
    assert services.may_read_duty_record(org["people"]["clerk"])
    assert not services.may_read_duty_record(org["people"]["general"])
