"""An organization cites its own regulations: the security administrator edits a rule's
citation, every denial and the catalog cite it from then on, and the change is audited."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from baomi import policy
from baomi.audit.models import AuditEvent
from baomi.people.models import Person
from baomi.policy import engine, services
from baomi.policy.catalog import catalog
from baomi.policy.models import RuleCitation

pytestmark = pytest.mark.django_db

OWN = {"zh_hans": "《本单位保密管理办法》第十二条", "en": "Our confidentiality rules, art. 12"}


def _denial_clause() -> str:
    decision = policy.check("document.mark", marking="机密★99年")
    assert decision.rule_ids == ("CLS.PERIOD.MAX",)
    return decision.violations[0].as_dict()["clause"]


def test_an_own_citation_replaces_the_catalogs_in_denials_and_is_audited(security_admin):
    with translation.override("zh-hans"):
        assert _denial_clause() == catalog()["CLS.PERIOD.MAX"].clause_in("zh-hans")
    services.set_citation(
        actor=security_admin, rule_id="CLS.PERIOD.MAX", reason="本单位制度", **OWN
    )
    with translation.override("zh-hans"):
        assert _denial_clause() == OWN["zh_hans"]
    with translation.override("en"):
        assert _denial_clause() == OWN["en"]
    body = json.loads(AuditEvent.objects.get(action="rule.citation_changed").body)
    assert body["object"] == {"type": "policy.rule", "id": "CLS.PERIOD.MAX"}
    assert body["data"]["new"]["zh-hans"] == OWN["zh_hans"]
    assert body["data"]["old"]["zh-hans"] == catalog()["CLS.PERIOD.MAX"].clause_in("zh-hans")
    assert body["data"]["reason"] == "本单位制度"

    services.reset_citation(actor=security_admin, rule_id="CLS.PERIOD.MAX", reason="恢复")
    with translation.override("zh-hans"):
        assert _denial_clause() == catalog()["CLS.PERIOD.MAX"].clause_in("zh-hans")
    assert AuditEvent.objects.filter(action="rule.citation_reset").count() == 1


@pytest.mark.parametrize(
    ("zh_hans", "reason", "message"),
    [
        ("", "x", "Chinese"),
        ("见 SPEC §3.3", "x", "SPEC"),
        ("LEGAL-PARAMETERS 第2条", "x", "LEGAL-PARAMETERS"),
        ("种子000 第3条", "x", "种子"),
        ("《办法》" + "条" * 300, "x", "300"),
        ("《办法》\u202e第3条", "x", "U\\+202E"),
        ("《办法》第3条", " ", "reason"),
    ],
)
def test_a_citation_that_names_no_source_is_refused_and_nothing_is_saved(
    security_admin, zh_hans, reason, message
):
    before = AuditEvent.objects.count()
    with translation.override("en"), pytest.raises(ValidationError, match=message):
        services.set_citation(
            actor=security_admin,
            rule_id="DOC.STORE",
            zh_hans=zh_hans,
            en="Rules, art. 3",
            reason=reason,
        )
    assert not RuleCitation.objects.exists() and AuditEvent.objects.count() == before


@pytest.mark.refuses("ACC.ROLE")
def test_only_the_security_administrator_changes_a_citation():
    clerk = Person.objects.create(username="clerk")
    with pytest.raises(policy.RuleViolation) as refused:
        services.set_citation(actor=clerk, rule_id="DOC.STORE", reason="x", **OWN)
    assert refused.value.decision.rule_ids == ("ACC.ROLE",)
    assert not RuleCitation.objects.exists() and not AuditEvent.objects.exists()


def test_the_rules_page_shows_status_counts_and_takes_a_citation(client, security_admin):
    client.force_login(security_admin)
    page = client.get(reverse("policy:rules"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    counts = engine.tally()
    assert f"{counts['enforced']} enforced, {counts['applied']} applied" in page
    assert reverse("policy:rule-citation", args=["DOC.STORE"]) in page
    response = client.post(
        reverse("policy:rule-citation", args=["DOC.STORE"]), {**OWN, "reason": "本单位制度"}
    )
    assert response.status_code == 302
    assert engine.clause("DOC.STORE", "zh-hans") == OWN["zh_hans"]
    assert OWN["zh_hans"] in client.get(reverse("policy:rules")).content.decode()
    response = client.post(
        reverse("policy:rule-citation", args=["DOC.STORE"]),
        {"zh_hans": "SPEC", "en": "x", "reason": "y"},
        follow=True,
    )
    assert (
        "SPEC" in response.content.decode()
        and engine.clause("DOC.STORE", "zh-hans") == OWN["zh_hans"]
    )


def test_the_api_sets_a_citation_and_shows_each_rules_status(client, security_admin):
    client.force_login(security_admin)
    url = "/api/v1/rules/DOC.STORE/citation/"
    response = client.put(url, {**OWN, "reason": "x"}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["clause"] in OWN.values() and response.json()["own_citation"] is True
    bad = client.put(
        url, {"zh_hans": "seed 004", "en": "x", "reason": "x"}, content_type="application/json"
    )
    assert bad.status_code == 400
    rows = {r["id"]: r for r in client.get("/api/v1/rules/").json()}
    assert {r for r, row in rows.items() if row["status"] == "applied"} == engine.applied()
    assert rows["DOC.STORE"]["status"] == "enforced"
