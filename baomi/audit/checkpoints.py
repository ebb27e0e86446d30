"""Signed checkpoints of the chain head and the proofs checked against them.

A checkpoint states, under the organization's Ed25519 signature: the number of events, the
Merkle root over their hashes (RFC 6962) and the chain hash of the last one. Printed or handed
to the competent authority, it pins the log: one event is later proven to be in it with a
logarithmic-size inclusion proof, and a later checkpoint is proven to extend it.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import connection, transaction

from baomi.core import clock
from baomi.core.keyfiles import read_or_create

from . import merkle
from .chain import GENESIS, canonical_json, hasher, iso_utc, record
from .models import AuditEvent, AuditHead, Checkpoint

FORMAT = "baomi-checkpoint/1"


class CheckpointError(ValueError):
    """A checkpoint that cannot be read, is not signed by the trusted key, or does not match."""


def signing_key() -> Ed25519PrivateKey:
    """The organization's checkpoint key, created on first use in SIGNING_KEY_FILE."""

    def new_key() -> bytes:
        return Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    key = serialization.load_pem_private_key(
        read_or_create(settings.SIGNING_KEY_FILE, new_key), password=None
    )
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointError("the signing key file does not hold an Ed25519 key")
    return key


def public_key_pem(key: Ed25519PublicKey | None = None) -> str:
    key = key or signing_key().public_key()
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def key_id(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def load_public_key(path: Path) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(Path(path).read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise CheckpointError("the public key file does not hold an Ed25519 key")
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
    """Parse a checkpoint document and check its signature against the trusted public key."""
    public_key = public_key or signing_key().public_key()
    try:
        fields = json.loads(document)
        signature = base64.b64decode(fields.pop("signature"), validate=True)
        if fields.get("format") != FORMAT:
            raise CheckpointError(f"not a {FORMAT} document")
        public_key.verify(signature, canonical_json(fields).encode())
        return SignedCheckpoint(
            tree_size=int(fields["tree_size"]),
            root=bytes.fromhex(fields["root"]),
            head=bytes.fromhex(fields["head"]),
            alg=str(fields["alg"]),
            signed_at=str(fields["signed_at"]),
            key_id=str(fields["key_id"]),
            document=document,
        )
    except InvalidSignature:
        raise CheckpointError(
            "the checkpoint's signature does not verify with the trusted key"
        ) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise CheckpointError(f"the checkpoint cannot be read: {exc}") from None


def check_stored_checkpoints(
    *, hash_at: Callable[[int], bytes | None], events: int
) -> tuple[int, str] | None:
    """(position, reason) for the first stored checkpoint the recomputed chain contradicts."""
    public_key = signing_key().public_key() if Checkpoint.objects.exists() else None
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
        d = json.loads(text)
        return cls(
            int(d["seq"]),
            d["body"],
            bytes.fromhex(d["prev_hash"]),
            int(d["tree_size"]),
            merkle.decode_proof(d["path"]),
            d["alg"],
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
