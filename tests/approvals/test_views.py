"""The approval pages: the inbox, one request, and the decision forms."""

from __future__ import annotations

import pytest
from django.urls import reverse

from baomi.approvals import services
from baomi.approvals.models import Approval
from tests.support import actions, browser

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.approvals.urls")]


@pytest.fixture
def request_(org):
    return services.request_approval(
        actor=org.staff, kind="copy.carry_out", summary="赴市局汇报", payload={"count": 3}
    )


def test_the_inbox_lists_the_request_for_its_approver(org, request_):
    page = browser(org.leader).get(reverse("approvals:inbox"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Awaiting my approval" in html
    assert "Take a copy out of the office" in html and "赴市局汇报" in html and "张三" in html
    assert reverse("approvals:detail", args=[request_.pk]) in html


def test_the_inbox_shows_the_requester_their_own_requests_with_their_state(org, request_):
    html = browser(org.staff).get(reverse("approvals:inbox")).content.decode()
    assert "Nothing is waiting for your approval." in html
    assert reverse("approvals:mine") in html  # the tab of one's own requests
    html = browser(org.staff).get(reverse("approvals:mine")).content.decode()
    assert "My requests" in html and "赴市局汇报" in html and "pending" in html
    assert "leader of 办公室" in html


def test_the_inbox_shows_nothing_of_others(org, request_):
    html = browser(org.finance_leader).get(reverse("approvals:inbox")).content.decode()
    assert "赴市局汇报" not in html


def test_the_inbox_costs_the_same_few_queries_for_many_requests(
    org, request_, django_assert_max_num_queries
):
    for _ in range(5):
        services.request_approval(actor=org.colleague, kind="copy.reproduce", summary="复制")
    client = browser(org.leader)
    # the same few with one request or six: the session, the person, the list's kept filter,
    # its count and page, the requester choices, the subjects
    with django_assert_max_num_queries(9):
        client.get(reverse("approvals:inbox"))


def test_the_approver_sees_the_decision_form(org, request_):
    html = browser(org.leader).get(reverse("approvals:detail", args=[request_.pk]))
    html = html.content.decode()
    assert reverse("approvals:approve", args=[request_.pk]) in html
    assert reverse("approvals:reject", args=[request_.pk]) in html
    assert reverse("approvals:withdraw", args=[request_.pk]) not in html
    assert 'name="decision" value="approve"' in html and 'name="comment"' in html
    assert "Number of copies" in html and '<dd class="col-7">3</dd>' in html


def test_the_requester_sees_the_withdraw_button_and_no_decision_form(org, request_):
    html = browser(org.staff).get(reverse("approvals:detail", args=[request_.pk]))
    html = html.content.decode()
    assert reverse("approvals:withdraw", args=[request_.pk]) in html
    assert reverse("approvals:approve", args=[request_.pk]) not in html


def test_approving_through_the_page(org, request_):
    client = browser(org.leader)
    response = client.post(reverse("approvals:approve", args=[request_.pk]), {"comment": "同意"})
    assert response.status_code == 302
    assert response["Location"] == reverse("approvals:detail", args=[request_.pk])
    request_.refresh_from_db()
    assert (request_.state, request_.decided_by, request_.comment) == (
        Approval.State.APPROVED,
        org.leader,
        "同意",
    )
    page = client.get(response["Location"]).content.decode()
    assert "Approved." in page and "approved" in page and "王主任" in page
    assert reverse("approvals:approve", args=[request_.pk]) not in page  # no second decision


def test_rejecting_through_the_page_needs_a_comment(org, request_):
    client = browser(org.leader)
    url = reverse("approvals:reject", args=[request_.pk])
    page = client.post(url, {"comment": ""})
    assert page.status_code == 200
    assert "Say why the request is rejected." in page.content.decode()
    request_.refresh_from_db()
    assert request_.state == Approval.State.PENDING
    assert client.post(url, {"comment": "无需外出"}).status_code == 302
    request_.refresh_from_db()
    assert request_.state == Approval.State.REJECTED


def test_a_denial_is_shown_on_the_page_naming_the_rule(org):
    own = services.request_approval(actor=org.leader, kind="copy.carry_out", summary="外出")
    page = browser(org.leader).post(reverse("approvals:approve", args=[own.pk]), {"comment": ""})
    assert page.status_code == 200
    assert "ACC.SOD" in page.content.decode()
    own.refresh_from_db()
    assert own.state == Approval.State.PENDING
    assert actions("approval.") == ["approval.requested"]


def test_withdrawing_through_the_page(org, request_):
    response = browser(org.staff).post(reverse("approvals:withdraw", args=[request_.pk]))
    assert response.status_code == 302
    request_.refresh_from_db()
    assert request_.state == Approval.State.WITHDRAWN


def test_an_approver_cannot_withdraw_and_is_told_why(org, request_):
    page = browser(org.leader).post(reverse("approvals:withdraw", args=[request_.pk]))
    assert page.status_code == 200 and "ACC.ROLE" in page.content.decode()
    request_.refresh_from_db()
    assert request_.state == Approval.State.PENDING


@pytest.mark.parametrize("name", ["detail", "approve", "reject", "withdraw"])
def test_a_request_the_person_may_not_see_answers_404(org, request_, name):
    client = browser(org.finance_leader)
    url = reverse(f"approvals:{name}", args=[request_.pk])
    response = client.get(url) if name == "detail" else client.post(url, {"comment": "x"})
    assert response.status_code == 404
    request_.refresh_from_db()
    assert request_.state == Approval.State.PENDING


def test_decisions_are_posted_never_got(org, request_):
    response = browser(org.leader).get(reverse("approvals:approve", args=[request_.pk]))
    assert response.status_code == 405
