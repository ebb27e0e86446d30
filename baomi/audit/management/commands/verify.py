"""`baomi verify`: check the audit chain, against a checkpoint too, or prove one event or a log
extension to a checkpoint.

    baomi verify                                     whole chain, head and stored checkpoints
    baomi verify --checkpoint FILE                   the same, and the log holds the events the
                                                     checkpoint signed: at least its size, its
                                                     head hash at its head, its Merkle root
    baomi verify --event N --checkpoint FILE         event N is in the checkpointed log
    baomi verify --proof FILE --checkpoint FILE      an exported inclusion proof, no database
    baomi verify --checkpoint NEW --extends OLD      the log of NEW extends the log of OLD
    baomi verify --replay                            also rebuild every copy's state and holder
                                                     from the log and compare with the ledger

Checkpoints are checked with --public-key FILE, or this installation's key without it.
Exit status 0 when everything holds; 1 when a check fails, with the first bad position and
what is missing or differs; 2 when a check cannot start: options that do not go together, or
a file that cannot be read or is not a well-formed checkpoint, proof or key.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from baomi.audit import checkpoints as cps
from baomi.audit import merkle
from baomi.audit.verify import verify_chain

from . import _files as files


class Command(BaseCommand):
    help = (
        "Verify the audit chain (and that it holds a checkpoint's events), one event against "
        "a checkpoint, or a checkpoint extension. Exit status 1: a check failed; 2: unusable "
        "options or files."
    )

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
        proving = [
            f"--{name}" for name in ("event", "proof", "extends") if options[name] is not None
        ]
        if len(proving) > 1:
            raise CommandError(f"{' and '.join(proving)} do not go together", returncode=2)
        if proving and options["replay"]:
            raise CommandError(f"{proving[0]} and --replay do not go together", returncode=2)
        needing = proving + (["--public-key"] if options["public_key"] is not None else [])
        if options["checkpoint"] is None and needing:
            verb = "needs" if len(needing) == 1 else "need"
            raise CommandError(f"{' and '.join(needing)} {verb} --checkpoint FILE", returncode=2)
        key = files.public_key(options["public_key"])
        checkpoint = files.checkpoint(options["checkpoint"], key) if options["checkpoint"] else None
        if not proving:
            self._chain(checkpoint)
            if options["replay"]:
                self._replay()
            return
        assert checkpoint is not None
        if options["extends"] is not None:
            old = files.checkpoint(options["extends"], key)
            with files.refusals():
                self._extension(old, checkpoint)
            return
        proof = files.proof(options["proof"]) if options["proof"] is not None else None
        with files.refusals():
            self._event(options["event"], proof, checkpoint)

    def _chain(self, checkpoint: cps.SignedCheckpoint | None) -> None:
        started = time.perf_counter()
        with files.refusals():
            verdict = verify_chain(checkpoint=checkpoint)
        seconds = time.perf_counter() - started
        if not verdict.ok:
            where = "" if verdict.first_bad is None else f" at position {verdict.first_bad}"
            raise CommandError(f"audit chain broken{where}: {verdict.reason}", returncode=1)
        self.stdout.write(
            f"audit chain intact: {verdict.events} events, head {verdict.head.hex()} "
            f"({seconds:.2f} s)"
        )
        if checkpoint is not None:
            self.stdout.write(
                f"the log holds the {checkpoint.tree_size} events of the checkpoint signed "
                f"{checkpoint.signed_at} by key {checkpoint.key_id}: head {checkpoint.head.hex()}, "
                f"root {checkpoint.root.hex()}"
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

    def _event(
        self, event: int | None, proof: cps.InclusionProof | None, checkpoint: cps.SignedCheckpoint
    ) -> None:
        if proof is None:
            assert event is not None
            proof = cps.prove_event(event, checkpoint)
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
