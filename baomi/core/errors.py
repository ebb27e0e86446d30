"""One translation of a denial for every surface: problem+json (RFC 9457) for the API, form
messages for the UI. A denial reads the same everywhere: each violated rule with its id, title,
message, clause and the parameter values in force."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import exception_handler

from baomi.core.visibility import NotVisible
from baomi.policy import RuleViolation

PROBLEM_TYPE = "urn:baomi:problem:rule-violation"
PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem(exc: RuleViolation, instance: str = "") -> dict[str, Any]:
    """The problem+json document of a denial."""
    decision = exc.decision
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE,
        "title": _("The action breaks confidentiality rules."),
        "status": 403,
        "detail": " ".join(violation_messages(exc)),
        "action": decision.action,
        "violations": [v.as_dict() for v in decision.violations],
        "approvals": list(decision.approvals),
    }
    if instance:
        body["instance"] = instance
    return body


def violation_messages(exc: RuleViolation) -> list[str]:
    """One line per violated rule: id, title, message, and the clause it comes from."""
    return [
        _("%(rule)s %(title)s: %(message)s (%(clause)s)")
        % {"rule": v.rule_id, "title": v.title, "message": v.message, "clause": v.clause}
        for v in exc.violations
    ]


def problem_response(exc: RuleViolation, instance: str = "") -> JsonResponse:
    """A plain Django response for views outside the REST framework."""
    return JsonResponse(
        problem(exc, instance),
        status=403,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def _validation_problem(exc: ValidationError) -> dict[str, Any]:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    return {
        "type": "urn:baomi:problem:invalid-input",
        "title": _("The input is not valid."),
        "status": 400,
        "detail": " ".join(m for ms in errors.values() for m in ms),
        "errors": errors,
    }


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """REST framework hook: denials and Django validation errors become problem+json."""
    request = context.get("request")
    instance = request.get_full_path() if request is not None else ""
    if isinstance(exc, RuleViolation):
        return Response(problem(exc, instance), status=403, content_type=PROBLEM_CONTENT_TYPE)
    if isinstance(exc, ValidationError):
        return Response(_validation_problem(exc), status=400, content_type=PROBLEM_CONTENT_TYPE)
    if isinstance(exc, NotVisible):  # a service's "not for this person": the same as absent
        exc = NotFound()
    response = exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict):
        detail = response.data.get("detail", "")
        response.data = {
            "type": "about:blank",
            "title": str(detail) or response.status_text,
            "status": response.status_code,
            **({"errors": response.data} if "detail" not in response.data else {}),
        }
        response.content_type = PROBLEM_CONTENT_TYPE
    return response


def report(request: Any, exc: RuleViolation | ValidationError) -> None:
    """Show a denial or a validation error as page messages, for actions posted without a form
    object (buttons on a document page, uploads)."""
    from django.contrib import messages

    lines = violation_messages(exc) if isinstance(exc, RuleViolation) else exc.messages
    for line in lines:
        messages.error(request, line)


def act_then_show(
    request: Any, action: Callable[[], Any], done: str, to: str, **kwargs: Any
) -> HttpResponse:
    """Run one service for a posted button: on success say `done`, on a denial or a validation
    error show its messages; either way show the page `to` (a URL name and its arguments)."""
    from django.contrib import messages
    from django.shortcuts import redirect

    try:
        action()
    except (ValidationError, RuleViolation) as exc:
        report(request, exc)
    else:
        messages.success(request, done)
    return redirect(to, **kwargs)


def add_to_form(form: forms.BaseForm, exc: RuleViolation | ValidationError) -> None:
    """Show a denial or a service's validation error on the form that submitted the action."""
    if isinstance(exc, RuleViolation):
        for line in violation_messages(exc):
            form.add_error(None, line)
    else:
        form.add_error(None, exc)


class RuleViolationMiddleware:
    """A denial that escapes a page view becomes a 403 page listing the violated rules; an object
    a service finds outside what the person may know of becomes the 404 page."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        return self.get_response(request)

    def process_exception(self, request: Any, exception: Exception) -> Any:
        if isinstance(exception, NotVisible):  # a page answers as for an id that exists nowhere
            from django.http import Http404

            raise Http404 from exception
        if not isinstance(exception, RuleViolation) or request.path.startswith("/api/"):
            return None
        from django.shortcuts import render

        return render(
            request, "web/denied.html", {"lines": violation_messages(exception)}, status=403
        )


def validated(serializer_class: type[Any], request: Any) -> dict[str, Any]:
    """The request body as `serializer_class` validates it; a field that does not fit raises
    DRF's ValidationError, which the API answers as a 400 naming the field."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
