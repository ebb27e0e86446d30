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
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler

from baomi.core.query import InvalidQuery
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


INVALID_INPUT = "urn:baomi:problem:invalid-input"
LOCKED_OUT = "urn:baomi:problem:locked-out"
#: keys of messages about the input as a whole rather than one field
WHOLE = ("non_field_errors", "__all__", "detail")


def plain(value: Any) -> Any:
    """`value` as JSON of plain strings: DRF's ErrorDetail and lazy translations become text,
    at any depth, so a problem never shows a Python representation."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


def messages_of(errors: Any, field: str = "") -> list[str]:
    """Every message in a nest of errors, each after the field it is about ("copies.0: …")."""
    if isinstance(errors, dict):
        return [
            line
            for key, nested in errors.items()
            for line in messages_of(
                nested, field if key in WHOLE else f"{field}.{key}" if field else str(key)
            )
        ]
    if isinstance(errors, list | tuple):
        return [line for nested in errors for line in messages_of(nested, field)]
    return [f"{field}: {errors}" if field else str(errors)]


def invalid_input(errors: dict[str, Any], status: int = 400) -> dict[str, Any]:
    """The problem+json document of input that does not fit, naming each field."""
    errors = plain(errors)
    return {
        "type": INVALID_INPUT,
        "title": _("The input is not valid."),
        "status": status,
        "detail": " ".join(messages_of(errors)),
        "errors": errors,
    }


def _validation_problem(exc: ValidationError) -> dict[str, Any]:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    return invalid_input(errors)


def _locked_out(request: Any) -> bool:
    # django-axes marks the request of a locked-out attempt, and answers it 429 after the view
    # (people.views.locked_out): the problem's own status must say the same
    return bool(getattr(request, "axes_locked_out", False))


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """REST framework hook: every refusal becomes problem+json of plain strings whose status is
    the answer's: denials (403, naming the rules), input that does not fit (400, naming the
    fields or query parameters), a locked-out sign-in (429), and REST framework's own."""
    request = context.get("request")
    instance = request.get_full_path() if request is not None else ""
    if isinstance(exc, RuleViolation):
        return Response(problem(exc, instance), status=403, content_type=PROBLEM_CONTENT_TYPE)
    if isinstance(exc, NotVisible):  # a service's "not for this person": the same as absent
        exc = NotFound()
    if isinstance(exc, InvalidQuery):
        body = invalid_input(exc.errors)
    elif isinstance(exc, ValidationError):
        body = _validation_problem(exc)
    else:
        response = exception_handler(exc, context)
        if response is None:
            return None
        data = response.data
        if isinstance(exc, DRFValidationError):
            body = invalid_input(data if isinstance(data, dict) else {"non_field_errors": data})
        else:
            detail = data.get("detail", "") if isinstance(data, dict) else data
            body = {
                "type": "about:blank",
                "title": " ".join(messages_of(plain(detail))) or response.status_text,
                "status": response.status_code,
            }
        response.data = body
        response.content_type = PROBLEM_CONTENT_TYPE
        return _lock_out(request, response)
    return _lock_out(request, Response(body, status=400, content_type=PROBLEM_CONTENT_TYPE))


def _lock_out(request: Any, response: Response) -> Response:
    if _locked_out(request):
        response.status_code = 429
        response.data = {
            **response.data,
            "type": LOCKED_OUT,
            "title": _("The account is locked for a while."),
            "status": 429,
        }
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


def add_to_form(
    form: forms.BaseForm, exc: RuleViolation | ValidationError, at: dict[str, str] | None = None
) -> None:
    """Show a denial or a service's validation error on the form that submitted the action; a
    violated rule named in `at` (rule id: field name) stands at that field."""
    if isinstance(exc, RuleViolation):
        for violation, line in zip(exc.violations, violation_messages(exc), strict=True):
            field = (at or {}).get(violation.rule_id)
            form.add_error(field if field in form.fields else None, line)
    else:
        form.add_error(None, exc)


class RuleViolationMiddleware:
    """A denial that escapes a page view becomes a 403 page listing the violated rules; an object
    a service finds outside what the person may know of becomes the 404 page; a list's query
    parameter that does not parse becomes a 400 page naming it."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        return self.get_response(request)

    def process_exception(self, request: Any, exception: Exception) -> Any:
        if isinstance(exception, NotVisible):  # a page answers as for an id that exists nowhere
            from django.http import Http404

            raise Http404 from exception
        if request.path.startswith("/api/"):
            return None
        from django.shortcuts import render

        if isinstance(exception, InvalidQuery):  # a list asked for with a malformed parameter
            lines = exception.lines()
            return render(request, "web/invalid_query.html", {"lines": lines}, status=400)
        if not isinstance(exception, RuleViolation):
            return None
        return render(
            request, "web/denied.html", {"lines": violation_messages(exception)}, status=403
        )


def validated(serializer_class: type[Any], request: Any, *, data: Any = None) -> dict[str, Any]:
    """The request body (or `data`, such as the query) as `serializer_class` validates it; a
    field that does not fit raises DRF's ValidationError, which the API answers as a 400 naming
    the field. Every string of it is checked too (core.inputs): this is the one door through
    which the API's input comes in, so no serializer can leave the check out."""
    from baomi.core.inputs import text_errors

    serializer = serializer_class(
        data=request.data if data is None else data, context={"request": request}
    )
    serializer.is_valid(raise_exception=True)
    found = dict(serializer.validated_data)
    refused = text_errors(dict(serializer.fields), found)
    if refused:
        raise DRFValidationError(refused)
    return found
