"""The files the audit commands read and write, and their exit statuses.

Exit status 2 means the check could not start: a file that cannot be read or written, or is
not a well-formed checkpoint, proof or key. Exit status 1 is kept for a check that ran and
failed, so a script never mistakes a typo for a tampered log, nor the reverse.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.management.base import CommandError

from baomi.audit import checkpoints as cps

UNUSABLE = 2
FAILED = 1


def read_bytes(path: Path, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except IsADirectoryError:
        raise CommandError(
            f"the {what} {path} is a directory, not a file", returncode=UNUSABLE
        ) from None
    except OSError as exc:
        raise CommandError(
            f"the {what} {path} cannot be read: {exc.strerror or exc}", returncode=UNUSABLE
        ) from None


def read_text(path: Path, what: str) -> str:
    data = read_bytes(path, what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CommandError(
            f"the {what} {path} is not UTF-8 text (byte {exc.start})", returncode=UNUSABLE
        ) from None


def public_key(path: Path | None) -> Ed25519PublicKey | None:
    """The trusted key from `path`; None (this installation's key) without one."""
    if path is None:
        return None
    with refusals(path):
        return cps.parse_public_key(read_bytes(path, "public key file"))


def checkpoint(path: Path, key: Ed25519PublicKey | None) -> cps.SignedCheckpoint:
    """The checkpoint in `path`, its signature checked against `key`."""
    with refusals(path):
        return cps.read_checkpoint(read_text(path, "checkpoint file"), key)


def proof(path: Path) -> cps.InclusionProof:
    with refusals(path):
        return cps.InclusionProof.from_json(read_text(path, "proof file"))


@contextlib.contextmanager
def refusals(path: Path | None = None) -> Iterator[None]:
    """A malformed document or key stops the command with status 2, a failed check with 1."""
    prefix = f"{path}: " if path is not None else ""
    try:
        yield
    except cps.UnreadableError as exc:
        raise CommandError(f"{prefix}{exc}", returncode=UNUSABLE) from None
    except cps.CheckpointError as exc:
        raise CommandError(f"{prefix}{exc}", returncode=FAILED) from None


def writable(path: Path | None, what: str) -> Path | None:
    """`path` when it can be written; checked before the work, so that nothing is signed or
    built for a file that could not be written afterwards."""
    if path is None:
        return None
    parent = path.parent
    if path.is_dir():
        raise CommandError(f"the {what} {path} is a directory, not a file", returncode=UNUSABLE)
    if not parent.is_dir():
        raise CommandError(
            f"the directory of the {what} {path} does not exist", returncode=UNUSABLE
        )
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise CommandError(f"the {what} {path} is not writable", returncode=UNUSABLE)
    return path


def write_text(path: Path, text: str, what: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CommandError(
            f"the {what} {path} cannot be written: {exc.strerror or exc}", returncode=UNUSABLE
        ) from None
