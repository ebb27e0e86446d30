"""Rules of the pre-publication review (PUB.*): what must be cut, consented to or referred
before a manuscript is released."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from baomi.core.levels import Level
from baomi.ledger.rules import post_performs_operation
from baomi.policy import Fail, rule

from .models import Finding

rule("ACC.ROLE", actions=("manuscript.review", "manuscript.sign"))(post_performs_operation)

#: findings that name a secret outright: never released, only cut
SECRET_TERMS = ("secret_item", "doc_number")
SECRET_MARKINGS = ("marking", "level_label", "copy_number")


def uncovered(findings: Iterable[Finding], redactions: Sequence[Sequence[int]]) -> list[Finding]:
    """The findings whose span is not wholly inside the union of the redacted spans."""
    spans = sorted((int(a), int(b)) for a, b in redactions)
    merged: list[list[int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [f for f in findings if not any(a <= f.start and f.end <= b for a, b in merged)]


def is_secret(finding: Finding) -> bool:
    if finding.kind == Finding.Kind.MARKING:
        return finding.detail in SECRET_MARKINGS
    if finding.kind == Finding.Kind.TERM:
        return finding.detail in SECRET_TERMS
    document = finding.document
    return document is None or Level(document.level).is_classified


def is_internal(finding: Finding) -> bool:
    if finding.kind == Finding.Kind.TERM:
        return finding.detail == "notice"
    return (
        finding.kind == Finding.Kind.EXCERPT
        and finding.document is not None
        and finding.document.level == Level.INTERNAL
    )


def _unannounced(finding: Finding) -> bool:
    return finding.kind == Finding.Kind.TERM and finding.detail == "unpublished"


def _positions(findings: Sequence[Finding]) -> str:
    return "、".join(f"{f.start}–{f.end}" for f in findings[:10]) + (
        "…" if len(findings) > 10 else ""
    )


@rule("PUB.REVIEW", actions=("manuscript.approve",))
def reviewed_and_secrets_cut(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    manuscript = ctx["manuscript"]
    if manuscript.scanned_at is None:
        return Fail(
            lambda: _("The manuscript has not been scanned yet: review comes first."),
            {"manuscript": manuscript.pk},
            final=True,
        )
    left = uncovered([f for f in ctx["findings"] if is_secret(f)], ctx["redactions"])
    if left:
        return Fail(
            lambda: (
                _("Secrets are still in the text at %(positions)s: cut them before release.")
                % {"positions": _positions(left)}
            ),
            {"findings": [f.pk for f in left]},
            final=True,
        )
    # a finding may be a false alarm (a sensitive word used harmlessly, a public excerpt), so
    # leaving one in is the reviewer's call, but a stated one: the record says why it stayed
    # internal material and unannounced matters answer to PUB.INTERNAL and PUB.UNPUBLISHED
    left = [
        f
        for f in uncovered(ctx["findings"], ctx["redactions"])
        if not is_internal(f) and not _unannounced(f)
    ]
    if not left or ctx.get("left_in", "").strip():
        return None
    return Fail(
        lambda: (
            _(
                "%(n)s findings are left in the text at %(positions)s: cut them, or say why "
                "they may stay."
            )
            % {"n": len(left), "positions": _positions(left)}
        ),
        {"findings": [f.pk for f in left]},
    )


@rule("PUB.REVIEW", actions=("manuscript.decide",))
def not_ones_own(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    """A review is a second pair of eyes: whoever submitted a manuscript neither decides it,
    refers it nor has it scanned again, even when they hold a reviewer's post."""
    actor, manuscript = ctx["actor"], ctx["manuscript"]
    if manuscript.submitted_by_id != actor.pk:
        return None
    return Fail(
        lambda: _("You submitted this manuscript: another reviewer reviews it."),
        {"manuscript": manuscript.pk, "submitted_by": actor.pk},
        final=True,
    )


@rule("PUB.UNPUBLISHED", actions=("manuscript.approve",))
def nothing_unannounced(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    left = uncovered(
        [f for f in ctx["findings"] if _unannounced(f)],
        ctx["redactions"],
    )
    if not left:
        return None
    return Fail(
        lambda: (
            _("Matters not yet announced are named at %(positions)s: cut them.")
            % {"positions": _positions(left)}
        ),
        {"findings": [f.pk for f in left]},
        final=True,
    )


@rule("PUB.INTERNAL", actions=("manuscript.approve",))
def internal_material_consented(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    """Internal material left in the released text needs the issuing unit's letter of consent
    and either a cut (删节) or the reviewer's stated reason why nothing needs cutting."""
    left = uncovered([f for f in ctx["findings"] if is_internal(f)], ctx["redactions"])
    if not left:
        return None
    consented = ctx["consent"] is not None
    cut_or_stated = bool(ctx["redactions"]) or bool(ctx["nothing_to_cut"].strip())
    if consented and cut_or_stated:
        return None
    values = {"findings": [f.pk for f in left], "consent": consented, "cut": cut_or_stated}
    if not consented:
        return Fail(
            lambda: (
                _(
                    "Internal material is used at %(positions)s: cut it, or record the issuing "
                    "unit's letter of consent (issuing body, reference number, date)."
                )
                % {"positions": _positions(left)}
            ),
            values,
        )
    return Fail(
        lambda: (
            _(
                "Internal material is used at %(positions)s with its issuer's consent: cut what "
                "must not appear, or state why nothing needs cutting."
            )
            % {"positions": _positions(left)}
        ),
        values,
    )


@rule("PUB.REFER", actions=("manuscript.approve",))
def other_departments_signed(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    manuscript = ctx["manuscript"]
    owners = {
        f.document.department_id: f.document.department
        for f in uncovered(ctx["findings"], ctx["redactions"])
        if f.kind == Finding.Kind.EXCERPT and f.document is not None
    }
    owners.pop(manuscript.department_id, None)
    agreed = {r.department_id for r in ctx["referrals"] if r.agreed}
    missing = [unit for pk, unit in sorted(owners.items()) if pk not in agreed]
    if not missing:
        return None
    return Fail(
        lambda: (
            _("The text touches secrets of %(units)s, which must review it and agree first.")
            % {"units": "、".join(str(u) for u in missing)}
        ),
        {"departments": [u.pk for u in missing]},
    )


@rule("PUB.REFER", actions=("referral.sign",))
def the_department_asked_signs(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    """A second review is signed by the department it was referred to, and by no other."""
    actor, referral = ctx["actor"], ctx["referral"]
    if actor.department_id == referral.department_id:
        return None
    return Fail(
        lambda: _("Only a leader of %(unit)s signs this review.") % {"unit": referral.department},
        {"department": referral.department_id, "actor_department": actor.department_id},
    )
