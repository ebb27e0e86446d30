"""Rule parameters are edited with typed fields chosen from their unit and default: numbers with
their bounds, durations with their unit, times of day, lists one entry per row, per-level
tables and switches. Each is validated at its field; the change still goes through the
service, with its reason and its audit event."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import translation

from baomi.audit.models import AuditEvent
from baomi.policy import engine
from baomi.policy.catalog import catalog
from baomi.policy.fields import ParameterForm, shape_of
from baomi.policy.models import RuleParameter

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _url(rule_id: str, name: str) -> str:
    return f"/rules/{rule_id}/{name}/"


def _posted(rule_id: str, name: str, value: Any, reason: str = "本单位规定") -> dict[str, Any]:
    """What a browser posts for `value` in the parameter's typed form."""
    meta = catalog()[rule_id].params[name]
    shape = shape_of(meta)
    data: dict[str, Any] = {"reason": reason}

    def put(field: str, kind: str, v: Any) -> None:
        if kind == "flag":
            if v:
                data[field] = "on"
        elif kind in ("choices", "rows"):
            data[field] = list(v)
        else:
            data[field] = str(v)

    if shape.kind == "table":
        for key, _label, row in shape.rows:
            put(f"value.{key}", row.kind, value[key])
    else:
        put("value", shape.kind, value)
    return data


def _errors(response: Any) -> dict[str, list[str]]:
    form = response.context["form"]
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


@pytest.fixture
def admin_client(client, security_admin):
    client.force_login(security_admin)
    return client


EVERY_PARAMETER = [(r.id, p) for r in catalog().values() for p in r.params]


@pytest.mark.parametrize(("rule_id", "name"), EVERY_PARAMETER)
def test_every_parameter_has_a_typed_form_that_takes_its_own_value_back(
    admin_client, rule_id, name
):
    page = admin_client.get(_url(rule_id, name))
    assert page.status_code == 200
    meta = catalog()[rule_id].params[name]
    with translation.override("zh-hans"):
        form = ParameterForm(meta, meta.default, _posted(rule_id, name, meta.default))
        assert form.is_valid(), form.errors
        assert form.cleaned_value() == meta.default


def test_the_kinds_follow_the_unit_and_the_default():
    def kind(rule_id: str, name: str) -> str:
        return shape_of(catalog()[rule_id].params[name]).kind

    assert kind("SYS.LOCK", "idle_minutes") == "number"
    with translation.override("en"):
        assert shape_of(catalog()["SYS.LOCK"].params["idle_minutes"]).suffix == "minutes"
    with translation.override("zh-hans"):
        assert shape_of(catalog()["SYS.LOCK"].params["idle_minutes"]).suffix == "分钟"
    assert kind("DOC.READ.SAME_DAY", "return_by") == "time"
    assert kind("DOC.READ.SAME_DAY", "levels") == "choices"
    assert kind("DOC.CONTENT", "types") == "rows"
    assert kind("CLS.PERIOD.MAX", "max_years") == "table"
    assert kind("MTG.SECURITY", "wireless_microphones") == "flag"
    assert kind("TEL.ESCALATE", "report_from_urgency") == "choice"


def test_a_number_is_changed_through_the_service_with_its_reason_and_audited(admin_client):
    done = admin_client.post(
        _url("SYS.LOCK", "idle_minutes"), _posted("SYS.LOCK", "idle_minutes", 3)
    )
    assert done.status_code == 302 and done["Location"] == "/rules/#SYS.LOCK"
    assert engine.params("SYS.LOCK")["idle_minutes"] == 3
    event = AuditEvent.objects.get(action="rule.parameter_changed")
    data = json.loads(event.body)["data"]
    assert data == {"parameter": "idle_minutes", "old": 5, "new": 3, "reason": "本单位规定"}


@pytest.mark.parametrize(
    ("rule_id", "name", "posted", "field", "message"),
    [
        ("SYS.LOCK", "idle_minutes", {"value": "three"}, "value", "give a number"),
        ("SYS.LOCK", "idle_minutes", {"value": "-1"}, "value", "at least 0"),
        ("SYS.LOCK", "idle_minutes", {"value": ""}, "value", "give a value"),
        ("DUTY.ROSTER", "hours", {"value": "25"}, "value", "may not exceed 24"),
        ("DUTY.ROSTER", "hours", {"value": "0"}, "value", "at least 1"),
        ("DOC.INSTRUCTIONS", "days", {"value": "61"}, "value", "may not exceed 60"),
        ("DOC.READ.SAME_DAY", "return_by", {"value": "25:00"}, "value", "HH:MM"),
        ("DOC.READ.SAME_DAY", "return_by", {"value": "6pm"}, "value", "HH:MM"),
        ("DOC.READ.SAME_DAY", "levels", {"value": ["ultra"]}, "value", "offered values"),
        ("TEL.ESCALATE", "report_from_urgency", {"value": "now"}, "value", "offered values"),
        ("DOC.CONTENT", "types", {"value": ["pdf", "pdf"]}, "value", "listed twice"),
        ("DOC.CONTENT", "types", {"value": ["x" * 61]}, "value", "longer than 60"),
        ("SYS.LOCK", "idle_minutes", {"value": "3", "reason": ""}, "reason", "reason"),
    ],
)
def test_a_bad_value_is_refused_at_its_field_naming_it_and_nothing_is_saved(
    admin_client, rule_id, name, posted, field, message
):
    data = {"reason": "x", **posted}
    response = admin_client.post(_url(rule_id, name), data, **EN)
    assert response.status_code == 200
    errors = _errors(response)
    assert list(errors) == [field]
    assert message.casefold() in errors[field][0].casefold()
    if field == "value":  # the message names the field
        with translation.override("en"):
            assert catalog()[rule_id].params[name].title in errors[field][0]
    html = response.content.decode()
    assert "is-invalid" in html and html.count(errors[field][0].split(":")[0]) >= 1
    assert not RuleParameter.objects.exists()
    assert not AuditEvent.objects.filter(action="rule.parameter_changed").exists()


