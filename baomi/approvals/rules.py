"""Rules of the approval flow: only an eligible approver decides a request (ACC.ROLE), only the
requester withdraws it (ACC.ROLE), no one decides their own request (ACC.SOD), and the
requester or the clerk reminds the approver, not more often than the set interval
(APPR.REMIND)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from baomi.core import clock, timefmt
from baomi.policy import Fail, rule

DECIDE = "approval.decide"
WITHDRAW = "approval.withdraw"
REMIND = "approval.remind"


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


@rule("APPR.REMIND", actions=(REMIND,))
def reminded_by_its_requester_not_too_often(
    ctx: Mapping[str, Any], p: Mapping[str, Any]
) -> Fail | None:
    """催办: the requester, or a clerk (who keeps custody and chases the paperwork), reminds the
    approver; a request is reminded once in `min_hours` at most."""
    actor, approval, last = ctx["actor"], ctx["approval"], ctx["last_reminded_at"]
    if actor.pk != approval.requester_id and not ctx["keeps_custody"]:
        return Fail(
            lambda: _("Only the person who made the request, or the clerk, reminds its approver."),
            {"requester": approval.requester_id, "actor": actor.pk},
        )
    if last is not None:
        next_at = last + dt.timedelta(hours=p["min_hours"])
        if clock.now() < next_at:
            return Fail(
                lambda: (
                    _(
                        "The approver was reminded on %(last)s; remind again after %(next)s "
                        "(at most once in %(hours)s hours)."
                    )
                    % {
                        "last": timefmt.when(last),
                        "next": timefmt.when(next_at),
                        "hours": p["min_hours"],
                    }
                ),
                {"last": last.isoformat(timespec="minutes"), "min_hours": p["min_hours"]},
            )
    return None
