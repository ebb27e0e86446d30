"""`baomi prove --event N --checkpoint FILE`: export the inclusion proof of one event, which anyone
holding the checkpoint checks with `baomi verify --proof FILE --checkpoint FILE`.

Exit status 1 when the checkpoint's signature does not verify with this installation's key or
the event cannot be proven from the log; 2 when a file cannot be read or written, or the
checkpoint is not well formed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from baomi.audit import checkpoints as cps

from . import _files as files


class Command(BaseCommand):
    help = "Export the inclusion proof of one audit event against a signed checkpoint."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--event", type=int, required=True)
        parser.add_argument("--checkpoint", type=Path, required=True)
        parser.add_argument("--out", type=Path, help="write the proof here instead of stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        out = files.writable(options["out"], "proof file")
        checkpoint = files.checkpoint(options["checkpoint"], None)
        with files.refusals():
            proof = cps.prove_event(options["event"], checkpoint).to_json()
        if out is not None:
            files.write_text(out, proof, "proof file")
        else:
            self.stdout.write(proof)
