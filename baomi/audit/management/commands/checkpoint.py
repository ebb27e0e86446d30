"""`baomi checkpoint`: sign the audit chain's head and export it as a file and a printable page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.template.loader import render_to_string
from django.utils import translation

from baomi.audit import checkpoints as cps


class Command(BaseCommand):
    help = "Sign a checkpoint of the audit chain head; write it as JSON and as a printable page."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, help="write the signed checkpoint here (JSON)")
        parser.add_argument("--html", type=Path, help="write the printable page here (HTML)")
        parser.add_argument("--public-key", type=Path, help="write the public key here (PEM)")

    def handle(self, *args: Any, **options: Any) -> None:
        checkpoint = cps.sign_checkpoint(actor=None)
        if options["out"]:
            options["out"].write_text(checkpoint.document, encoding="utf-8")
        if options["html"]:
            with translation.override("zh-hans"):
                page = render_to_string("audit/checkpoint.html", cps.printable_context(checkpoint))
            options["html"].write_text(page, encoding="utf-8")
        if options["public_key"]:
            options["public_key"].write_text(cps.public_key_pem(), encoding="utf-8")
        self.stdout.write(
            f"checkpoint signed: {checkpoint.tree_size} events, root {checkpoint.root.hex()}, "
            f"head {checkpoint.head.hex()}, key {checkpoint.key_id}"
        )
