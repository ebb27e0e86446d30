"""`baomi serve [ADDR:PORT]`: serve Baomi, static files included (the intranet has no CDN)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve Baomi on ADDR:PORT (default 127.0.0.1:8000) with its static files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("runserver", options["addrport"], insecure_serving=True, use_reloader=False)
