"""`baomi tick`: the scheduled work, run by cron or a systemd timer (every few minutes).

Every job is idempotent: running tick twice, or on two nodes, changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand

from baomi.approvals.tasks import expire_approvals
from baomi.flows.tasks import chase_readers, check_custody, remind_stocktake
from baomi.ledger.tasks import declassify_documents
from baomi.telegrams.tasks import warn_clocks

#: (name, job) in the order they run; each returns how many items it handled
JOBS: list[tuple[str, Callable[[], int]]] = [
    ("approvals expired", expire_approvals),
    ("documents declassified", declassify_documents),
    ("overdue readers chased", chase_readers),
    ("copies outside a cabinet at closing", check_custody),
    ("clerks reminded of a stocktake due", remind_stocktake),
    ("telegram clocks warned", warn_clocks),
]


class Command(BaseCommand):
    help = "Run the scheduled jobs once (deadlines, expiries)."

    def handle(self, *args: Any, **options: Any) -> None:
        for name, job in JOBS:
            self.stdout.write(f"{name}: {job()}")
