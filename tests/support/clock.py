"""Moving the clock in a test: each move stands the clock still at a moment, until the end."""

from __future__ import annotations

import datetime as dt

import time_machine


class ClockMover:
    """Call with a moment to stop the clock there; `stop()` puts it back (a fixture's end)."""

    def __init__(self) -> None:
        self._travellers: list[time_machine.travel] = []

    def __call__(self, moment: dt.datetime) -> dt.datetime:
        traveller = time_machine.travel(moment, tick=False)
        traveller.start()
        self._travellers.append(traveller)
        return moment

    def stop(self) -> None:
        for traveller in reversed(self._travellers):
            traveller.stop()
        self._travellers.clear()
