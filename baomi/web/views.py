"""The shell's own pages: dashboard, rules, audit log."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baomi import policy
from baomi.approvals.models import Approval
from baomi.audit import checkpoints
from baomi.audit.models import AuditEvent, BodyField, Checkpoint
from baomi.core import clock
from baomi.core.errors import report
from baomi.core.models import Notification
from baomi.ledger.models import Document, Instruction
from baomi.people import services as people
from baomi.people.views import AuthedRequest
from baomi.policy import engine
from baomi.policy import services as policy_services
from baomi.policy.catalog import catalog


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """The dashboard: what is waiting for this person."""
    person = request.user
    awaiting = Approval.objects.awaiting(person).order_by("requested_at")
    mine = Approval.objects.requested_by(person).order_by("-requested_at")[:5]
    changed = person.password_changed_at
    days_left = (changed + people.password_max_age(person) - clock.now()).days if changed else 0
    to_instruct = Instruction.objects.filter(
        leader=person, written_at__isnull=True, document__in=Document.objects.visible_to(person)
    ).select_related("document")
    notices = Notification.objects.filter(person=person, read_at__isnull=True)[:10]
    return render(
        request,
        "web/home.html",
        {
            "awaiting": awaiting[:10],
            "awaiting_count": awaiting.count(),
            "mine": mine,
            "password_days_left": days_left,
            "to_instruct": to_instruct,
            "notices": notices,
        },
    )


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    """The catalog for everyone to read; the security administrator edits parameters here."""
    can_edit = policy.check("policy.change", actor=request.user).allowed
    in_force = engine.snapshot()
    rows = [
        {
            "rule": rule,
            "enforced": rule.id in engine.enforced(),
            "params": [
                (p, json.dumps(in_force[rule.id][p.name], ensure_ascii=False))
                for p in rule.params.values()
            ],
        }
        for rule in catalog().values()
    ]
    return render(request, "web/rules.html", {"rows": rows, "can_edit": can_edit})


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
        return redirect("web:rules")
    try:
        policy_services.set_parameter(
            actor=request.user,
            rule_id=rule_id,
            name=name,
            value=value,
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        report(request, exc)
    else:
        messages.success(request, _("%(rule)s.%(name)s changed.") % {"rule": rule_id, "name": name})
    return redirect(f"{reverse('web:rules')}#{rule_id}")


AUDIT_FILTERS = ("action", "actor_id", "object_type", "object_id")


def audit_events(params: Any) -> Any:
    """The audit log filtered by action, actor, object and time, newest first."""
    events = AuditEvent.objects.order_by("-seq")
    for field in AUDIT_FILTERS:
        if params.get(field):
            events = events.filter(**{field: params[field]})
    if params.get("since") or params.get("until"):
        events = events.annotate(when=BodyField("at"))
        if params.get("since"):
            events = events.filter(when__gte=params["since"])
        if params.get("until"):
            events = events.filter(when__lt=params["until"] + "T99")
    return events


@login_required
def audit(request: HttpRequest) -> HttpResponse:
    """The auditor's page: browse and filter events, sign and download checkpoints."""
    policy.require("audit.read", actor=request.user)
    page = Paginator(audit_events(request.GET), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/audit.html",
        {
            "page": page,
            "filters": request.GET,
            "query": query.urlencode(),
            "checkpoints": Checkpoint.objects.order_by("-tree_size")[:20],
        },
    )


@login_required
@require_POST
def sign_checkpoint(request: HttpRequest) -> HttpResponse:
    policy.require("audit.read", actor=request.user)
    cp = checkpoints.sign_checkpoint(actor=request.user)
    messages.success(request, _("Checkpoint signed: %(n)s events.") % {"n": cp.tree_size})
    return redirect("web:audit")
