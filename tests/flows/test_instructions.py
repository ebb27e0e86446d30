"""阅批 followed up (DOC.INSTRUCTIONS): the chase until the leader writes, the record of how the
instructions were carried out, and the list of open instructions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from baomi import policy
from baomi.core.models import Notification
from baomi.flows.models import InstructionFollowUp
from baomi.flows.services import chase_instructions, open_instructions, record_carrying_out
from baomi.ledger.services.access import route_for_instructions, write_instructions
from tests.support import api, audit_head, recorded, rule_ids

from .conftest import MORNING

pytestmark = pytest.mark.django_db


@pytest.fixture
def routed(org):
    """The document routed by the clerk to the planning leader for instructions."""
    return route_for_instructions(
        actor=org["people"]["clerk"], document=org["document"], leader=org["people"]["leader"]
    )


def _chased(person, document):
    return Notification.objects.filter(
        person=person, kind="instructions.overdue", object_id=str(document.pk)
    ).count()


@pytest.mark.refuses("DOC.INSTRUCTIONS")
def test_DOC_INSTRUCTIONS_nothing_is_carried_out_before_the_leader_writes(org, routed):
    before = audit_head()
    with pytest.raises(policy.RuleViolation) as raised:
        record_carrying_out(actor=org["people"]["clerk"], instruction=routed, text="已落实")
    assert rule_ids(raised) == ["DOC.INSTRUCTIONS"]
    [violation] = raised.value.violations
    assert violation.values["leader"] == org["people"]["leader"].pk
    assert "《机要保密制度》" in violation.clause
    assert audit_head() == before
    assert not InstructionFollowUp.objects.filter(recorded_at__isnull=False).exists()


def test_DOC_INSTRUCTIONS_the_clerk_records_how_written_instructions_were_carried_out(org, routed):
    clerk, leader = org["people"]["clerk"], org["people"]["leader"]
    write_instructions(actor=leader, instruction=routed, text="请规划处牵头办理")
    assert list(open_instructions(clerk)) == [routed]
    # only the posts that route items record it; an empty account names its field
    with pytest.raises(policy.RuleViolation) as raised:
        record_carrying_out(actor=org["people"]["insider"], instruction=routed, text="已落实")
    assert rule_ids(raised) == ["ACC.ROLE"]
    with pytest.raises(ValidationError) as invalid:
        record_carrying_out(actor=clerk, instruction=routed, text="   ")
    assert "text" in invalid.value.message_dict
    follow_up = record_carrying_out(
        actor=clerk, instruction=routed, text="规划处已于11月21日完成选址方案"
    )
    assert (follow_up.recorded_by, follow_up.carried_out) == (
        clerk,
        "规划处已于11月21日完成选址方案",
    )
    recorded(
        "instructions.carried_out",
        routed,
        actor=clerk,
        document=org["document"].pk,
        leader=leader.pk,
    )
    assert Notification.objects.filter(person=leader, kind="instructions.carried_out").exists()
    assert list(open_instructions(clerk)) == []  # carried out: off the list
    with pytest.raises(ValidationError):  # once
        record_carrying_out(actor=clerk, instruction=routed, text="再次")


@pytest.mark.applied("DOC.INSTRUCTIONS")
def test_DOC_INSTRUCTIONS_a_leader_is_chased_until_the_instructions_are_written(
    org, routed, clock_at
):
    clerk, leader, document = org["people"]["clerk"], org["people"]["leader"], org["document"]
    clock_at(MORNING + dt.timedelta(days=2, hours=23))
    assert chase_instructions() == 0  # within the 3 days
    clock_at(MORNING + dt.timedelta(days=3))
    assert chase_instructions() == 1
    assert (_chased(leader, document), _chased(clerk, document)) == (1, 1)
    recorded(
        "instructions.chased",
        routed,
        actor=None,
        document=document.pk,
        leader=leader.pk,
        routed_at="2026-11-20T09:00+08:00",
        chases=1,
    )
    assert chase_instructions() == 0  # once a day
    clock_at(MORNING + dt.timedelta(days=4))
    assert chase_instructions() == 1  # again the next day, until written
    assert routed.follow_up.__class__.objects.get(instruction=routed).chases == 2
    write_instructions(actor=leader, instruction=routed, text="同意")
    clock_at(MORNING + dt.timedelta(days=5))
    assert chase_instructions() == 0
    assert _chased(leader, document) == 2


@pytest.mark.applied("DOC.INSTRUCTIONS")
def test_DOC_INSTRUCTIONS_the_days_before_a_chase_are_the_organizations_parameter(
    org, routed, clock_at, security_admin
):
    from baomi.policy.services import set_parameter

    set_parameter(
        actor=security_admin, rule_id="DOC.INSTRUCTIONS", name="days", value=1, reason="次日催办"
    )
    clock_at(MORNING + dt.timedelta(days=1))
    assert chase_instructions() == 1


def test_the_open_instructions_are_the_routers_all_and_a_leaders_own(org, routed):
    clerk, leader = org["people"]["clerk"], org["people"]["leader"]
    assert list(open_instructions(clerk)) == [routed]
    assert list(open_instructions(leader)) == [routed]
    assert list(open_instructions(org["people"]["reader2"])) == []  # in scope, not addressed
    assert list(open_instructions(org["people"]["important"])) == []  # outside the scope


def test_open_instructions_and_their_carrying_out_on_the_page(client, org, routed, clock_at):
    clerk, leader = org["people"]["clerk"], org["people"]["leader"]
    clock_at(MORNING + dt.timedelta(days=3))
    chase_instructions()
    client.force_login(clerk)
    page = client.get("/flows/instructions/").content.decode()
    assert org["document"].title in page and "carried-out" not in page
    refused = client.post(f"/flows/instructions/{routed.pk}/carried-out/", {"text": "已落实"})
    assert refused.status_code in (200, 302)
    assert not InstructionFollowUp.objects.filter(recorded_at__isnull=False).exists()
    write_instructions(actor=leader, instruction=routed, text="同意")
    assert f"/flows/instructions/{routed.pk}/carried-out/" in (
        client.get("/flows/instructions/").content.decode()
    )
    client.post(f"/flows/instructions/{routed.pk}/carried-out/", {"text": "已按批示办理"})
    assert InstructionFollowUp.objects.get(instruction=routed).carried_out == "已按批示办理"
    assert org["document"].title not in client.get("/flows/instructions/").content.decode()
    client.force_login(org["people"]["important"])
    assert (
        client.post(f"/flows/instructions/{routed.pk}/carried-out/", {"text": "x"}).status_code
        == 404
    )


def test_open_instructions_and_their_carrying_out_through_the_api(org, routed):
    clerk, leader = org["people"]["clerk"], org["people"]["leader"]
    listed = api(clerk).get("/api/v1/instructions/").json()
    assert [r["id"] for r in listed["results"]] == [routed.pk]
    assert listed["results"][0]["chase_due_at"].startswith("2026-11-23T")
    url = f"/api/v1/instructions/{routed.pk}/carried-out/"
    refused = api(clerk).post(url, {"text": "已落实"}, format="json")
    assert [v["rule"] for v in refused.json()["violations"]] == ["DOC.INSTRUCTIONS"]
    write_instructions(actor=leader, instruction=routed, text="同意")
    empty = api(clerk).post(url, {"text": ""}, format="json")
    assert empty.status_code == 400 and "text" in empty.json()["errors"]
    done = api(clerk).post(url, {"text": "已按批示办理"}, format="json")
    assert done.status_code == 200 and done.json()["carried_out_by"] == clerk.pk
    assert api(clerk).get("/api/v1/instructions/").json()["count"] == 0
    assert api(org["people"]["important"]).post(url, {"text": "x"}).status_code == 404
