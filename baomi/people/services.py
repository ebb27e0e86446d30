"""Services of people and accounts: who is who, what they hold, and how they sign in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import authenticate, login, logout
from django.contrib.auth import password_validation as validators
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from baomi import audit, policy
from baomi.core import clock
from baomi.core.levels import Tier
from baomi.core.models import OrgUnit
from baomi.core.rules import clearance_ceiling

from .models import AdminRole, PasswordHistory, Person, Post, PostAssignment

LOCKED = "baomi_locked"
LAST_ACTIVITY = "baomi_last_activity"


# -- people --------------------------------------------------------------------------------


def _check_assignment(person_id: int | None, admin_role: str, tier: str, posts: set[str]) -> None:
    if admin_role not in AdminRole.values:
        raise ValidationError(
            {"admin_role": _("Unknown administrator role: %(role)s.") % {"role": admin_role}}
        )
    unknown = posts - set(Post.values)
    if unknown:
        raise ValidationError(
            {"posts": _("Unknown post: %(post)s.") % {"post": ", ".join(unknown)}}
        )
    if tier not in Tier.values:
        raise ValidationError({"tier": _("Unknown clearance tier: %(tier)s.") % {"tier": tier}})
    policy.require(
        "person.assign", person=person_id, admin_role=admin_role, tier=tier, posts=frozenset(posts)
    )


def _set_posts(person: Person, posts: set[str]) -> None:
    PostAssignment.objects.filter(person=person).exclude(post__in=posts).delete()
    held = set(PostAssignment.objects.filter(person=person).values_list("post", flat=True))
    PostAssignment.objects.bulk_create(PostAssignment(person=person, post=p) for p in posts - held)
    person._post_codes = frozenset(posts)


@transaction.atomic(durable=True)
def create_person(
    *,
    actor: Person | None,
    username: str,
    full_name: str,
    password: str,
    department: OrgUnit | None = None,
    posts: Iterable[str] = (),
    tier: str = Tier.NONE,
    admin_role: str = AdminRole.NONE,
    must_change_password: bool = True,
) -> Person:
    """Create an account. People are managed by the security administrator; an administrator
    account holds no post and no clearance (ACC.SOD). Unless told otherwise, the password must
    be changed at the first sign-in."""
    _require_admin("person.manage", actor)
    posts = set(posts)
    username = username.strip()
    if not username:
        raise ValidationError({"username": _("Give the account a user name.")})
    if Person.objects.filter(username=username).exists():
        raise ValidationError(
            {"username": _("The user name %(name)s is taken.") % {"name": username}}
        )
    _check_assignment(None, admin_role, tier, posts)
    person = Person(
        username=username,
        full_name=full_name.strip(),
        department=department,
        tier=tier,
        admin_role=admin_role,
        password_changed_at=None if must_change_password else clock.now(),
    )
    person.set_password(password)
    person.save()
    _set_posts(person, posts)
    audit.record(
        actor,
        "person.created",
        person,
        username=username,
        department=department,
        posts=sorted(posts),
        tier=tier,
        admin_role=admin_role,
    )
    return person


@transaction.atomic(durable=True)
def update_person(
    *,
    actor: Person | None,
    person: Person,
    full_name: str | None = None,
    department: OrgUnit | None = None,
    posts: Iterable[str] | None = None,
    tier: str | None = None,
    is_active: bool | None = None,
) -> Person:
    """Change who a person is in the organization; the audit event lists every change."""
    _require_admin("person.manage", actor)
    person = Person.objects.select_for_update().get(pk=person.pk)
    new_posts = set(posts) if posts is not None else set(person.post_codes)
    new_tier = tier if tier is not None else person.tier
    _check_assignment(person.pk, person.admin_role, new_tier, new_posts)
    leaves_post = (
        (department is not None and department != person.department)
        or bool(set(person.post_codes) - new_posts)  # gaining a post leaves nothing behind
        or is_active is False
        # a lower clearance may no longer cover what the person holds
        or clearance_ceiling(new_tier) < clearance_ceiling(person.tier)
    )
    if leaves_post and person.is_active:
        # the flows decide whether the person still holds anything (DOC.HANDOVER)
        policy.require("person.change_post", person=person)
    changes: dict[str, Any] = {}
    for field, value in (
        ("full_name", full_name),
        ("department", department),
        ("tier", tier),
        ("is_active", is_active),
    ):
        if value is not None and getattr(person, field) != value:
            changes[field] = {"old": getattr(person, field), "new": value}
            setattr(person, field, value)
    if new_posts != set(person.post_codes):
        changes["posts"] = {"old": sorted(person.post_codes), "new": sorted(new_posts)}
        _set_posts(person, new_posts)
    if changes:
        person.save()
        audit.record(actor, "person.updated", person, changes=changes)
    return person


def _require_admin(action: str, actor: Person | None) -> None:
    if actor is None:  # installation and demo set-up from the command line
        return
    policy.require(action, actor=actor)


# -- passwords -----------------------------------------------------------------------------


def password_max_age(person: Person) -> dt.timedelta:
    """SYS.PASSWORD: people cleared for 秘密 and above change more often."""
    p = policy.params("SYS.PASSWORD")
    days = p["classified_max_age_days"] if person.tier != Tier.NONE else p["max_age_days"]
    return dt.timedelta(days=days)


def password_expired(person: Person) -> bool:
    """True when the person must change the password before doing anything else."""
    changed = person.password_changed_at
    return changed is None or clock.now() - changed > password_max_age(person)


@transaction.atomic(durable=True)
def change_password(*, actor: Person, old_password: str, new_password: str) -> None:
    """The person replaces their own password: the old one is confirmed, the new one is long
    enough, passes the validators and repeats none of the recent ones (SYS.PASSWORD)."""
    person = Person.objects.select_for_update().get(pk=actor.pk)
    if not person.check_password(old_password):
        raise ValidationError({"old_password": _("The current password is not correct.")})
    recent = [
        person.password,
        *PasswordHistory.objects.filter(person=person).values_list("password", flat=True),
    ]
    policy.require(
        "account.change_password", person=person, new_password=new_password, recent_hashes=recent
    )
    try:
        validators.validate_password(new_password, person)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from exc
    _store_password(person, new_password, keep=policy.params("SYS.PASSWORD")["history_count"])
    audit.record(actor, "person.password_changed", person)


@transaction.atomic(durable=True)
def reset_password(*, actor: Person, person: Person, new_password: str) -> None:
    """The system administrator sets a temporary password, to be changed at the next sign-in."""
    _require_admin("account.admin", actor)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if len(new_password) < policy.params("SYS.PASSWORD")["min_length"]:
        raise ValidationError(
            {
                "password": _("A password has at least %(min)s characters.")
                % {"min": policy.params("SYS.PASSWORD")["min_length"]}
            }
        )
    _store_password(person, new_password, keep=policy.params("SYS.PASSWORD")["history_count"])
    Person.objects.filter(pk=person.pk).update(password_changed_at=None)
    audit.record(actor, "person.password_reset", person)


@transaction.atomic(durable=True)
def unlock_account(*, actor: Person, person: Person) -> int:
    """The system administrator lifts the sign-in lock-out of an account (django-axes) after
    repeated failures; returns how many recorded failures were cleared."""
    from axes.utils import reset

    _require_admin("account.admin", actor)
    cleared = reset(username=person.username)
    audit.record(actor, "person.unlocked", person, failures_cleared=cleared)
    return cleared


def locked_out_usernames() -> set[str]:
    """User names that django-axes currently refuses."""
    from axes.models import AccessAttempt
    from django.conf import settings

    return set(
        AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT
        ).values_list("username", flat=True)
    )


def _store_password(person: Person, raw: str, *, keep: int) -> None:
    PasswordHistory.objects.create(person=person, password=person.password, created_at=clock.now())
    stale = PasswordHistory.objects.filter(person=person).values_list("pk", flat=True)[keep:]
    PasswordHistory.objects.filter(pk__in=list(stale)).delete()
    person.set_password(raw)
    person.password_changed_at = clock.now()
    person.save(update_fields=["password", "password_changed_at"])


# -- signing in and the session lock ------------------------------------------------------


def _record_refusal(actor: Person | None, action: str, obj: Any, **data: Any) -> None:
    """A refused sign-in or unlock changes nothing but must be on record: its event commits in
    a transaction of its own before the refusal is raised."""
    with transaction.atomic():
        audit.record(actor, action, obj, **data)


def _authenticate(
    request: HttpRequest, username: str, password: str, token: str
) -> tuple[Person, Any]:
    """The person and their confirmed TOTP device (if any), or a refusal already on record."""
    from django_otp import devices_for_user, match_token

    person = authenticate(request, username=username, password=password)
    if person is None:
        if getattr(request, "axes_locked_out", False):
            _record_refusal(None, "person.locked_out", None, username=username)
            raise ValidationError(
                _(
                    "Too many failed attempts: this account is locked for a while. "
                    "Ask the system administrator to unlock it."
                )
            )
        _record_refusal(None, "person.login_failed", None, username=username)
        raise ValidationError(_("The user name or the password is not correct."))
    assert isinstance(person, Person)
    device = None
    if any(devices_for_user(person, confirmed=True)):
        device = match_token(person, token.strip()) if token.strip() else None
        if device is None:
            _record_refusal(
                None, "person.login_failed", person, username=username, reason="one-time code"
            )
            raise ValidationError({"token": _("The one-time code is missing or wrong.")})
    return person, device


def sign_in(*, request: HttpRequest, username: str, password: str, token: str = "") -> Person:
    """Authenticate (throttled by django-axes), check the TOTP code of a person who enrolled
    one, open the session. Every success, failure and lock-out is audited."""
    from django_otp import login as otp_login

    person, device = _authenticate(request, username, password, token)
    with transaction.atomic():
        login(request, person)
        if device is not None:
            otp_login(request, device)
        request.session[LAST_ACTIVITY] = clock.now().timestamp()
        request.session[LOCKED] = False
        audit.record(person, "person.logged_in", person)
    return person


def issue_api_token(*, request: HttpRequest, username: str, password: str, token: str = "") -> str:
    """An API token for a program acting as the person, after the same checks as a sign-in;
    a new token replaces the old one. A person whose password expired gets none."""
    from rest_framework.authtoken.models import Token

    person, _device = _authenticate(request, username, password, token)
    if password_expired(person):
        raise ValidationError(_("The password has expired: change it in the web interface."))
    with transaction.atomic():
        Token.objects.filter(user=person).delete()
        key = Token.objects.create(user=person).key
        audit.record(person, "person.api_token_issued", person)
    return key


@transaction.atomic(durable=True)
def sign_out(*, request: HttpRequest) -> None:
    person = request.user
    if person.is_authenticated:
        audit.record(person, "person.logged_out", person)
    logout(request)


def idle_limit() -> dt.timedelta:
    return dt.timedelta(minutes=policy.params("SYS.LOCK")["idle_minutes"])


@transaction.atomic(durable=True)
def lock_session(*, request: HttpRequest, reason: str) -> None:
    """Lock the person's session (idle limit reached, or asked for); audited once."""
    if request.session.get(LOCKED):
        return
    request.session[LOCKED] = True
    audit.record(request.user, "session.locked", request.user, reason=reason)


def unlock_session(*, request: HttpRequest, password: str) -> None:
    """Reopen a locked session with the person's password; a wrong one is audited."""
    person = request.user
    assert isinstance(person, Person)
    if not check_password(password, person.password):
        _record_refusal(person, "session.unlock_failed", person)
        raise ValidationError({"password": _("The password is not correct.")})
    with transaction.atomic():
        request.session[LOCKED] = False
        request.session[LAST_ACTIVITY] = clock.now().timestamp()
        audit.record(person, "session.unlocked", person)


# -- one-time codes ------------------------------------------------------------------------


@transaction.atomic(durable=True)
def enroll_totp(*, actor: Person) -> Any:
    """Start TOTP enrolment: a new unconfirmed device whose key the person scans."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=actor, name="TOTP", confirmed=False)
    audit.record(actor, "totp.enrolment_started", actor)
    return device


@transaction.atomic(durable=True)
def confirm_totp(*, actor: Person, token: str) -> None:
    """Confirm enrolment with a first code; from then on sign-in asks for a code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=actor, confirmed=False).first()
    if device is None or not device.verify_token(token.strip()):
        raise ValidationError({"token": _("The one-time code is wrong; try the next one.")})
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record(actor, "totp.enrolled", actor)
