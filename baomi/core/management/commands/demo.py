"""`baomi demo`: load the demo organization (once; a second run changes nothing)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from baomi.core.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo organization into an empty database."

    def handle(self, *args: Any, **options: Any) -> None:
        created = load_demo()
        if created:
            self.stdout.write(f"demo organization loaded: {created} units")
        else:
            self.stdout.write("demo organization already present")
