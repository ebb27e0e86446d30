"""`baomi prove --event N --checkpoint FILE`: export the inclusion proof of one event, which anyone
holding the checkpoint checks with `baomi verify --proof FILE --checkpoint FILE`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from baomi.audit import checkpoints as cps


class Command(BaseCommand):
    help = "Export the inclusion proof of one audit event against a signed checkpoint."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--event", type=int, required=True)
        parser.add_argument("--checkpoint", type=Path, required=True)
        parser.add_argument("--out", type=Path, help="write the proof here instead of stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            checkpoint = cps.read_checkpoint(options["checkpoint"].read_text(encoding="utf-8"))
            proof = cps.prove_event(options["event"], checkpoint).to_json()
        except cps.CheckpointError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        if options["out"]:
            options["out"].write_text(proof, encoding="utf-8")
        else:
            self.stdout.write(proof)
