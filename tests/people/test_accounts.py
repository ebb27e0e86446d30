"""Account security: audited sign-in, forced password change, no reuse, idle lock, throttling,
one-time codes."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.core.exceptions import ValidationError

from baomi import policy
from baomi.audit.models import AuditEvent
from baomi.core import clock
from baomi.people import services
from baomi.people.models import Person
from tests.support import recorded, sign_in
from tests.support.clients import PASSWORD

pytestmark = pytest.mark.django_db


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))


def test_sign_in_and_out_are_audited(client, make_person):
    person = make_person()
    response = sign_in(client, "sunli")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert actions()[-2:] == ["person.logged_in", "person.logged_out"]
    event = AuditEvent.objects.get(action="person.logged_in")
    assert (event.actor_id, event.object_id) == (str(person.pk), str(person.pk))


def test_a_failed_sign_in_is_refused_and_audited(client, make_person):
    make_person()
    response = sign_in(client, "sunli", "wrong-password", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "The user name or the password is not correct." in response.content.decode()
    failed = AuditEvent.objects.get(action="person.login_failed")
    assert json.loads(failed.body)["data"] == {"username": "sunli"}
    assert client.get("/").status_code == 302


def test_repeated_failures_lock_the_account_even_for_the_right_password(client, make_person):
    make_person()
    for _ in range(5):
        sign_in(client, "sunli", "wrong-password")
    response = sign_in(client, "sunli", HTTP_ACCEPT_LANGUAGE="en")
    assert "Too many failed attempts" in response.content.decode()
    assert client.get("/").status_code == 302
    # the fifth failure reaches the limit and is itself refused as a lock-out
    assert actions().count("person.login_failed") == 4
    assert actions()[-2:] == ["person.locked_out", "person.locked_out"]


def test_a_new_account_must_change_its_password_before_anything_else(client, make_person):
    make_person(must_change=True)
    sign_in(client, "sunli")
    assert client.get("/")["Location"] == "/accounts/password/"
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password": "Another-secret-9",
            "new_password_again": "Another-secret-9",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert actions()[-1] == "person.password_changed"
    person = Person.objects.get(username="sunli")
    event = recorded("person.password_changed", person, actor=person)
    assert event.data == {}  # neither password, nor any hash of one


def test_the_password_expires_after_the_policy_age(client, make_person):
    person = make_person()  # cleared (general tier): the shorter age applies
    age = services.password_max_age(person)
    assert age == dt.timedelta(days=policy.params("SYS.PASSWORD")["classified_max_age_days"])
    with time_machine.travel(clock.now() + age - dt.timedelta(hours=1)):
        sign_in(client, "sunli")
        assert client.get("/").status_code == 200
    with time_machine.travel(clock.now() + age + dt.timedelta(hours=1)):
        sign_in(client, "sunli")
        assert client.get("/")["Location"] == "/accounts/password/"
        assert client.get("/api/v1/people/me/").status_code == 403
        client.post(
            "/accounts/password/",
            {
                "old_password": PASSWORD,
                "new_password": "Fresh-secret-31",
                "new_password_again": "Fresh-secret-31",
            },
        )
        assert client.get("/").status_code == 200


def test_an_uncleared_person_gets_the_longer_password_age(make_person):
    from baomi.core.levels import Tier

    person = make_person(tier=Tier.NONE)
    assert services.password_max_age(person).days == policy.params("SYS.PASSWORD")["max_age_days"]


@pytest.mark.refuses("SYS.PASSWORD")
def test_recent_passwords_may_not_be_reused(make_person):
    person = make_person()
    services.change_password(actor=person, old_password=PASSWORD, new_password="Second-pass-22")
    for reused in (PASSWORD, "Second-pass-22"):
        with pytest.raises(policy.RuleViolation) as raised:
            services.change_password(
                actor=Person.objects.get(pk=person.pk),
                old_password="Second-pass-22",
                new_password=reused,
            )
        assert raised.value.decision.rule_ids == ("SYS.PASSWORD",)
        assert "5" in raised.value.violations[0].message
    assert actions().count("person.password_changed") == 1


def test_a_short_or_weak_password_is_refused_naming_the_rule_or_field(make_person):
    person = make_person()
    with pytest.raises(policy.RuleViolation, match=r"SYS\.PASSWORD"):
        services.change_password(actor=person, old_password=PASSWORD, new_password="short")
    with pytest.raises(ValidationError) as raised:
        services.change_password(actor=person, old_password=PASSWORD, new_password="12345678")
    assert "new_password" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        services.change_password(actor=person, old_password="wrong", new_password="Fine-pass-77")
    assert "old_password" in raised.value.message_dict


@pytest.mark.refuses("SYS.LOCK")
def test_the_session_locks_after_the_idle_limit_and_reopens_with_the_password(client, make_person):
    make_person()
    sign_in(client, "sunli")
    idle = services.idle_limit() + dt.timedelta(seconds=5)
    with time_machine.travel(clock.now() + idle):
        response = client.get("/approvals/")
        assert response.status_code == 302
        assert response["Location"] == "/accounts/lock/?next=/approvals/"
        refused = client.get("/api/v1/people/me/", HTTP_ACCEPT="application/json")
        assert refused.status_code == 423
        [violation] = refused.json()["violations"]
        assert violation["rule"] == "SYS.LOCK" and violation["params"]["idle_minutes"] == 5
        assert "保密工作准则" in violation["clause"]
        assert "SYS.LOCK" in client.get("/accounts/lock/").content.decode()
        wrong = client.post("/accounts/unlock/", {"password": "nope"})
        assert wrong.status_code == 403 and client.get("/").status_code == 302
        assert client.post("/accounts/unlock/", {"password": PASSWORD}).json() == {"locked": False}
        assert client.get("/approvals/").status_code == 200
    assert actions()[-3:] == ["session.locked", "session.unlock_failed", "session.unlocked"]
    person = Person.objects.get(username="sunli")
    recorded("session.locked", person, actor=person, reason="idle")
    recorded("session.unlocked", person, actor=person)


def test_typing_in_a_long_form_keeps_the_session_open(client, make_person):
    make_person()
    sign_in(client, "sunli")
    step = services.idle_limit() - dt.timedelta(seconds=30)
    with time_machine.travel(clock.now() + step) as traveller:
        assert client.post("/accounts/activity/").json() == {"locked": False}
        traveller.shift(step)
        assert client.get("/").status_code == 200


def test_a_pages_own_refresh_does_not_keep_the_session_open(client, make_person):
    make_person()
    sign_in(client, "sunli")
    step = services.idle_limit() - dt.timedelta(seconds=30)
    with time_machine.travel(clock.now() + step) as traveller:
        assert client.get("/", HTTP_X_BAOMI_REFRESH="1").status_code == 200
        traveller.shift(step)
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/lock/")


def test_one_time_codes_once_enrolled_are_required(client, make_person):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    person = make_person()
    device = services.enroll_totp(actor=person)
    recorded("totp.enrolment_started", person, actor=person)
    with pytest.raises(ValidationError):
        services.confirm_totp(actor=person, token="000000")
    code = f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
    services.confirm_totp(actor=person, token=code)
    assert TOTPDevice.objects.get(user=person).confirmed
    recorded("totp.enrolled", person, actor=person)
    response = sign_in(client, "sunli")
    assert response.status_code == 200 and client.get("/").status_code == 302
    with time_machine.travel(clock.now() + dt.timedelta(seconds=60)):
        device.refresh_from_db()
        fresh = f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
        assert sign_in(client, "sunli", token=fresh).status_code == 302
    assert "totp.enrolled" in actions()


def test_an_api_token_needs_the_same_checks_and_is_audited(client, make_person):
    make_person()
    refused = client.post("/api/v1/auth/token/", {"username": "sunli", "password": "x"})
    assert refused.status_code == 400
    key = client.post("/api/v1/auth/token/", {"username": "sunli", "password": PASSWORD}).json()[
        "token"
    ]
    me = client.get("/api/v1/people/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert me.status_code == 200 and me.json()["username"] == "sunli"
    person = Person.objects.get(username="sunli")
    event = recorded("person.api_token_issued", person, actor=person)
    assert key not in json.dumps(event.body)  # the token itself is never on record


@pytest.mark.argon2
def test_passwords_are_stored_as_argon2_hashes(make_person):
    person = make_person()
    assert person.password.startswith("argon2$")
    assert person.check_password(PASSWORD)


def test_the_system_administrator_unlocks_an_account_and_resets_a_password(
    client, make_person, admins
):
    from baomi.people.models import AdminRole

    make_person()
    for _ in range(5):
        sign_in(client, "sunli", "wrong-password")
    sysadmin = admins[AdminRole.SYSTEM]
    client.force_login(sysadmin)
    page = client.get("/accounts/admin/")
    assert page.status_code == 200 and "sunli" in page.context["locked"]
    target = Person.objects.get(username="sunli")
    client.post("/accounts/admin/", {"person": target.pk, "unlock": "1"})
    assert "sunli" not in services.locked_out_usernames()
    client.post("/accounts/admin/", {"person": target.pk, "password": "Temp-pass-4411"})
    assert Person.objects.get(pk=target.pk).password_changed_at is None
    client.logout()
    sign_in(client, "sunli", "Temp-pass-4411")
    assert client.get("/")["Location"] == "/accounts/password/"
    assert actions()[-3:] == ["person.unlocked", "person.password_reset", "person.logged_in"]
    recorded("person.unlocked", target, actor=sysadmin, failures_cleared=1)
    recorded("person.password_reset", target, actor=sysadmin)
    recorded("person.logged_in", target, actor=target)


def test_only_the_system_administrator_administers_accounts(client, make_person, admins):
    from baomi.people.models import AdminRole

    target = make_person()
    for who in (admins[AdminRole.SECURITY], admins[AdminRole.AUDITOR], target):
        client.force_login(who)
        assert client.get("/accounts/admin/").status_code == 403
    with pytest.raises(policy.RuleViolation, match=r"ACC\.ROLE"):
        services.reset_password(
            actor=admins[AdminRole.SECURITY], person=target, new_password="Temp-pass-4411"
        )
