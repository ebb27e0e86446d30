"""The rules page: the catalog for everyone to read, its parameters edited by the security
administrator."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baomi import policy
from baomi.core.errors import report
from baomi.core.inputs import mark_invalid
from baomi.people.models import person_of

from . import engine, fields
from . import services as policy_services
from .catalog import ParameterMeta, RuleMeta, catalog

#: the statuses a person filters the catalog by, in the order shown
STATUSES = (engine.ENFORCED, engine.APPLIED, engine.NOT_YET)


def _parameter_row(rule_id: str, meta: ParameterMeta, value: Any) -> dict[str, Any]:
    shape = fields.shape_of(meta)
    bounds = []
    if shape.kind == "number" or (
        shape.kind == "table" and all(row.kind == "number" for _k, _l, row in shape.rows)
    ):
        low = meta.minimum if meta.minimum is not None else 0
        bounds.append(_("at least %(minimum)s") % {"minimum": low})
        if meta.maximum is not None:
            bounds.append(_("at most %(maximum)s") % {"maximum": meta.maximum})
    return {
        "meta": meta,
        "value": fields.value_label(meta.unit, value),
        "default": fields.value_label(meta.unit, meta.default),
        "changed": value != meta.default,
        "bounds": "，".join(bounds),
    }


def _matches(row: dict[str, Any], text: str) -> bool:
    rule = row["rule"]
    haystack = [rule.id, rule.title, rule.summary, row["clause"], rule.effect]
    haystack += [p["meta"].title for p in row["params"]]
    return any(text.casefold() in str(h).casefold() for h in haystack)


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    """The catalog for everyone to read, filtered by status and text; the security
    administrator opens each parameter to change it."""
    can_edit = policy.check("policy.change", actor=person_of(request)).allowed
    in_force = engine.snapshot()
    wanted = request.GET.get("status", "")
    wanted = wanted if wanted in STATUSES else ""
    text = request.GET.get("q", "").strip()[:100]
    rows = []
    for rule in catalog().values():
        status = engine.status(rule.id)
        row = {
            "rule": rule,
            "status": status,
            "status_label": engine.STATUS_LABELS[status],
            "clause": engine.clause(rule.id),
            "own_citation": engine.own_citation(rule.id) is not None,
            "clause_zh": engine.clause(rule.id, "zh-hans"),
            "clause_en": engine.clause(rule.id, "en"),
            "params": [
                _parameter_row(rule.id, p, in_force[rule.id][p.name]) for p in rule.params.values()
            ],
        }
        if wanted and status != wanted:
            continue
        if text and not _matches(row, text):
            continue
        rows.append(row)
    tally = engine.tally()
    return render(
        request,
        "policy/rules.html",
        {
            "rows": rows,
            "can_edit": can_edit,
            "tally": tally,
            "total": sum(tally.values()),
            "statuses": [(s, engine.STATUS_LABELS[s]) for s in STATUSES],
            "wanted": wanted,
            "text": text,
        },
    )


def _meta_or_404(rule_id: str, name: str) -> tuple[RuleMeta, ParameterMeta]:
    rule = catalog().get(rule_id)
    if rule is None or name not in rule.params:
        raise Http404(rule_id)
    return rule, rule.params[name]


def _service_error_to_form(form: Any, exc: ValidationError) -> None:
    """A refusal of the service shown once, at the field it is about."""
    target = "reason" if getattr(exc, "code", None) == "reason" else None
    if target is None and "value" in form.fields:
        target = "value"
    for message in exc.messages:
        form.add_error(target, message)


@login_required
def rule_parameter(request: HttpRequest, rule_id: str, name: str) -> HttpResponse:
    """One parameter with a typed field for its value, its default, bounds and citation; the
    security administrator changes it (with a reason) or returns it to the default."""
    actor = person_of(request)
    policy.require("policy.change", actor=actor)
    rule, meta = _meta_or_404(rule_id, name)
    current = engine.params(rule_id)[name]
    resetting = request.method == "POST" and "reset-reason" in request.POST
    form = fields.ParameterForm(meta, current, None if resetting else request.POST or None)
    reset = fields.ResetForm(request.POST if resetting else None, prefix="reset")
    bound = reset if resetting else form
    if request.method == "POST" and bound.is_valid():
        try:
            if resetting:
                policy_services.reset_parameter(
                    actor=actor, rule_id=rule_id, name=name, reason=reset.cleaned_data["reason"]
                )
            else:
                policy_services.set_parameter(
                    actor=actor,
                    rule_id=rule_id,
                    name=name,
                    value=form.cleaned_value(),
                    reason=form.cleaned_data["reason"],
                )
        except ValidationError as exc:
            _service_error_to_form(bound, exc)
        else:
            done = (
                _("%(parameter)s (%(rule)s) is back to its default.")
                if resetting
                else _("%(parameter)s (%(rule)s) changed.")
            )
            messages.success(request, done % {"parameter": meta.title, "rule": rule_id})
            return redirect(f"{reverse('policy:rules')}#{rule_id}")
    return render(
        request,
        "policy/parameter.html",
        {
            "rule": rule,
            "meta": meta,
            "form": mark_invalid(form),
            "reset": mark_invalid(reset),
            "row": _parameter_row(rule_id, meta, current),
            "clause": engine.clause(rule_id),
            "status_label": engine.STATUS_LABELS[engine.status(rule_id)],
            "status": engine.status(rule_id),
        },
    )


@login_required
@require_POST
def rule_citation(request: HttpRequest, rule_id: str) -> HttpResponse:
    """Set the organization's own citation of a rule's clause, or return to the catalog's."""
    actor = person_of(request)
    reason = request.POST.get("reason", "")
    try:
        if request.POST.get("reset"):
            policy_services.reset_citation(actor=actor, rule_id=rule_id, reason=reason)
        else:
            policy_services.set_citation(
                actor=actor,
                rule_id=rule_id,
                zh_hans=request.POST.get("zh_hans", ""),
                en=request.POST.get("en", ""),
                reason=reason,
            )
    except ValidationError as exc:
        report(request, exc)
    else:
        messages.success(request, _("%(rule)s: citation changed.") % {"rule": rule_id})
    return redirect(f"{reverse('policy:rules')}#{rule_id}")
