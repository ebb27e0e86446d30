"""Rules of the approval flow: only an eligible approver decides a request (ACC.ROLE), only the
requester withdraws it (ACC.ROLE), and no one decides their own request (ACC.SOD)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from baomi.policy import Fail, rule

DECIDE = "approval.decide"
WITHDRAW = "approval.withdraw"


@rule("ACC.ROLE", actions=(DECIDE, WITHDRAW))
def approver_decides_requester_withdraws(
    ctx: Mapping[str, Any], p: Mapping[str, Any]
) -> Fail | None:
    actor, approval = ctx["actor"], ctx["approval"]
    if ctx["action"] == WITHDRAW:
        if actor.pk == approval.requester_id:
            return None
        return Fail(
            lambda: _("Only the person who made a request may withdraw it."),
            {"requester": approval.requester_id, "actor": actor.pk},
        )
    if approval.is_approver(actor):
        return None
    return Fail(
        lambda: (
            _("Only the %(approver)s may decide this request.")
            % {"approver": approval.approver_label}
        ),
        {
            "approver_post": approval.approver_post or "-",
            "approver_unit": approval.approver_unit_id or "-",
            "approver": approval.approver_id or "-",
            "actor": actor.pk,
        },
    )


@rule("ACC.SOD", actions=(DECIDE,))
def no_one_decides_own_request(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    actor, approval = ctx["actor"], ctx["approval"]
    if actor.pk != approval.requester_id:
        return None
    return Fail(
        lambda: _("No one may approve or reject their own request."),
        {"requester": approval.requester_id},
    )
