"""`baomi tick`: the scheduled work, run by cron or a systemd timer (every few minutes).

Every job is idempotent: running tick twice, or on two nodes, changes nothing the second time.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from baomi.core.jobs import jobs


class Command(BaseCommand):
    help = "Run the scheduled jobs once (deadlines, expiries)."

    def handle(self, *args: Any, **options: Any) -> None:
        for job in jobs():
            self.stdout.write(f"{job.name}: {job.run()}")
