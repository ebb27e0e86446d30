"""Account security on every request: the idle lock (SYS.LOCK) and the forced password change
(SYS.PASSWORD)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from baomi import policy
from baomi.core import clock

from . import services
from .models import Person

#: paths a locked or expired session may still reach
OPEN_PREFIXES = ("/static/", "/accounts/", "/i18n/")
#: the header of a page's own periodic refresh (the duty desk's clocks): checked like any
#: request, but not the person's activity, so a page left open still locks when idle
REFRESH_HEADER = "X-Baomi-Refresh"


def _wants_json(request: HttpRequest) -> bool:
    return (
        request.headers.get("HX-Request") == "true"
        or request.path.startswith("/api/")
        or "application/json" in request.headers.get("Accept", "")
    )


class AccountSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        session_auth = user.is_authenticated and services.LAST_ACTIVITY in request.session
        if not session_auth or request.path.startswith(OPEN_PREFIXES):
            return self.get_response(request)
        now = clock.now().timestamp()
        idle = now - request.session.get(services.LAST_ACTIVITY, now)
        locked = bool(request.session.get(services.LOCKED))
        decision = policy.check("session.continue", idle_seconds=idle, locked=locked)
        if not decision.allowed:
            if not locked:
                services.lock_session(request=request, reason="idle")
            if _wants_json(request):
                return JsonResponse(
                    {
                        "locked": True,
                        "unlock": reverse("people:unlock"),
                        "violations": [v.as_dict() for v in decision.violations],
                    },
                    status=423,
                )
            return redirect(f"{reverse('people:lock')}?next={request.get_full_path()}")
        if isinstance(user, Person) and services.password_expired(user):
            if _wants_json(request):
                return JsonResponse({"password_expired": True}, status=403)
            return redirect(reverse("people:password"))
        if request.headers.get(REFRESH_HEADER) != "1":
            request.session[services.LAST_ACTIVITY] = now
        return self.get_response(request)
