"""Scheduled work of the flows, for `baomi tick`."""

from __future__ import annotations

from baomi.core.jobs import job

from . import services


@job("overdue readers chased", order=30)
def chase_readers() -> int:
    """Remind overdue readers and their clerk, once a day."""
    return services.chase_overdue_readers()


@job("leaders chased for instructions", order=35)
def chase_instructions() -> int:
    """Remind leaders whose instructions on a routed item are overdue (DOC.INSTRUCTIONS)."""
    return services.chase_instructions()


@job("copies outside a cabinet at closing", order=40)
def check_custody() -> int:
    """The end-of-day custody check, once a day after closing time."""
    return services.check_custody_at_closing()


@job("copies still out next morning escalated", order=41)
def escalate_custody() -> int:
    """Copies the closing check found out and still outside a cabinet next morning go to the
    security office (DOC.CUSTODY.NIGHT)."""
    return services.escalate_still_out()


@job("missing copies deemed a leak", order=45)
def deem_leaks() -> int:
    """A loss still missing after the period of DOC.LOSS.DEEMED_LEAK becomes a deemed leak."""
    return services.deem_leaks_due()


@job("loss reports to the authority chased", order=46)
def warn_loss_reports() -> int:
    """Warn the security officers before and after a loss's report clock runs out (DOC.LOSS)."""
    return services.warn_unreported_losses()


@job("clerks reminded of a stocktake due", order=50)
def remind_stocktake() -> int:
    """Tell the clerks, once a day, when a stocktake is due (DOC.STOCKTAKE)."""
    return services.remind_stocktake()