def test_a_per_level_table_has_a_row_per_level_each_validated(admin_client):
    page = admin_client.get(_url("CLS.PERIOD.MAX", "max_years"), **EN).content.decode()
    for zh in ("绝密", "机密", "秘密"):
        assert zh in page
    for key in ("top_secret", "secret", "confidential"):
        assert f'name="value.{key}"' in page
    limits = {"top_secret": 30, "secret": 10, "confidential": 5}
    bad = _posted("CLS.PERIOD.MAX", "max_years", {**limits, "secret": "ten"})
    refused = admin_client.post(_url("CLS.PERIOD.MAX", "max_years"), bad, **EN)
    assert refused.status_code == 200 and list(_errors(refused)) == ["value.secret"]
    assert "机密" in _errors(refused)["value.secret"][0]
    assert not RuleParameter.objects.exists()
    done = admin_client.post(
        _url("CLS.PERIOD.MAX", "max_years"), _posted("CLS.PERIOD.MAX", "max_years", limits)
    )
    assert done.status_code == 302
    assert engine.params("CLS.PERIOD.MAX")["max_years"] == limits
    assert (
        json.loads(AuditEvent.objects.get(action="rule.parameter_changed").body)["data"]["new"]
        == limits
    )


def test_lists_switches_and_times_are_saved_as_the_default_holds_them(admin_client):
    admin_client.post(
        _url("DOC.CONTENT", "types"),
        {"value": ["pdf", " ", "ofd", ""], "reason": "x"},
    )
    assert engine.params("DOC.CONTENT")["types"] == ["pdf", "ofd"]
    admin_client.post(
        _url("DOC.LOAN.APPROVAL", "levels"),
        {"value": ["confidential", "top_secret"], "reason": "x"},
    )
    assert engine.params("DOC.LOAN.APPROVAL")["levels"] == ["top_secret", "confidential"]
    admin_client.post(_url("MTG.SECURITY", "venue_check"), {"reason": "x"})
    assert engine.params("MTG.SECURITY")["venue_check"] is False
    admin_client.post(_url("DOC.CUSTODY.NIGHT", "closing_time"), {"value": "17:30", "reason": "x"})
    assert engine.params("DOC.CUSTODY.NIGHT")["closing_time"] == "17:30"
    assert AuditEvent.objects.filter(action="rule.parameter_changed").count() == 4


def test_the_page_shows_the_current_value_default_bounds_and_citation(admin_client):
    admin_client.post(_url("DUTY.ROSTER", "hours"), {"value": "12", "reason": "x"})
    page = admin_client.get(_url("DUTY.ROSTER", "hours"), **EN).content.decode()
    meta = catalog()["DUTY.ROSTER"].params["hours"]
    assert "12 hours per day" in page and "24 hours per day" in page
    assert "at least 1" in page and "at most 24" in page
    assert meta.source in page
    assert 'name="reset-reason"' in page  # a changed value can go back to its default
    back = admin_client.post(_url("DUTY.ROSTER", "hours"), {"reset-reason": "恢复"})
    assert back.status_code == 302 and engine.params("DUTY.ROSTER")["hours"] == 24
    assert AuditEvent.objects.filter(action="rule.parameter_reset").count() == 1


def test_only_the_security_administrator_opens_the_parameter_page(client):
    from tests.support.factories import person

    client.force_login(person("staff"))
    assert client.get(_url("SYS.LOCK", "idle_minutes")).status_code == 403
    assert (
        client.post(_url("SYS.LOCK", "idle_minutes"), {"value": "3", "reason": "x"}).status_code
        == 403
    )
    assert engine.params("SYS.LOCK")["idle_minutes"] == 5


def test_an_unknown_rule_or_parameter_is_not_found(admin_client):
    assert admin_client.get(_url("NO.SUCH", "x")).status_code == 404
    assert admin_client.get(_url("SYS.LOCK", "nope")).status_code == 404


def test_the_catalog_filters_by_status_and_text(client):
    from tests.support.factories import person

    client.force_login(person("staff"))
    applied = client.get("/rules/", {"status": "applied"}, **EN).content.decode()
    assert 'id="DOC.ARCHIVE"' in applied and 'id="DOC.STORE"' not in applied
    enforced = client.get("/rules/", {"status": "enforced"}).content.decode()
    assert 'id="DOC.STORE"' in enforced and 'id="DOC.ARCHIVE"' not in enforced
    found = client.get("/rules/", {"q": "三员"}).content.decode()
    assert 'id="ACC.SOD"' in found and 'id="DOC.STORE"' not in found
    title = catalog()["SYS.LOCK"].params["idle_minutes"].titles["en"]
    by_parameter = client.get("/rules/", {"q": title.upper()}, **EN).content.decode()
    assert 'id="SYS.LOCK"' in by_parameter and 'id="DOC.STORE"' not in by_parameter
    everything = client.get("/rules/", {"status": "bogus"}).content.decode()
    assert everything.count("<tr id=") == len(catalog())
    assert "/rules/SYS.LOCK/idle_minutes/" not in everything  # no change links but for the admin


def test_a_list_entry_with_a_direction_override_is_refused_at_the_field():
    meta = catalog()["DOC.CONTENT"].params["types"]
    with translation.override("en"):
        form = ParameterForm(meta, meta.default, {"value": ["pdf", "p\u202edf"], "reason": "x"})
        assert not form.is_valid()
        assert list(form.errors) == ["value"] and "U+202E" in form.errors["value"][0]
