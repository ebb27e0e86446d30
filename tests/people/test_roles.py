"""三员分立: separated administrators, what each may do, and that none sees classified content."""

from __future__ import annotations

import json

import pytest
from django.db import IntegrityError, transaction

from baomi import policy
from baomi.audit.models import AuditEvent
from baomi.core.access import Audience
from baomi.core.levels import Level, Tier
from baomi.people.models import AdminRole, Person, Post
from baomi.people.services import create_person, update_person
from tests.support import recorded
from tests.support.clients import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.refuses("ACC.SOD")
def test_an_administrator_account_holds_exactly_one_role_and_nothing_else(admins, unit):
    for role, person in admins.items():
        assert person.admin_role == role and person.tier == Tier.NONE and not person.post_codes
    with pytest.raises(policy.RuleViolation) as raised:
        create_person(
            actor=None,
            username="both",
            full_name="x",
            password=PASSWORD,
            admin_role=AdminRole.SYSTEM,
            tier=Tier.CORE,
        )
    assert raised.value.decision.rule_ids == ("ACC.SOD",)
    assert not Person.objects.filter(username="both").exists()


def test_an_administrator_cannot_be_given_a_post_or_a_clearance(admins):
    secadmin = admins[AdminRole.SECURITY]
    for target in admins.values():
        with pytest.raises(policy.RuleViolation, match=r"ACC\.SOD"):
            update_person(actor=secadmin, person=target, posts=[Post.LEADER])
        with pytest.raises(policy.RuleViolation, match=r"ACC\.SOD"):
            update_person(actor=secadmin, person=target, tier=Tier.IMPORTANT)
    assert not AuditEvent.objects.filter(action="person.updated").exists()


@pytest.mark.parametrize("role", ["system_admin,security_admin", "root", "superuser"])
def test_roles_cannot_be_combined_or_invented(role):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="admin_role"):
        create_person(actor=None, username="x", full_name="x", password=PASSWORD, admin_role=role)


def test_the_database_refuses_a_cleared_administrator_even_behind_the_services(admins):
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=admins[AdminRole.AUDITOR].pk).update(tier=Tier.CORE)


def test_the_security_administrator_adds_and_changes_people_on_record(admins, unit):
    secadmin = admins[AdminRole.SECURITY]
    person = create_person(
        actor=secadmin,
        username="zhaoliu",
        full_name="赵六",
        password=PASSWORD,
        department=unit,
        posts=[Post.STAFF],
        tier=Tier.GENERAL,
    )
    recorded(
        "person.created",
        person,
        actor=secadmin,
        username="zhaoliu",
        department=str(unit.pk),
        posts=["staff"],
        tier="general",
        admin_role="",
    )
    update_person(actor=secadmin, person=person, tier=Tier.IMPORTANT)
    recorded(
        "person.updated",
        person,
        actor=secadmin,
        changes={"tier": {"old": "general", "new": "important"}},
    )


def test_each_administrator_does_only_their_own_administration(admins, make_person):
    clerk = make_person(username="clerk", posts=(Post.CLERK,))
    expected = {
        "person.manage": AdminRole.SECURITY,
        "policy.change": AdminRole.SECURITY,
        "account.admin": AdminRole.SYSTEM,
        "audit.read": AdminRole.AUDITOR,
    }
    for action, role in expected.items():
        for person in [*admins.values(), clerk]:
            decision = policy.check(action, actor=person)
            assert decision.allowed == (person.admin_role == role), (action, person)
            if not decision.allowed:
                assert decision.rule_ids == ("ACC.ROLE",)


def test_no_administrator_sees_classified_content_even_inside_the_scope(admins):
    everyone = Audience(persons=frozenset(p.pk for p in admins.values()))
    for person in admins.values():
        decision = policy.check(
            "content.view", person=person, level=Level.CONFIDENTIAL, audience=everyone
        )
        assert "ACC.SOD" in decision.rule_ids and "ACC.CLEARANCE" in decision.rule_ids
        assert not person.get_all_permissions() & {"ledger.view_document", "ledger.view_copy"}


def test_the_auditor_reads_the_audit_log_and_no_one_can_change_it(client, admins, make_person):
    auditor, others = (
        admins[AdminRole.AUDITOR],
        [admins[AdminRole.SYSTEM], admins[AdminRole.SECURITY], make_person(username="staff")],
    )
    client.force_login(auditor)
    page = client.get("/audit/")
    assert page.status_code == 200 and "新建人员" in page.content.decode()
    api = client.get("/api/v1/audit/events/?action=person.created")
    created = AuditEvent.objects.filter(action="person.created").count()
    assert api.status_code == 200 and api.json()["count"] == created == 4
    event = api.json()["results"][0]
    for method in ("put", "patch", "delete"):
        response = getattr(client, method)(
            f"/api/v1/audit/events/{event['seq']}/", content_type="application/json", data="{}"
        )
        assert response.status_code == 405
    assert client.post("/api/v1/audit/events/", {}).status_code == 405
    for person in others:
        client.force_login(person)
        assert client.get("/audit/").status_code == 403
        denied = client.get("/api/v1/audit/events/")
        assert denied.status_code == 403
        assert denied.json()["violations"][0]["rule"] == "ACC.ROLE"
    assert json.loads(AuditEvent.objects.get(seq=event["seq"]).body) == event["event"]
