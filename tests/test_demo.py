"""The demo organization: realistic, loaded once, built through the services and audited."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

from baomi.approvals.models import Approval
from baomi.audit.models import AuditEvent
from baomi.core.models import OrgUnit
from baomi.demo import ADMINISTRATORS, CABINETS, DEMO_PASSWORD, DEPARTMENTS, PEOPLE
from baomi.ledger.models import Cabinet
from baomi.people.models import AdminRole, Person

pytestmark = pytest.mark.django_db


def test_demo_then_verify_and_the_demos_actions_are_in_the_audit_log(client):
    out = StringIO()
    call_command("demo", stdout=out)
    assert "zhangwei" in out.getvalue() and DEMO_PASSWORD in out.getvalue()
    assert OrgUnit.objects.count() == 1 + len(DEPARTMENTS)
    assert Person.objects.count() == len(PEOPLE) + len(ADMINISTRATORS) >= 25
    assert {p.admin_role for p in Person.objects.exclude(admin_role="")} == {
        AdminRole.SYSTEM,
        AdminRole.SECURITY,
        AdminRole.AUDITOR,
    }
    assert Cabinet.objects.count() == len(CABINETS)
    assert Approval.objects.filter(state="pending").count() == 2
    counts = {
        a: AuditEvent.objects.filter(action=a).count()
        for a in ("orgunit.created", "person.created", "cabinet.created", "approval.requested")
    }
    assert counts == {
        "orgunit.created": 8,
        "person.created": len(PEOPLE) + 3,
        "cabinet.created": len(CABINETS),
        # the two pending approvals and the print run's distribution (发送范围), already used
        "approval.requested": 3,
    }
    verified = StringIO()
    call_command("verify", stdout=verified)
    assert f"intact: {AuditEvent.objects.count()} events" in verified.getvalue()
    again = StringIO()
    call_command("demo", stdout=again)
    assert "already present" in again.getvalue()


def test_every_demo_login_works(client):
    call_command("demo", stdout=StringIO())
    for username, *_ in [*PEOPLE, *ADMINISTRATORS]:
        client.logout()
        response = client.post(
            "/accounts/login/", {"username": username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, username
        assert client.get("/").status_code == 200, username


def test_a_leader_finds_routed_documents_and_notices_on_the_dashboard(client):
    call_command("demo", stdout=StringIO())
    client.force_login(Person.objects.get(username="zhangwei"))
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(
        r'data-card="to_instruct">.*?Documents awaiting my instructions.*?>2</a>', page, re.S
    )
    assert "重大产业布局决策意见" in page and "routed to you" in page
    client.force_login(Person.objects.get(username="sunli"))  # outside every scope
    assert "重大产业布局决策意见" not in client.get("/").content.decode()


def test_the_demo_desks_have_a_term_list_a_week_of_duty_and_a_telegram_on_its_clocks():
    from baomi.review.models import SensitiveTerm
    from baomi.telegrams.models import DutyShift, Telegram
    from baomi.telegrams.services import duty_board, on_duty

    call_command("demo", stdout=StringIO())
    assert SensitiveTerm.objects.count() == 2
    assert DutyShift.objects.count() == 14 and len(on_duty()) == 2
    assert Telegram.objects.count() == 1
    assert [c.kind for c in duty_board()] == ["ack", "due"]
