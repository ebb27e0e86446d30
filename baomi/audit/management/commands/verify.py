"""`baomi verify`: check the audit chain, or prove one event or a log extension to a checkpoint.

    baomi verify                                     whole chain, head and stored checkpoints
    baomi verify --event N --checkpoint FILE         event N is in the checkpointed log
    baomi verify --proof FILE --checkpoint FILE      an exported inclusion proof, no database
    baomi verify --checkpoint NEW --extends OLD      the log of NEW extends the log of OLD
    baomi verify --replay                            also rebuild every copy's state and holder
                                                     from the log and compare with the ledger

Exit status 0 when everything holds, 1 with the first bad position otherwise.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from baomi.audit import checkpoints as cps
from baomi.audit import merkle
from baomi.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Verify the audit chain, one event against a checkpoint, or a checkpoint extension."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--event", type=int, help="position of the event to prove")
        parser.add_argument("--checkpoint", type=Path, help="signed checkpoint file")
        parser.add_argument("--extends", type=Path, help="an earlier checkpoint file")
        parser.add_argument(
            "--proof", type=Path, help="an inclusion proof file (from `baomi prove`)"
        )
        parser.add_argument(
            "--replay",
            action="store_true",
            help="rebuild every copy's state and holder from the log and compare with the ledger",
        )
        parser.add_argument(
            "--public-key",
            type=Path,
            help="trusted Ed25519 public key (PEM); default: this installation's",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["event"] is None and options["extends"] is None and options["proof"] is None:
            self._chain()
            if options["replay"]:
                self._replay()
            return
        if options["checkpoint"] is None:
            raise CommandError(
                "--event, --proof and --extends need --checkpoint FILE", returncode=2
            )
        key = cps.load_public_key(options["public_key"]) if options["public_key"] else None
        try:
            checkpoint = self._read(options["checkpoint"], key)
            if options["extends"] is not None:
                self._extension(self._read(options["extends"], key), checkpoint)
            else:
                self._event(options, checkpoint)
        except cps.CheckpointError as exc:
            raise CommandError(str(exc), returncode=1) from exc

    def _read(self, path: Path, key: Any) -> cps.SignedCheckpoint:
        return cps.read_checkpoint(path.read_text(encoding="utf-8"), key)

    def _chain(self) -> None:
        started = time.perf_counter()
        verdict = verify_chain()
        seconds = time.perf_counter() - started
        if not verdict.ok:
            where = "" if verdict.first_bad is None else f" at position {verdict.first_bad}"
            raise CommandError(f"audit chain broken{where}: {verdict.reason}", returncode=1)
        self.stdout.write(
            f"audit chain intact: {verdict.events} events, head {verdict.head.hex()} "
            f"({seconds:.2f} s)"
        )

    def _replay(self) -> None:
        from baomi.ledger.custody import replay_differences

        started = time.perf_counter()
        differences = replay_differences()
        seconds = time.perf_counter() - started
        if differences:
            for line in differences[:20]:
                self.stderr.write(line)
            raise CommandError(
                f"{len(differences)} copies differ from their audit log", returncode=1
            )
        self.stdout.write(f"every copy is where its audit log puts it ({seconds:.2f} s)")

    def _event(self, options: dict[str, Any], checkpoint: cps.SignedCheckpoint) -> None:
        if options["proof"] is not None:
            proof = cps.InclusionProof.from_json(options["proof"].read_text(encoding="utf-8"))
        else:
            proof = cps.prove_event(options["event"], checkpoint)
        size = len(merkle.encode_proof(proof.path))
        if not proof.verify(checkpoint):
            raise CommandError(
                f"event {proof.seq} is NOT proven in the checkpoint of "
                f"{checkpoint.tree_size} events",
                returncode=1,
            )
        self.stdout.write(
            f"event {proof.seq} is in the checkpointed log of {checkpoint.tree_size} events "
            f"({len(proof.path)} hashes, {size} bytes of proof)"
        )

    def _extension(self, old: cps.SignedCheckpoint, new: cps.SignedCheckpoint) -> None:
        proof = cps.prove_extension(old, new)
        if not cps.verify_extension(old, new, proof):
            raise CommandError(
                f"the log of {new.tree_size} events does NOT extend the checkpoint of "
                f"{old.tree_size}; first bad position at most {old.tree_size}",
                returncode=1,
            )
        self.stdout.write(
            f"the log of {new.tree_size} events extends the checkpoint of {old.tree_size} "
            f"({len(proof)} hashes)"
        )
