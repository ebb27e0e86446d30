"""The shell's pages: people management, the rules page, the auditor's page, the API docs."""

from __future__ import annotations

import json

import pytest
from django.utils import translation

from baomi.audit.models import AuditEvent, Checkpoint
from baomi.core.services import create_org_unit
from baomi.people.models import AdminRole, Person
from baomi.people.services import create_person
from baomi.policy import engine

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_key_file")]
PASSWORD = "Correct-horse-7"


def person(username, **kw):
    return create_person(
        actor=None,
        username=username,
        full_name=username,
        password=PASSWORD,
        must_change_password=False,
        **kw,
    )


def test_the_security_administrator_adds_and_edits_people(client):
    unit = create_org_unit(actor=None, name="人事科")
    client.force_login(person("secadmin", admin_role=AdminRole.SECURITY))
    assert client.get("/people/").status_code == 200
    response = client.post(
        "/people/new/",
        {
            "username": "luobin",
            "full_name": "罗斌",
            "department": unit.pk,
            "posts": ["staff"],
            "tier": "general",
            "password": "Initial-pass-88",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    created = Person.objects.get(username="luobin")
    assert created.post_codes == {"staff"} and created.password_changed_at is None
    client.post(
        f"/people/{created.pk}/",
        {
            "username": "luobin",
            "full_name": "罗斌",
            "department": unit.pk,
            "posts": ["staff", "clerk"],
            "tier": "important",
            "is_active": "on",
        },
    )
    created = Person.objects.get(pk=created.pk)
    assert created.tier == "important" and created.post_codes == {"staff", "clerk"}
    changes = json.loads(AuditEvent.objects.get(action="person.updated").body)["data"]["changes"]
    assert changes["tier"] == {"old": "general", "new": "important"}


def test_no_one_else_manages_people(client):
    for who in (person("sysadmin", admin_role=AdminRole.SYSTEM), person("staff")):
        client.force_login(who)
        response = client.get("/people/", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 403 and "ACC.ROLE" in response.content.decode()


def test_the_rules_page_is_read_only_except_for_the_security_administrator(client):
    client.force_login(person("staff"))
    page = client.get("/rules/").content.decode()
    assert "DOC.CIRC.SINGLE_LINE" in page and "/rules/SYS.LOCK/idle_minutes/" not in page
    denied = client.post("/rules/SYS.LOCK/idle_minutes/", {"value": "3", "reason": "x"})
    assert denied.status_code == 403 and engine.params("SYS.LOCK")["idle_minutes"] == 5
    client.force_login(person("secadmin", admin_role=AdminRole.SECURITY))
    assert "/rules/SYS.LOCK/idle_minutes/" in client.get("/rules/").content.decode()
    assert 'name="value"' in client.get("/rules/SYS.LOCK/idle_minutes/").content.decode()
    client.post("/rules/SYS.LOCK/idle_minutes/", {"value": "3", "reason": "本单位规定"})
    assert engine.params("SYS.LOCK")["idle_minutes"] == 3
    client.post("/rules/SYS.LOCK/idle_minutes/", {"value": '"three"', "reason": "x"})
    assert engine.params("SYS.LOCK")["idle_minutes"] == 3


def test_the_auditor_filters_events_and_signs_checkpoints(client):
    auditor = person("auditor", admin_role=AdminRole.AUDITOR)
    staff = person("staff")
    client.force_login(auditor)
    page = client.get(f"/audit/?actor_id=&object_id={staff.pk}&action=person.created")
    assert page.status_code == 200 and page.context["page"].paginator.count == 1
    assert (
        client.get("/audit/?since=2000-01-01&until=2999-12-31").context["page"].paginator.count
        == AuditEvent.objects.count()
    )
    assert client.get("/audit/?until=2000-01-01").context["page"].paginator.count == 0
    client.post("/audit/checkpoints/sign/")
    cp = Checkpoint.objects.get()
    assert client.get(f"/audit/checkpoints/{cp.pk}/").status_code == 200
    api = client.get("/api/v1/audit/checkpoints/").json()
    assert api["results"][0]["document"]["tree_size"] == cp.tree_size


def test_the_api_schema_and_its_docs_are_served_locally(client):
    client.force_login(person("staff"))
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200 and b"/api/v1/approvals/" in schema.content
    docs = client.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in docs
    assert "http://" not in docs.replace("http://testserver", "") and "https://" not in docs


def test_the_schema_is_generated_once_per_language_and_not_kept_for_any_other(client, monkeypatch):
    from drf_spectacular.generators import SchemaGenerator

    from baomi.core.api import SchemaView

    SchemaView._generated.clear()
    generated = []
    real = SchemaGenerator.get_schema

    def counted(self, *args, **kwargs):
        generated.append(translation.get_language())
        return real(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counted)
    client.force_login(person("staff"))
    first = client.get("/api/v1/schema/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    again = client.get("/api/v1/schema/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    english = client.get("/api/v1/schema/?lang=en")
    assert first.content == again.content and english.status_code == 200
    assert generated == ["zh-hans", "en"]
    for _ in range(2):
        assert client.get("/api/v1/schema/?lang=xx-made-up").status_code == 200
    assert len(generated) == 4 and set(SchemaView._generated) == {("zh-hans", None), ("en", None)}


def test_rules_api_lists_the_catalog_and_changes_parameters_for_the_security_admin(client):
    client.force_login(person("staff"))
    rules = client.get("/api/v1/rules/").json()
    assert any(r["id"] == "DOC.LOSS.DEEMED_LEAK" for r in rules)
    denied = client.put(
        "/api/v1/rules/SYS.LOCK/parameters/idle_minutes/",
        {"value": 3, "reason": "x"},
        content_type="application/json",
    )
    assert denied.status_code == 403 and denied.json()["violations"][0]["rule"] == "ACC.ROLE"
    client.force_login(person("secadmin", admin_role=AdminRole.SECURITY))
    done = client.put(
        "/api/v1/rules/SYS.LOCK/parameters/idle_minutes/",
        {"value": 3, "reason": "本单位规定"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["params"]["idle_minutes"] == 3


def test_the_api_schema_generates_without_warnings():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    assert "/api/v1/rules/{id}/parameters/{name}/" in out.getvalue()
