"""The approvals API: inbox and own requests, decisions, and denials as problem+json."""

from __future__ import annotations

import pytest

from baomi.approvals import services
from baomi.approvals.models import Approval
from tests.support import actions, api

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.approvals.urls")]

API = "/api/v1/approvals/"


@pytest.fixture
def request_(org):
    return services.request_approval(
        actor=org.staff,
        kind="copy.carry_out",
        summary="赴市局汇报",
        subject=("ledger.copy", 42),
        payload={"count": 3},
    )


def test_the_inbox_lists_what_awaits_the_approver(org, request_):
    body = api(org.leader).get(API).json()
    assert body["count"] == 1
    [row] = body["results"]
    assert row["id"] == request_.pk and row["state"] == "pending"
    assert row["kind"] == "copy.carry_out"
    assert row["kind_title"] == "Take a copy out of the office"
    assert row["requester"] == {"id": org.staff.pk, "name": "张三"}
    assert row["subject"] == {"type": "ledger.copy", "id": "42"}
    assert row["payload"] == {"count": 3}
    assert row["approver"]["post"] == "leader" and row["approver"]["unit"] == org.office.pk
    assert row["can_decide"] is True and row["can_withdraw"] is False


def test_mine_lists_ones_own_requests(org, request_):
    assert api(org.staff).get(API).json()["count"] == 0
    body = api(org.staff).get(API, {"box": "mine"}).json()
    assert [r["id"] for r in body["results"]] == [request_.pk]
    assert body["results"][0]["can_withdraw"] is True


def test_an_unknown_box_is_a_bad_request(org):
    assert api(org.staff).get(API, {"box": "all"}).status_code == 400


def test_approving_through_the_api(org, request_):
    response = api(org.leader).post(f"{API}{request_.pk}/approve/", {"comment": "同意"})
    assert response.status_code == 200
    assert response.json()["state"] == "approved"
    assert response.json()["decided_by"] == {"id": org.leader.pk, "name": "王主任"}
    request_.refresh_from_db()
    assert request_.state == Approval.State.APPROVED


def test_a_denial_is_problem_json_naming_the_rule(org):
    own = services.request_approval(actor=org.leader, kind="copy.carry_out", summary="外出")
    response = api(org.leader).post(f"{API}{own.pk}/approve/", {})
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["action"] == "approval.decide"
    assert [v["rule"] for v in problem["violations"]] == ["ACC.SOD"]
    assert actions("approval.") == ["approval.requested"]


def test_a_non_approver_is_refused_by_role(org, request_):
    response = api(org.colleague).post(f"{API}{request_.pk}/reject/", {"comment": "不行"})
    # the colleague may not even see it
    assert response.status_code == 404
    response = api(org.staff).post(f"{API}{request_.pk}/reject/", {"comment": "不行"})
    assert response.status_code == 403
    assert {v["rule"] for v in response.json()["violations"]} == {"ACC.ROLE", "ACC.SOD"}


def test_rejecting_without_a_comment_is_invalid_input(org, request_):
    response = api(org.leader).post(f"{API}{request_.pk}/reject/", {})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert "comment" in response.json()["errors"]
    request_.refresh_from_db()
    assert request_.state == Approval.State.PENDING


def test_withdrawing_through_the_api(org, request_):
    response = api(org.staff).post(f"{API}{request_.pk}/withdraw/")
    assert response.status_code == 200 and response.json()["state"] == "withdrawn"


def test_a_request_outside_what_the_person_may_see_is_404(org, request_):
    assert api(org.finance_leader).get(f"{API}{request_.pk}/").status_code == 404
    assert api(org.finance_leader).post(f"{API}{request_.pk}/approve/").status_code == 404


def test_the_decider_can_still_read_a_decided_request(org, request_):
    services.approve(actor=org.deputy, approval=request_)
    response = api(org.deputy).get(f"{API}{request_.pk}/")
    assert response.status_code == 200 and response.json()["can_decide"] is False


def test_anonymous_callers_are_refused(org, request_):
    assert api().get(API).status_code in (401, 403)
