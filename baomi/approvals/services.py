"""Services of the approval flow (审批): request → approve | reject | withdraw → consume, and the
scheduled expiry. Every other module asks for approvals and uses them up through these."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any, NoReturn

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from baomi import audit, policy
from baomi.audit.chain import Entry, object_ref, record_many
from baomi.core import clock
from baomi.core.models import OrgUnit
from baomi.core.notices import notify
from baomi.people.models import Person, Post
from baomi.policy import engine

from . import kinds
from .models import Approval, Reminder
from .rules import DECIDE, REMIND, WITHDRAW

SUMMARY_MAX = Approval._meta.get_field("summary").max_length or 200
COMMENT_MAX = 1000


# -- helpers --------------------------------------------------------------------------------


def _lock(approval: Approval) -> Approval:
    return (
        Approval.objects.select_for_update(of=("self",))
        .select_related("approver_unit", "approver")
        .get(pk=approval.pk)
    )


def _when(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _require_open(approval: Approval) -> None:
    """A decision or a withdrawal needs a pending request whose time is not up."""
    if approval.state != Approval.State.PENDING:
        raise ValidationError(
            _("This request is no longer pending: it is %(state)s.")
            % {"state": approval.get_state_display()},
            code="not_pending",
        )
    if approval.is_expired:
        raise ValidationError(
            _("This request expired on %(when)s; ask again if it is still needed.")
            % {"when": _when(approval.expires_at)},
            code="expired",
        )


def _resolve_approver(
    kind: kinds.Kind, actor: Person, unit: OrgUnit | None
) -> tuple[str, OrgUnit | None]:
    """The approver post and unit of a new request, refusing when no one but the requester
    could decide it."""
    if kind.approver == kinds.DEPARTMENT_LEADER:
        post, where = Post.LEADER, actor.department
        if where is None:
            raise ValidationError(
                _("You belong to no department, so no department leader can approve this."),
                code="no_approver",
            )
    elif kind.approver == kinds.ISSUING_UNIT_LEADER:
        if unit is None:
            raise ValueError(f"an approval of kind {kind.name!r} needs the issuing unit")
        post, where = Post.LEADER, unit
    else:
        post, where = Post.SECURITY_OFFICER, None
    holders = Person.objects.holding(post, where.pk if where is not None else None)
    if not holders.exclude(pk=actor.pk).exists():
        values = {"post": Post(post).label, "unit": where or _("any unit")}
        if holders.filter(pk=actor.pk).exists():
            message = _(
                "You are the only %(post)s in %(unit)s and may not approve your own request."
            )
        else:
            message = _("No active person holds the post %(post)s in %(unit)s to approve this.")
        raise ValidationError(message % values, code="no_approver")
    return post, where


def _subject(subject: Any) -> dict[str, str] | None:
    if subject is None:
        return None
    if isinstance(subject, Model) and subject.pk is None:
        raise ValueError("the subject of an approval must be saved first")
    return object_ref(subject)


def _plain_payload(payload: Any) -> dict[str, Any]:
    if payload is None:
        return {}
    if not isinstance(payload, dict):
        raise ValidationError({"payload": _("The parameters must be a JSON object.")})
    try:
        json.dumps(payload, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"payload": _("The parameters must be plain JSON values.")}) from exc
    return payload


def _unlocking_kinds(action: str) -> tuple[str, ...]:
    """The kinds that unlock `action`: the kind of the same name, and every kind named as the
    `lift` of a rule registered for the action."""
    known = {k.name for k in kinds.registered()}
    return tuple(dict.fromkeys(k for k in (action, *engine.lifts(action)) if k in known))


def _refuse(action: str, failures: list[tuple[str, engine.Fail]], lift: str) -> NoReturn:
    """Raise the refusal of an action whose approval cannot be used, naming the rule that needs
    the approval (with the kind that would lift it), like every other denial."""
    violations = tuple(
        engine.Violation(rule_id, fail, engine.params(rule_id), lift) for rule_id, fail in failures
    )
    raise policy.RuleViolation(engine.Decision(action, violations))


def _in_callers_transaction() -> bool:
    """True inside an atomic block opened by application code (a test's wrapping transaction
    does not count, as for durable blocks)."""
    connection = transaction.get_connection()
    return any(not getattr(b, "_from_testcase", False) for b in connection.atomic_blocks)


# -- services -------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def request_approval(
    *,
    actor: Person,
    kind: str,
    summary: str,
    subject: Any = None,
    payload: dict[str, Any] | None = None,
    unit: OrgUnit | None = None,
) -> Approval:
    """Ask for an approval of a registered kind. The approver (a post in a unit) is fixed now,
    and the request is refused unless at least one active person other than the requester
    holds that post there. It expires after the kind's validity unless used before.

    `subject` is a saved model instance or a (type, id) pair, stored by reference only;
    `summary` is the requester's short, unclassified reason; `payload` the parameters of the
    action it unlocks; `unit` the issuing unit, for kinds decided by that unit's leader.
    """
    try:
        definition = kinds.get(kind)
    except LookupError:
        raise ValidationError(
            {"kind": _("There is no approval kind %(kind)s.") % {"kind": kind}}
        ) from None
    summary = summary.strip()
    if not summary:
        raise ValidationError({"summary": _("Say briefly what the approval is for.")})
    if len(summary) > SUMMARY_MAX:
        raise ValidationError(
            {"summary": _("Keep the summary under %(max)s characters.") % {"max": SUMMARY_MAX}}
        )
    data = _plain_payload(payload)
    ref = _subject(subject)
    post, where = _resolve_approver(definition, actor, unit)
    now = clock.now()
    approval = Approval.objects.create(
        kind=kind,
        requester=actor,
        object_type=ref["type"] if ref else "",
        object_id=ref["id"] if ref else "",
        summary=summary,
        payload=data,
        approver_post=post,
        approver_unit=where,
        requested_at=now,
        expires_at=now + dt.timedelta(days=definition.valid_days),
    )
    audit.record(
        actor,
        "approval.requested",
        approval,
        kind=kind,
        subject=ref,
        payload=data,
        approver_post=post,
        approver_unit=where.pk if where else None,
        expires_at=approval.expires_at,
    )
    return approval


@transaction.atomic(durable=True)
def approve(*, actor: Person, approval: Approval, comment: str = "") -> Approval:
    """Approve a pending, unexpired request. Only an eligible approver may (ACC.ROLE), never
    the requester (ACC.SOD); afterwards the requester can use it once, until it expires."""
    approval = _lock(approval)
    policy.require(DECIDE, actor=actor, approval=approval)
    _require_open(approval)
    comment = comment.strip()
    _check_comment(comment)
    _decide(approval, actor, Approval.State.APPROVED, comment)
    audit.record(
        actor, "approval.approved", approval, kind=approval.kind, requester=approval.requester_id
    )
    return approval


@transaction.atomic(durable=True)
def reject(*, actor: Person, approval: Approval, comment: str) -> Approval:
    """Reject a pending, unexpired request, saying why. Only an eligible approver may
    (ACC.ROLE), never the requester (ACC.SOD); a rejected request can never be used."""
    approval = _lock(approval)
    policy.require(DECIDE, actor=actor, approval=approval)
    _require_open(approval)
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": _("Say why the request is rejected.")})
    _check_comment(comment)
    _decide(approval, actor, Approval.State.REJECTED, comment)
    audit.record(
        actor, "approval.rejected", approval, kind=approval.kind, requester=approval.requester_id
    )
    return approval


def _check_comment(comment: str) -> None:
    if len(comment) > COMMENT_MAX:
        raise ValidationError(
            {"comment": _("Keep the comment under %(max)s characters.") % {"max": COMMENT_MAX}}
        )


def _decide(approval: Approval, actor: Person, state: str, comment: str) -> None:
    approval.state = state
    approval.decided_by = actor
    approval.decided_at = clock.now()
    approval.comment = comment
    approval.save(update_fields=["state", "decided_by", "decided_at", "comment"])


@transaction.atomic(durable=True)
def withdraw(*, actor: Person, approval: Approval) -> Approval:
    """The requester takes back a request still pending; it can no longer be decided."""
    approval = _lock(approval)
    policy.require(WITHDRAW, actor=actor, approval=approval)
    _require_open(approval)
    approval.state = Approval.State.WITHDRAWN
    approval.save(update_fields=["state"])
    audit.record(actor, "approval.withdrawn", approval, kind=approval.kind)
    return approval


def approvers(approval: Approval) -> list[Person]:
    """The active people who may decide the request: the one named, or every holder of the
    approver post in the approver unit (any unit when none), never the requester."""
    if approval.approver_id is not None:
        people = Person.objects.filter(pk=approval.approver_id, is_active=True)
    else:
        people = Person.objects.holding(approval.approver_post, approval.approver_unit_id)
    return list(people.exclude(pk=approval.requester_id).distinct().order_by("pk"))


@transaction.atomic(durable=True)
def remind_approver(*, actor: Person, approval: Approval) -> Reminder:
    """催办: remind the approver of a request still pending. Only the requester, or the clerk,
    reminds, and not again within the set interval (APPR.REMIND); each person who may decide it
    is told, and the reminder is on record with the request."""
    approval = _lock(approval)
    last = approval.reminders.order_by("-sent_at").values_list("sent_at", flat=True).first()
    policy.require(
        REMIND,
        actor=actor,
        approval=approval,
        last_reminded_at=last,
        keeps_custody=policy.check("custody.manage", actor=actor).allowed,
    )
    _require_open(approval)
    told = approvers(approval)
    reminder = Reminder.objects.create(
        approval=approval, sent_by=actor, sent_at=clock.now(), told=len(told)
    )
    notify(told, "approval.reminded", approval, approval_kind=approval.kind, by=actor.pk)
    audit.record(
        actor,
        "approval.reminded",
        approval,
        kind=approval.kind,
        reminder=reminder.pk,
        told=[p.pk for p in told],
    )
    return reminder


def consume(
    *, actor: Person, approval: Approval, action: str, subjects: Iterable[Any] = ()
) -> Approval:
    """Use an approval up for `action`, inside the transaction of the service performing it.

    The approval must be approved, unexpired, of a kind that unlocks `action`, and granted to
    `actor`; an approval asked for one object (its subject) serves only an action on that
    object, one of `subjects`. It is locked and marked used, so it can never serve twice. A
    refusal names the rule that needs the approval, with the kind that would lift it; nothing
    is saved.
    """
    if not _in_callers_transaction():
        raise transaction.TransactionManagementError(
            "consume() runs inside the transaction of the action it unlocks"
        )
    with transaction.atomic():
        approval = _lock(approval)
        failures = _consume_failures(actor, approval, action)
        refs = [_subject(x) for x in subjects]
        if approval.subject_ref is not None and approval.subject_ref not in refs:
            failures.append(
                engine.Fail(
                    lambda: _("This approval was given for another object."),
                    {"subject": approval.subject_ref},
                )
            )
        if failures:
            expected = _unlocking_kinds(action)
            lift = approval.kind if approval.kind in expected or not expected else expected[0]
            _refuse(action, [(kinds.get(lift).rule_id, f) for f in failures], lift)
        approval.state = Approval.State.CONSUMED
        approval.consumed_at = clock.now()
        approval.consumed_by = action
        approval.save(update_fields=["state", "consumed_at", "consumed_by"])
        audit.record(actor, "approval.consumed", approval, kind=approval.kind, action=action)
    return approval


def _consume_failures(actor: Person, approval: Approval, action: str) -> list[engine.Fail]:
    failures: list[engine.Fail] = []
    if approval.kind not in _unlocking_kinds(action):
        failures.append(
            engine.Fail(
                lambda: (
                    _("An approval to %(kind)s does not allow %(action)s.")
                    % {"kind": approval.kind_title, "action": action}
                ),
                {"kind": approval.kind, "action": action},
            )
        )
    if approval.requester_id != actor.pk:
        failures.append(
            engine.Fail(
                lambda: (
                    _("This approval was granted to %(requester)s, not to you.")
                    % {"requester": approval.requester}
                ),
                {"requester": approval.requester_id, "actor": actor.pk},
            )
        )
    state = approval.state
    if state == Approval.State.CONSUMED:
        failures.append(
            engine.Fail(
                lambda: (
                    _("This approval was already used on %(when)s.")
                    % {"when": _when(approval.consumed_at or approval.expires_at)}
                ),
                {"state": state, "used_by": approval.consumed_by},
            )
        )
    elif state != Approval.State.APPROVED:
        failures.append(
            engine.Fail(
                lambda: (
                    _("This request is %(state)s, not approved.")
                    % {"state": approval.get_state_display()}
                ),
                {"state": state},
            )
        )
    elif approval.is_expired:
        failures.append(
            engine.Fail(
                lambda: (
                    _("This approval expired on %(when)s.") % {"when": _when(approval.expires_at)}
                ),
                {"expires_at": approval.expires_at},
            )
        )
    return failures


@transaction.atomic(durable=True)
def expire_due(*, now: dt.datetime | None = None) -> int:
    """Scheduled job: mark every pending or approved-but-unused request whose time is up as
    expired, with one audit event each, and return how many. Idempotent: a second run finds
    nothing left to expire and changes nothing."""
    now = now or clock.now()
    due = list(
        Approval.objects.select_for_update()
        .due_to_expire(now)
        .order_by("pk")
        .values_list("pk", "kind", "state")
    )
    if not due:
        return 0
    Approval.objects.filter(pk__in=[pk for pk, _kind, _state in due]).update(
        state=Approval.State.EXPIRED
    )
    label = Approval._meta.label_lower
    record_many(
        Entry(None, "approval.expired", (label, pk), {"kind": kind, "previous": state})
        for pk, kind, state in due
    )
    return len(due)
