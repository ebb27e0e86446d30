"""The workbench's desk: one scan field and the scanned copy's action panel, answered in place.

A scanned label opens the copy's panel with the actions its state allows (services.copy_actions);
a copy out on a loan or a carry-out comes back at the scan. Each action of the panel posts to its
own view, which calls its service through `act_on_copy`: the answer is the desk again (or, on the
copy page, the panel), with the outcome in a success or an error box and, after an error, what
was typed still in its fields and each field's message at the field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baomi import policy
from baomi.core import clock
from baomi.core.errors import report, violation_messages
from baomi.ledger.models import Cabinet, Copy
from baomi.ledger.queries import copy_by_code
from baomi.people.views import AuthedRequest

from .. import services
from ..models import Channel

#: the fields of each action's form: a message about any other field shows above the forms
FIELDS: dict[str, tuple[str, ...]] = {
    "lend": ("borrower", "due_at", "place"),
    "circulate": ("readers",),
    "send": ("channel", "couriers", "recipient"),
    "carry_out": ("person", "companions", "destination", "due_at", "approval"),
    "reproduce": (
        "count",
        "cabinet",
        "approval",
        "consent_issuer",
        "consent_reference",
        "consent_date",
        "consent_scan",
    ),
    "report_lost": ("circumstances",),
    "sign_present": ("secret",),
    "deliver": ("signed_by",),
}
ON_THE_COPY_PAGE = "copy-actions"  # the id of the panel on the copy page, htmx's target there
DESK = "desk-panel"  # the id of the workbench's panel, htmx's target there


def _split(failed: str, exc: ValidationError | policy.RuleViolation) -> tuple[dict, list[str]]:
    """A refusal as the messages at the failed form's fields and those above it."""
    if isinstance(exc, policy.RuleViolation):
        return {}, violation_messages(exc)
    if not hasattr(exc, "error_dict"):
        return {}, list(exc.messages)
    at_field: dict[str, list[str]] = {}
    above: list[str] = []
    for name, lines in exc.message_dict.items():
        if name in FIELDS.get(failed, ()):
            at_field[name] = list(lines)
        else:
            above.extend(lines)
    return at_field, above


def _local_input(moment: Any) -> str:
    """A moment as a datetime-local field shows it: the organization's time, to the minute."""
    return clock.local(moment).strftime("%Y-%m-%dT%H:%M") if moment else ""


def panel_context(
    request: AuthedRequest,
    copy: Copy,
    *,
    done: str = "",
    failed: str = "",
    exc: ValidationError | policy.RuleViolation | None = None,
    target: str = DESK,
) -> dict[str, Any]:
    """What the action panel of `copy` shows: the actions offered now, the outcome of the last
    one, and after a refusal what was typed into the failed form with its messages."""
    copy = Copy.objects.select_related("document", "cabinet", "holder").get(pk=copy.pk)
    actions = services.copy_actions(request.user, copy)
    errors, problems = _split(failed, exc) if exc is not None else ({}, [])
    typed = request.POST if failed else {}
    # what was typed, and each field's messages, only in the form that was sent
    return {
        "actions": actions,
        "copy": copy,
        "done": done,
        "failed": failed,
        "errors_for": {failed: errors} if failed else {},
        "problems": problems,
        "typed_for": {failed: typed} if failed else {},
        "lend_due": typed.get("due_at") if failed == "lend" else _local_input(actions.lend_due),
        "channels": Channel.objects.filter(active=True).order_by("name"),
        "cabinets": Cabinet.objects.order_by("code"),
        "target": target,
        # the desk's panel is filled in; the copy page's panel replaced as a whole
        "swap": "outerHTML" if target == ON_THE_COPY_PAGE else "innerHTML",
        "people_url": reverse("people:autocomplete") + f"?copy={copy.pk}",
    }


