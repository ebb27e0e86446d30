"""Signing in and out, the session lock, password change, one-time codes, people management."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baomi import policy
from baomi.core import clock
from baomi.core.errors import add_to_form, report
from baomi.core.http import form_checks_text

from . import forms, services
from .lists import ACCOUNTS, PEOPLE
from .models import Person


class AuthedRequest(HttpRequest):
    """A request behind login_required: its user is a Person."""

    user: Person


def _next(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    ok = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    return target if ok else default


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes asks what to answer a locked-out attempt: the sign-in page, which the sign-in
    service has already filled with the reason (and put on record)."""
    if original_response is None:
        original_response = login_view(request)
    original_response.status_code = 429
    return original_response


def login_view(request: HttpRequest) -> HttpResponse:
    form = forms.LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_in(request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            return redirect(_next(request))
    return render(request, "people/login.html", {"form": form, "next": _next(request)})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    services.sign_out(request=request)
    return redirect("people:login")


@login_required
def lock_view(request: AuthedRequest) -> HttpResponse:
    """The full-page lock, for requests that arrived after the session locked."""
    form = forms.UnlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.unlock_session(request=request, password=form.cleaned_data["password"])
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            return redirect(_next(request))
    return render(
        request,
        "people/lock.html",
        {
            "form": form,
            "next": _next(request),
            "rule": "SYS.LOCK",
            "clause": policy.clause("SYS.LOCK"),
            "idle_minutes": policy.params("SYS.LOCK")["idle_minutes"],
        },
    )


@login_required
@require_POST
def lock_now(request: AuthedRequest) -> JsonResponse:
    """The page's idle timer, or the person, locks the session."""
    services.lock_session(request=request, reason=request.POST.get("reason", "asked"))
    return JsonResponse({"locked": True})


@login_required
@require_POST
def unlock_view(request: AuthedRequest) -> JsonResponse:
    """Unlock from the overlay: the page, and its unsaved form, stay as they were."""
    try:
        services.unlock_session(request=request, password=request.POST.get("password", ""))
    except ValidationError:
        return JsonResponse(
            {"locked": True, "error": _("The password is not correct.")}, status=403
        )
    return JsonResponse({"locked": False})


@login_required
@require_POST
def activity_view(request: AuthedRequest) -> JsonResponse:
    """The page reports that the person is typing, so a long form does not count as idle."""
    if request.session.get(services.LOCKED):
        return JsonResponse({"locked": True}, status=423)
    request.session[services.LAST_ACTIVITY] = clock.now().timestamp()
    return JsonResponse({"locked": False})


@login_required
def password_view(request: AuthedRequest) -> HttpResponse:
    form = forms.PasswordChangeForm(request.POST or None)
    expired = services.password_expired(request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_password(
                actor=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except (ValidationError, policy.RuleViolation) as exc:
            add_to_form(form, exc)
        else:
            request.user.refresh_from_db()
            from django.contrib.auth import update_session_auth_hash

            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect("web:home")
    return render(request, "people/password.html", {"form": form, "expired": expired})


@login_required
def totp_view(request: AuthedRequest) -> HttpResponse:
    """Enrol a one-time-code app: scan the QR code, confirm with a first code."""
    import segno
    from django_otp.plugins.otp_totp.models import TOTPDevice

    form = forms.TokenForm(request.POST or None)
    if request.method == "POST" and "start" in request.POST:
        services.enroll_totp(actor=request.user)
        return redirect("people:totp")
    if request.method == "POST" and form.is_valid():
        try:
            services.confirm_totp(actor=request.user, token=form.cleaned_data["token"])
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("One-time codes are now required at sign-in."))
            return redirect("web:home")
    pending = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    enrolled = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
    qr = segno.make(pending.config_url, error="m").svg_inline(scale=4) if pending else ""
    return render(
        request,
        "people/totp.html",
        {"form": form, "pending": pending, "enrolled": enrolled, "qr": qr},
    )


# -- people management (security administrator) -------------------------------------------


def _manage(request: AuthedRequest) -> None:
    policy.require("person.manage", actor=request.user)


@login_required
def people_list(request: AuthedRequest) -> HttpResponse:
    _manage(request)
    return PEOPLE.response(request)


@form_checks_text
@login_required
def person_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    _manage(request)
    person = get_object_or_404(Person, pk=pk) if pk else None
    initial = {}
    if person:
        initial = {
            "username": person.username,
            "full_name": person.full_name,
            "department": person.department,
            "posts": sorted(person.post_codes),
            "tier": person.tier,
            "is_active": person.is_active,
        }
    form = forms.PersonForm(request.POST or None, initial=initial)
    if person:
        form.fields["username"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if person:
                services.update_person(
                    actor=request.user,
                    person=person,
                    full_name=data["full_name"],
                    department=data["department"],
                    posts=data["posts"],
                    tier=data["tier"],
                    is_active=data["is_active"],
                )
            else:
                if not data["password"]:
                    raise ValidationError({"password": _("Give an initial password.")})
                services.create_person(
                    actor=request.user,
                    username=data["username"],
                    full_name=data["full_name"],
                    password=data["password"],
                    department=data["department"],
                    posts=data["posts"],
                    tier=data["tier"],
                )
        except (ValidationError, policy.RuleViolation) as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("people:list")
    return render(request, "people/edit.html", {"form": form, "person": person})


# -- account administration (system administrator) ----------------------------------------


@login_required
def accounts_admin(request: AuthedRequest) -> HttpResponse:
    """Reset a password or lift a sign-in lock-out; nothing else about people."""
    policy.require("account.admin", actor=request.user)
    if request.method == "POST":
        target = get_object_or_404(Person, pk=request.POST.get("person"))
        try:
            if "unlock" in request.POST:
                services.unlock_account(actor=request.user, person=target)
                messages.success(request, _("%(name)s can sign in again.") % {"name": target})
            else:
                services.reset_password(
                    actor=request.user, person=target, new_password=request.POST.get("password", "")
                )
                messages.success(
                    request,
                    _("%(name)s must choose a new password at the next sign-in.")
                    % {"name": target},
                )
        except ValidationError as exc:
            report(request, exc)
        return redirect("people:accounts")
    return ACCOUNTS.response(request, locked=services.locked_out_usernames())
