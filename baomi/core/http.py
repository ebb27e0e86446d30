"""Middleware for what every response must carry and what no request may bring.

`RequestBodyLimitMiddleware` refuses an oversized body before anything reads it;
`NoStoreMiddleware` keeps register data out of every cache. The Content-Security-Policy and
Permissions-Policy headers come from django-csp and django-permissions-policy (settings.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from baomi.core.errors import PROBLEM_CONTENT_TYPE
from baomi.core.inputs import forbidden, refusal

Handler = Callable[[HttpRequest], HttpResponseBase]


class RequestBodyLimitMiddleware:
    """Answer 413 to a body above BAOMI_MAX_REQUEST_BYTES, judged by its declared length alone.

    It runs before every middleware that could read the stream (CSRF looks at request.POST),
    after those that only write response headers, so a refusal carries them too.
    A body sent chunked without a Content-Length is refused too (411): Django's WSGI request
    reads a body only up to CONTENT_LENGTH, so such a body would be taken as empty and the
    upload silently lost; browsers and API clients send a length for every form and file.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        limit: int = settings.BAOMI_MAX_REQUEST_BYTES
        declared = request.META.get("CONTENT_LENGTH") or ""
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        try:
            length = int(declared) if declared else 0
        except ValueError:
            length = 0  # Django reads nothing of a body whose length is not a number
        if chunked and not declared:
            return _refusal(request, 411, lambda: _("Send the request with a Content-Length."))
        if length > limit:
            mb = f"{limit / 2**20:g}"
            return _refusal(
                request, 413, lambda: _("The request is larger than %(mb)s MB.") % {"mb": mb}
            )
        return self.get_response(request)


def _refusal(request: HttpRequest, status: int, message: Callable[[], str]) -> HttpResponse:
    # the locale middleware has not run yet: take the language the way it would
    with translation.override(translation.get_language_from_request(request)):
        detail, title = message(), _("The request is refused.")
    if request.path.startswith("/api/"):
        body: dict[str, Any] = {
            "type": "urn:baomi:problem:request-refused",
            "title": title,
            "status": status,
            "detail": detail,
        }
        response: HttpResponse = JsonResponse(
            body,
            status=status,
            content_type=PROBLEM_CONTENT_TYPE,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = HttpResponse(detail, status=status, content_type="text/plain; charset=utf-8")
    return response


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response except static files.

    Every page, API answer and download of a signed-in person may show register data; the rest
    (the login page, error pages) gain nothing from caching. No exception is made for the
    anonymous: an API request authenticated by token still has an anonymous request.user here,
    since the REST framework authenticates inside the view.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not request.path.startswith(self.static_prefix):
            add_never_cache_headers(response)
        return response


def form_checks_text(view: Any) -> Any:
    """Mark a page view whose form declares every text field it reads: its CheckedForm refuses a
    forbidden character at the field, by its label, keeping what was typed, so the check below
    leaves it to the form. Forgetting the mark only costs that nicer answer."""
    view.form_checks_text = True
    return view


class PostedTextMiddleware:
    """A page's posted text may hold no control character but tab and line breaks, and no
    direction override or isolate (a U+202E in a title makes the register show it reversed).

    Checked once here for every form a page posts, whether the view reads it through a form or
    from request.POST, so no view can forget it; the refusal names each field, and the view
    never runs, so nothing is saved. Views marked `form_checks_text` answer at the field
    instead. The API checks its input in `core.errors.validated`.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponseBase | None:
        if request.method != "POST" or request.path.startswith("/api/"):
            return None
        if getattr(view, "form_checks_text", False):
            return None
        lines = []
        for name, values in request.POST.lists():
            char = next((c for v in values if (c := forbidden(v, multiline=True))), None)
            if char is not None:
                lines.append(refusal(name, char))
        if not lines:
            return None
        from django.shortcuts import render

        return render(request, "web/invalid_post.html", {"lines": lines}, status=400)
