"""Signed checkpoints of the chain head and the proofs checked against them.

A checkpoint states, under the organization's Ed25519 signature: the number of events, the
Merkle root over their hashes (RFC 6962) and the chain hash of the last one. Printed or handed
to the competent authority, it pins the log: one event is later proven to be in it with a
logarithmic-size inclusion proof, and a later checkpoint is proven to extend it.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import connection, transaction

from baomi.core import clock
from baomi.core.keyfiles import read_or_create

from . import merkle, scan
from .chain import ALGORITHMS, GENESIS, canonical_json, hasher, iso_utc, record
from .models import AuditEvent, AuditHead, Checkpoint

FORMAT = "baomi-checkpoint/1"
FIELDS = ("format", "alg", "tree_size", "root", "head", "signed_at", "key_id", "signature")
PROOF_FIELDS = ("seq", "body", "prev_hash", "tree_size", "alg", "path")
SIGNATURE_BYTES = 64  # Ed25519


class CheckpointError(ValueError):
    """A checkpoint that cannot be read, is not signed by the trusted key, or does not match."""


class UnreadableError(CheckpointError):
    """A checkpoint, proof or key that is not well formed: nothing could be checked with it."""


def signing_key() -> Ed25519PrivateKey:
    """The organization's checkpoint key, created on first use in SIGNING_KEY_FILE."""

    def new_key() -> bytes:
        return Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    try:
        key = serialization.load_pem_private_key(
            read_or_create(settings.SIGNING_KEY_FILE, new_key), password=None
        )
    except (OSError, ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise UnreadableError(
            f"the signing key file {settings.SIGNING_KEY_FILE} cannot be read: {exc}"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise UnreadableError("the signing key file does not hold an Ed25519 key")
    return key


def installed_public_key() -> Ed25519PublicKey:
    """The public half of this installation's key, for checking: never created here, since a
    key made on the spot could only make every genuine checkpoint look forged."""
    if not Path(settings.SIGNING_KEY_FILE).exists():
        raise UnreadableError(
            f"this installation has no signing key ({settings.SIGNING_KEY_FILE}): "
            "give the signer's public key with --public-key"
        )
    return signing_key().public_key()


def public_key_pem(key: Ed25519PublicKey | None = None) -> str:
    key = key or signing_key().public_key()
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def key_id(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def load_public_key(path: Path) -> Ed25519PublicKey:
    return parse_public_key(Path(path).read_bytes())


def parse_public_key(pem: bytes) -> Ed25519PublicKey:
    """The Ed25519 public key in `pem`; UnreadableError for anything else."""
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, UnsupportedAlgorithm):
        raise UnreadableError("the public key file does not hold a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise UnreadableError("the public key file does not hold an Ed25519 key")
    return key


@dataclass(frozen=True, slots=True)
class SignedCheckpoint:
    """A checkpoint as read from its document, signature already checked."""

    tree_size: int
    root: bytes
    head: bytes
    alg: str
    signed_at: str
    key_id: str
    document: str

    @property
    def qr_text(self) -> str:
        """The compact form printed as a QR code: enough to re-check the head on paper."""
        return "\n".join(
            [
                FORMAT,
                str(self.tree_size),
                self.root.hex(),
                self.head.hex(),
                self.signed_at,
                self.key_id,
                json.loads(self.document)["signature"],
            ]
        )


def leaf_hashes(size: int) -> list[bytes]:
    """The chain hashes of events 1..size, the entries of the Merkle tree."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT hash FROM {table} WHERE seq <= %s ORDER BY seq",
            [size],
        )
        return [bytes(row[0]) for row in cursor.fetchall()]


def tree(size: int, alg: str) -> merkle.MerkleTree:
    entries = leaf_hashes(size)
    if len(entries) != size:
        raise CheckpointError(f"the log holds {len(entries)} events, fewer than {size}")
    return merkle.MerkleTree(entries, alg=alg)


def _sign(fields: dict[str, Any], key: Ed25519PrivateKey) -> str:
    signature = key.sign(canonical_json(fields).encode())
    return canonical_json({**fields, "signature": base64.b64encode(signature).decode()})


@transaction.atomic(durable=True)
def sign_checkpoint(*, actor: Any = None) -> SignedCheckpoint:
    """Sign the current head, store the checkpoint and record that it was signed.

    The checkpoint covers the events before its own `audit.checkpoint_signed` event.
    """
    head = AuditHead.objects.select_for_update().get(pk=1)
    key = signing_key()
    fields = {
        "format": FORMAT,
        "alg": head.alg,
        "tree_size": head.seq,
        "root": tree(head.seq, head.alg).root().hex(),
        "head": bytes(head.hash).hex(),
        "signed_at": iso_utc(clock.now()),
        "key_id": key_id(key.public_key()),
    }
    document = _sign(fields, key)
    Checkpoint.objects.create(tree_size=head.seq, document=document, created_at=clock.now())
    record(
        actor,
        "audit.checkpoint_signed",
        None,
        tree_size=head.seq,
        root=fields["root"],
        head=fields["head"],
        key_id=fields["key_id"],
    )
    return read_checkpoint(document, key.public_key())


def read_checkpoint(document: str, public_key: Ed25519PublicKey | None = None) -> SignedCheckpoint:
    """Parse a checkpoint document and check its signature against the trusted public key.

    UnreadableError when the document is not a well-formed checkpoint (every field present,
    of its type, nothing else); CheckpointError when its signature does not verify.
    """
    what = "checkpoint"
    fields = _fields(document, FIELDS, what)
    if fields["format"] != FORMAT:
        raise UnreadableError(f"the checkpoint cannot be read: not a {FORMAT} document")
    alg = _alg(fields, what)
    size = merkle.get_hasher(alg).digest_size
    cp = SignedCheckpoint(
        tree_size=_whole(fields, "tree_size", what, minimum=0),
        root=_hex(fields, "root", what, size),
        head=_hex(fields, "head", what, size),
        alg=alg,
        signed_at=_moment(fields, "signed_at", what),
        key_id=_hex(fields, "key_id", what, 8).hex(),
        document=document,
    )
    signature = _base64(fields.pop("signature"), "signature", what)
    if len(signature) != SIGNATURE_BYTES:
        raise UnreadableError(
            f"the checkpoint cannot be read: signature is not {SIGNATURE_BYTES} bytes"
        )
    public_key = public_key or installed_public_key()
    try:
        public_key.verify(signature, canonical_json(fields).encode())
    except InvalidSignature:
        trusted = key_id(public_key)
        signer = (
            "" if cp.key_id == trusted else f" (signed by key {cp.key_id}, trusted key {trusted})"
        )
        raise CheckpointError(
            f"the checkpoint's signature does not verify with the trusted key{signer}"
        ) from None
    return cp


def _unreadable(what: str, problem: str) -> UnreadableError:
    return UnreadableError(f"the {what} cannot be read: {problem}")


def _fields(document: str, names: tuple[str, ...], what: str) -> dict[str, Any]:
    """The JSON object in `document`, holding exactly the fields `names`."""

    def no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        # a repeated key would let two readers see two different documents
        keys = [key for key, _ in pairs]
        if repeated := sorted({key for key in keys if keys.count(key) > 1}):
            raise _unreadable(what, f"repeated fields {', '.join(repeated)}")
        return dict(pairs)

    try:
        fields = json.loads(document, object_pairs_hook=no_repeats)
    except json.JSONDecodeError as exc:
        problem = "the file is empty" if not document.strip() else f"not JSON ({exc})"
        raise _unreadable(what, problem) from None
    except RecursionError:
        raise _unreadable(what, "not JSON (nested too deeply)") from None
    if not isinstance(fields, dict):
        raise _unreadable(what, "not a JSON object")
    if missing := [name for name in names if name not in fields]:
        raise _unreadable(what, f"missing fields {', '.join(missing)}")
    if extra := sorted(set(fields) - set(names)):
        raise _unreadable(what, f"unexpected fields {', '.join(extra)}")
    return fields


def _text(fields: dict[str, Any], name: str, what: str) -> str:
    value = fields[name]
    if not isinstance(value, str):
        raise _unreadable(what, f"{name} is not a string")
    return value


def _whole(fields: dict[str, Any], name: str, what: str, *, minimum: int) -> int:
    value = fields[name]
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise _unreadable(what, f"{name} is not a whole number of at least {minimum}")
    return value


def _hex(fields: dict[str, Any], name: str, what: str, size: int) -> bytes:
    text = _text(fields, name, what)
    try:
        value = bytes.fromhex(text)
    except ValueError:
        value = b""
    if len(text) != 2 * size or len(value) != size:
        raise _unreadable(what, f"{name} is not {2 * size} hexadecimal digits")
    return value


def _base64(value: Any, name: str, what: str) -> bytes:
    if isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            pass
    raise _unreadable(what, f"{name} is not base64")


def _alg(fields: dict[str, Any], what: str) -> str:
    alg = _text(fields, "alg", what)
    if alg not in ALGORITHMS:
        raise _unreadable(what, f"alg {alg!r} is not one of {', '.join(ALGORITHMS)}")
    try:
        merkle.get_hasher(alg)
    except ValueError:
        raise _unreadable(what, f"this installation cannot compute {alg}") from None
    return alg


def _moment(fields: dict[str, Any], name: str, what: str) -> str:
    text = _text(fields, name, what)
    try:
        dt.datetime.fromisoformat(text)
    except ValueError:
        raise _unreadable(what, f"{name} is not a time") from None
    return text


def check_stored_checkpoints(
    *, hash_at: Callable[[int], bytes | None], events: int
) -> tuple[int, str] | None:
    """(position, reason) for the first stored checkpoint the recomputed chain contradicts."""
    public_key = installed_public_key() if Checkpoint.objects.exists() else None
    for stored in Checkpoint.objects.order_by("tree_size"):
        try:
            cp = read_checkpoint(stored.document, public_key)
        except CheckpointError as exc:
            return stored.tree_size, str(exc)
        if cp.tree_size > events:
            return events + 1, f"a checkpoint names {cp.tree_size} events; the chain has {events}"
        at = hash_at(cp.tree_size) if cp.tree_size else GENESIS
        if at != cp.head:
            return cp.tree_size, f"event {cp.tree_size} differs from the signed checkpoint"
    return None


def contradiction(
    cp: SignedCheckpoint, *, events: int, alg: str, hash_at: Callable[[int], bytes | None]
) -> tuple[int | None, str] | None:
    """(position, what differs) when the log's first `cp.tree_size` events are not the ones
    the checkpoint signed: the log is shorter, of another hash, or its event at the
    checkpoint's head or its Merkle root differs; None when they are the signed ones.

    `events` is the length of the chain as just verified: the checkpoint, held outside the
    database, catches a log cut short or rewritten together with its head row.
    """
    n = cp.tree_size
    if cp.alg != alg:
        return 1, f"the checkpoint signs a {cp.alg} chain; the log is hashed with {alg}"
    if n > events:
        missing = f"event {n} is" if n == events + 1 else f"events {events + 1}–{n} are"
        return (
            events + 1,
            f"the checkpoint covers {n} events; the log holds {events}: {missing} missing",
        )
    head = hash_at(n) if n else GENESIS
    if head != cp.head:
        stored = head.hex() if head else "missing"
        return n, (
            f"event {n}, the checkpoint's head, differs from it: its hash is {stored}, "
            f"the signed one {cp.head.hex()}"
        )
    if (root := merkle.root_of(_leaves(n), alg=alg)) != cp.root:
        return None, (
            f"the Merkle root of events 1–{n} is {root.hex()}; the checkpoint signs {cp.root.hex()}"
        )
    return None


def _leaves(size: int) -> Iterator[bytes]:
    """The stored chain hashes of events 1..size in order, a bounded range at a time."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    column = scan.hash_bytes(connection.vendor)
    with connection.cursor() as cursor:
        for lo in range(1, size + 1, scan.FETCH):
            hi = min(lo + scan.FETCH - 1, size)
            cursor.execute(
                f"SELECT {column} FROM {table} WHERE seq BETWEEN %s AND %s ORDER BY seq", [lo, hi]
            )
            rows = cursor.fetchall()
            if len(rows) != hi - lo + 1:  # removed since the chain was verified
                raise CheckpointError(f"the log no longer holds events {lo}–{hi}")
            for (digest,) in rows:
                yield bytes(digest)


@dataclass(frozen=True, slots=True)
class InclusionProof:
    """Event `seq` is in the log of `tree_size` events: its body, its predecessor's hash and the
    audit path. Anyone holding the checkpoint can check it without the database."""

    seq: int
    body: str
    prev_hash: bytes
    tree_size: int
    path: list[bytes]
    alg: str

    def event_hash(self) -> bytes:
        return hasher(self.alg)(self.prev_hash + self.body.encode()).digest()

    def to_json(self) -> str:
        return canonical_json(
            {
                "seq": self.seq,
                "body": self.body,
                "prev_hash": self.prev_hash.hex(),
                "tree_size": self.tree_size,
                "alg": self.alg,
                "path": merkle.encode_proof(self.path),
            }
        )

    @classmethod
    def from_json(cls, text: str) -> InclusionProof:
        """The proof in `text`; UnreadableError unless every field is present and of its type."""
        what = "proof"
        d = _fields(text, PROOF_FIELDS, what)
        alg = _alg(d, what)
        size = merkle.get_hasher(alg).digest_size
        seq = _whole(d, "seq", what, minimum=1)
        tree_size = _whole(d, "tree_size", what, minimum=seq)
        try:
            path = merkle.decode_proof(_text(d, "path", what), size)
        except ValueError as exc:
            raise _unreadable(what, f"path: {exc}") from None
        return cls(
            seq, _text(d, "body", what), _hex(d, "prev_hash", what, size), tree_size, path, alg
        )

    def verify(self, checkpoint: SignedCheckpoint) -> bool:
        """True when the event, as stated, is at position `seq` of the checkpointed log."""
        if self.tree_size != checkpoint.tree_size or self.alg != checkpoint.alg:
            return False
        leaf = merkle.leaf_hash(self.event_hash(), alg=self.alg)
        return merkle.verify_inclusion(
            leaf, self.seq - 1, self.tree_size, self.path, checkpoint.root, alg=self.alg
        )


def prove_event(seq: int, checkpoint: SignedCheckpoint) -> InclusionProof:
    """Build the inclusion proof of event `seq` from the stored log."""
    if not 1 <= seq <= checkpoint.tree_size:
        raise CheckpointError(f"event {seq} is not among the checkpoint's {checkpoint.tree_size}")
    body = AuditEvent.objects.filter(seq=seq).values_list("body", flat=True).first()
    if body is None:
        raise CheckpointError(f"event {seq} is not in the log")
    before = AuditEvent.objects.filter(seq=seq - 1).values_list("hash", flat=True).first()
    prev = bytes(before) if before is not None else GENESIS
    path = tree(checkpoint.tree_size, checkpoint.alg).inclusion_proof(seq - 1, checkpoint.tree_size)
    return InclusionProof(seq, body, prev, checkpoint.tree_size, path, checkpoint.alg)


def prove_extension(old: SignedCheckpoint, new: SignedCheckpoint) -> list[bytes]:
    """The consistency proof that the log of `new` extends the log of `old`."""
    if old.tree_size > new.tree_size:
        raise CheckpointError("the older checkpoint is larger than the newer one")
    return tree(new.tree_size, new.alg).consistency_proof(old.tree_size, new.tree_size)


def verify_extension(old: SignedCheckpoint, new: SignedCheckpoint, proof: list[bytes]) -> bool:
    return old.alg == new.alg and merkle.verify_consistency(
        old.tree_size, new.tree_size, old.root, new.root, proof, alg=new.alg
    )


def printable_context(cp: SignedCheckpoint) -> dict[str, Any]:
    """What the printable checkpoint page shows, with the QR code as inline SVG (no assets)."""
    import segno

    qr = segno.make(cp.qr_text, error="m")
    return {
        "tree_size": cp.tree_size,
        "root": cp.root.hex(),
        "head": cp.head.hex(),
        "alg": cp.alg,
        "signed_at": cp.signed_at,
        "key_id": cp.key_id,
        "signature": json.loads(cp.document)["signature"],
        "qr_svg": qr.svg_inline(scale=4),
    }
