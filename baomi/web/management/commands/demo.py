"""`baomi demo`: load the demo organization (once; a second run changes nothing)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from baomi.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo organization into an empty database and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = load_demo()
        if not logins:
            self.stdout.write(f"demo organization already present (password: {DEMO_PASSWORD})")
            return
        self.stdout.write(f"demo organization loaded; every demo login's password: {DEMO_PASSWORD}")
        for login in logins:
            self.stdout.write(f"  {login.username:<14} {login.full_name:<6} {login.role}")
