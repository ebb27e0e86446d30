"""The duty board: the telegrams a person may know of and their running clocks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from baomi.core import clock

from ..models import Telegram


@dataclass(frozen=True, slots=True)
class Clock:
    """A running clock of the duty board."""

    telegram: Telegram
    kind: str  # "ack" or "due"
    due_at: dt.datetime
    overdue: bool


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
            clocks.append(Clock(t, "ack", t.ack_due_at, moment > t.ack_due_at))
        if t.due_at is not None:
            clocks.append(Clock(t, "due", t.due_at, moment > t.due_at))
    return sorted(clocks, key=lambda c: (c.due_at, c.kind, c.telegram.pk))
