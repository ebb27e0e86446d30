"""The duty board: the telegrams a person may know of and their running clocks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from baomi.core import clock

from ..models import Telegram

#: how long before its deadline a clock turns to a warning: the duty officers' reminders go out
#: then too (warn_running_clocks); a receipt's 15 minutes warn in their last five
WARN = {"ack": dt.timedelta(minutes=5), "due": dt.timedelta(hours=2)}
#: how long before its deadline a clock is in danger (and so is every clock overdue)
DANGER = {"ack": dt.timedelta(minutes=1), "due": dt.timedelta(minutes=30)}


@dataclass(frozen=True, slots=True)
class Clock:
    """A running clock of the duty board, as it stood at `moment`."""

    telegram: Telegram
    kind: str  # "ack" or "due"
    due_at: dt.datetime
    overdue: bool
    left: dt.timedelta = dt.timedelta(0)  # until the deadline; negative once it has passed

    @property
    def warn_before(self) -> dt.timedelta:
        return WARN[self.kind]

    @property
    def danger_before(self) -> dt.timedelta:
        return DANGER[self.kind]

    @property
    def urgency(self) -> str:
        """ "calm", "warning" (within the warning time) or "danger" (within the danger time, or
        overdue)."""
        if self.left <= self.danger_before:
            return "danger"
        return "warning" if self.left <= self.warn_before else "calm"


def visible_telegrams(person: Any) -> Any:
    """The telegrams a person may know of: a received one as its ledger document, a reply as
    the telegram it answers."""
    return Telegram.objects.visible_to(person)


def open_telegrams(person: Any = None) -> Any:
    """Received telegrams not yet completed (for a person: those they may know of)."""
    rows = visible_telegrams(person) if person is not None else Telegram.objects.all()
    return rows.filter(direction=Telegram.Direction.INCOMING, done_at__isnull=True).select_related(
        "escalated_to"
    )


def duty_board(person: Any = None, moment: dt.datetime | None = None) -> list[Clock]:
    """Every running clock, soonest first: acknowledgements not yet sent, handling not yet
    complete (for a person: of the telegrams they may know of)."""
    moment = moment or clock.now()
    clocks = []
    for t in open_telegrams(person):
        if t.acked_at is None and t.ack_due_at is not None:
            left = t.ack_due_at - moment
            clocks.append(Clock(t, "ack", t.ack_due_at, moment > t.ack_due_at, left))
        if t.due_at is not None:
            clocks.append(Clock(t, "due", t.due_at, moment > t.due_at, t.due_at - moment))
    return sorted(clocks, key=lambda c: (c.due_at, c.kind, c.telegram.pk))