def show_desk(
    request: AuthedRequest,
    copy: Copy | None = None,
    *,
    code: str = "",
    scan_error: str = "",
    **panel: Any,
) -> HttpResponse:
    """The workbench with the desk filled in: the whole page, or the desk alone for htmx."""
    from .workbench import workbench_context

    context = workbench_context(request.user)
    context |= {"code": code, "scan_error": scan_error}
    if copy is not None:
        context |= panel_context(request, copy, **panel)
    if request.headers.get("HX-Target") == DESK:
        return render(request, "flows/_desk_answer.html", context)
    return render(request, "flows/workbench.html", context)


Done = str | Callable[[Any], str]  # what a success says, or how to say it from the result


def act_on_scanned(
    request: AuthedRequest, key: str, action: Callable[[Copy], Any], done: Done
) -> HttpResponse:
    """`act_on_copy` on the copy whose label the form carries under `code`."""
    code = request.POST.get("code", "").strip()[:80]
    copy = copy_by_code(request.user, code)
    if copy is None:
        return show_desk(
            request, code=code, scan_error=_("No copy you may know of has this label.")
        )
    return act_on_copy(request, copy, key, lambda: action(copy), done)


def act_on_copy(
    request: AuthedRequest, copy: Copy, key: str, action: Callable[[], Any], done: Done
) -> HttpResponse:
    """Run one action of the panel on `copy` and show the outcome where it was asked for: the
    desk, the copy page's panel, or (without scripts) the page it came from."""
    target = request.headers.get("HX-Target", "")
    on_copy_page = target == ON_THE_COPY_PAGE or request.POST.get("next") == "copy"
    try:
        result = action()
    except (ValidationError, policy.RuleViolation) as exc:
        if target == ON_THE_COPY_PAGE:
            context = panel_context(request, copy, failed=key, exc=exc, target=ON_THE_COPY_PAGE)
            return render(request, "flows/_panel.html", context)
        if on_copy_page:  # posted without scripts: the page says why
            report(request, exc)
            return redirect("ledger:copy", pk=copy.pk)
        return show_desk(request, copy, failed=key, exc=exc)
    done = done if isinstance(done, str) else done(result)
    if on_copy_page:
        messages.success(request, done)
        url = reverse("ledger:copy", kwargs={"pk": copy.pk})
        if target == ON_THE_COPY_PAGE:  # the page shows the copy's new state and history
            return HttpResponse(status=204, headers={"HX-Redirect": url})
        return redirect(url)
    if target == DESK:
        return show_desk(request, copy, done=done)
    messages.success(request, done)
    return redirect(reverse("flows:workbench") + f"?copy={copy.pk}")


def _come_back(request: AuthedRequest, actions: services.CopyActions) -> str:
    """Take back the loan or carry-out `actions.copy` is out on; say what happened."""
    copy = actions.copy
    if actions.loan is not None:
        loan = services.return_loan(actor=request.user, loan=actions.loan)
        who = loan.borrower
    else:
        assert actions.carry_out is not None
        record = services.bring_back(actor=request.user, record=actions.carry_out)
        who = record.person
    copy.refresh_from_db()
    return _("Returned by %(person)s: copy %(copy)s is back in cabinet %(cabinet)s.") % {
        "person": who,
        "copy": copy.label,
        "cabinet": copy.cabinet,
    }


@login_required
@require_POST
def scan(request: AuthedRequest) -> HttpResponse:
    """A scanner typed a label and Enter: the copy's panel opens; a copy out on a loan or a
    carry-out is taken back at once."""
    code = request.POST.get("code", "").strip()[:80]
    copy = copy_by_code(request.user, code)
    if copy is None:
        if not code:
            return show_desk(request, code=code, scan_error=_("Scan or type a copy's label."))
        return show_desk(
            request, code=code, scan_error=_("No copy you may know of has this label.")
        )
    actions = services.copy_actions(request.user, copy)
    if not {"return", "bring_back"} & set(actions.offers):
        return show_desk(request, copy)
    try:
        done = _come_back(request, actions)
    except (ValidationError, policy.RuleViolation) as exc:
        return show_desk(request, copy, failed="return", exc=exc)
    if request.headers.get("HX-Target") == DESK:
        return show_desk(request, copy, done=done)
    messages.success(request, done)
    return redirect(reverse("flows:workbench") + f"?copy={copy.pk}")
