"""The rules page: the catalog for everyone to read, its parameters edited by the security
administrator."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baomi import policy
from baomi.core.errors import report
from baomi.people.models import person_of

from . import engine
from . import services as policy_services
from .catalog import catalog


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    """The catalog for everyone to read; the security administrator edits parameters here."""
    can_edit = policy.check("policy.change", actor=person_of(request)).allowed
    in_force = engine.snapshot()
    rows = [
        {
            "rule": rule,
            "status": engine.status(rule.id),
            "status_label": engine.STATUS_LABELS[engine.status(rule.id)],
            "clause": engine.clause(rule.id),
            "own_citation": engine.own_citation(rule.id) is not None,
            "clause_zh": engine.clause(rule.id, "zh-hans"),
            "clause_en": engine.clause(rule.id, "en"),
            "params": [
                (p, json.dumps(in_force[rule.id][p.name], ensure_ascii=False))
                for p in rule.params.values()
            ],
        }
        for rule in catalog().values()
    ]
    tally = engine.tally()
    return render(
        request,
        "policy/rules.html",
        {"rows": rows, "can_edit": can_edit, "tally": tally, "total": sum(tally.values())},
    )


@login_required
@require_POST
def rule_parameter(request: HttpRequest, rule_id: str, name: str) -> HttpResponse:
    try:
        value = json.loads(request.POST.get("value", ""))
    except json.JSONDecodeError:
        messages.error(
            request,
            _("%(rule)s.%(name)s: the value is not valid JSON.") % {"rule": rule_id, "name": name},
        )
        return redirect("policy:rules")
    try:
        policy_services.set_parameter(
            actor=person_of(request),
            rule_id=rule_id,
            name=name,
            value=value,
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        report(request, exc)
    else:
        messages.success(request, _("%(rule)s.%(name)s changed.") % {"rule": rule_id, "name": name})
    return redirect(f"{reverse('policy:rules')}#{rule_id}")


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
