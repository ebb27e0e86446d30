"""Who sees which request: the inbox (`awaiting`), one's own (`requested_by`), and what one may
look at (`visible_to`), all in SQL."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from baomi.approvals import services
from baomi.approvals.models import Approval

from .conftest import NOW

pytestmark = pytest.mark.django_db


def ask(actor, kind="copy.carry_out", **kwargs):
    return services.request_approval(actor=actor, kind=kind, summary="外出汇报", **kwargs)


def inbox(person):
    return set(Approval.objects.awaiting(person))


def test_the_leaders_of_the_requesters_department_and_no_one_else_await_a_request(org):
    request = ask(org.staff)
    assert inbox(org.leader) == inbox(org.deputy) == {request}
    for other in (org.staff, org.colleague, org.finance_leader, org.officer, org.director):
        assert inbox(other) == set()


def test_no_one_sees_their_own_request_in_the_inbox(org):
    own = ask(org.leader)
    assert inbox(org.leader) == set()
    assert inbox(org.deputy) == {own}


def test_the_issuing_units_leader_awaits_a_scope_widening(org):
    widen = ask(org.staff, kind="scope.widen", unit=org.root)
    assert inbox(org.director) == {widen}
    assert inbox(org.leader) == set()


def test_decided_withdrawn_and_expired_requests_leave_the_inbox(frozen, org):
    decided, withdrawn, due, fresh = (ask(org.staff) for _ in range(4))
    services.approve(actor=org.deputy, approval=decided)
    services.withdraw(actor=org.staff, approval=withdrawn)
    Approval.objects.filter(pk=due.pk).update(expires_at=NOW + dt.timedelta(hours=1))
    assert inbox(org.leader) == {due, fresh}
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        assert inbox(org.leader) == {fresh}  # due, even before the job marks it


def test_an_inactive_person_awaits_nothing(org):
    ask(org.staff)
    org.leader.is_active = False
    org.leader.save()
    assert inbox(org.leader) == set()


@pytest.mark.usefixtures("steady_policy")
def test_the_inbox_is_one_query_soonest_due_first(org, django_assert_num_queries):
    first = ask(org.staff)
    second = ask(org.colleague, kind="copy.reproduce")
    Approval.objects.filter(pk=first.pk).update(expires_at=second.expires_at + dt.timedelta(1))
    with django_assert_num_queries(1):
        assert list(Approval.objects.awaiting(org.leader)) == [second, first]


def test_requested_by_lists_ones_own_requests_in_every_state_newest_first(frozen, org):
    old = ask(org.staff)
    frozen.shift(dt.timedelta(minutes=1))
    new = ask(org.staff)
    services.withdraw(actor=org.staff, approval=old)
    ask(org.colleague)
    assert list(Approval.objects.requested_by(org.staff)) == [new, old]


def test_visible_to_the_requester_the_approvers_and_the_decider_only(org):
    request = ask(org.staff)
    services.approve(actor=org.deputy, approval=request)
    for person in (org.staff, org.leader, org.deputy):
        assert list(Approval.objects.visible_to(person)) == [request]
    for person in (org.colleague, org.finance_leader, org.officer, org.director):
        assert not Approval.objects.visible_to(person).exists()
