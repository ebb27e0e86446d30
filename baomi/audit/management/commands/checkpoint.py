"""`baomi checkpoint`: sign the audit chain's head and export it as a file and a printable page.

Every output path is checked before signing, so a path that cannot be written is refused with
exit status 2 and nothing is signed; so is a signing key file that does not hold a key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.template.loader import render_to_string
from django.utils import translation

from baomi.audit import checkpoints as cps

from . import _files as files


class Command(BaseCommand):
    help = "Sign a checkpoint of the audit chain head; write it as JSON and as a printable page."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, help="write the signed checkpoint here (JSON)")
        parser.add_argument("--html", type=Path, help="write the printable page here (HTML)")
        parser.add_argument("--public-key", type=Path, help="write the public key here (PEM)")

    def handle(self, *args: Any, **options: Any) -> None:
        out = files.writable(options["out"], "checkpoint file")
        html = files.writable(options["html"], "page")
        key = files.writable(options["public_key"], "public key file")
        with files.refusals():
            checkpoint = cps.sign_checkpoint(actor=None)
        if out is not None:
            files.write_text(out, checkpoint.document, "checkpoint file")
        if html is not None:
            with translation.override("zh-hans"):
                page = render_to_string("audit/checkpoint.html", cps.printable_context(checkpoint))
            files.write_text(html, page, "page")
        if key is not None:
            files.write_text(key, cps.public_key_pem(), "public key file")
        self.stdout.write(
            f"checkpoint signed: {checkpoint.tree_size} events, root {checkpoint.root.hex()}, "
            f"head {checkpoint.head.hex()}, key {checkpoint.key_id}"
        )
