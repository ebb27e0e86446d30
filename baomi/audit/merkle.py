"""RFC 6962 / RFC 9162 (Certificate Transparency v2, section 2.1) Merkle trees.

Baomi commits its audit log to a Merkle tree whose leaf entries are the events'
chain hashes, so that a holder of a signed root can be given

* an *inclusion proof* (RFC 9162 2.1.3) that one event is in the log, and
* a *consistency proof* (RFC 9162 2.1.4) that a later log only appended to an
  earlier one (nothing was rewritten or removed).

Definitions (``H`` is the configured hash, SHA-256 by default, SM3 optionally)::

    MTH({})      = H(b"")
    MTH({d0})    = H(0x00 || d0)                       # leaf_hash
    MTH(D[0:n])  = H(0x01 || MTH(D[0:k]) || MTH(D[k:n])),  k = largest power of 2 < n

This module is pure standard library and has no Django dependency.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

__all__ = [
    "Hasher",
    "MerkleTree",
    "decode_proof",
    "empty_root",
    "encode_proof",
    "get_hasher",
    "leaf_hash",
    "node_hash",
    "root_of",
    "verify_consistency",
    "verify_inclusion",
]

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


class _HashObject(Protocol):
    def digest(self) -> bytes: ...


class Hasher:
    """A named hash function with the RFC 6962 leaf/node domain separation.

    ``Hasher("sha256")`` binds ``hashlib.sha256`` directly (no per-call name
    lookup); other names (e.g. ``"sm3"``) go through ``hashlib.new``. Raises
    ``ValueError`` if the algorithm is unavailable or is not a fixed-size
    digest (XOFs such as SHAKE are rejected).
    """

    __slots__ = ("_new", "digest_size", "empty_root", "name")

    name: str
    digest_size: int
    empty_root: bytes
    _new: Callable[[bytes], _HashObject]

    def __init__(self, name: str = "sha256") -> None:
        name = name.lower()
        new: Callable[[bytes], _HashObject]
        if name in hashlib.algorithms_guaranteed and hasattr(hashlib, name):
            # Direct constructor: noticeably faster than hashlib.new(name, ...).
            new = getattr(hashlib, name)
        else:
            new = functools.partial(hashlib.new, name)
        try:
            empty = new(b"").digest()
        except (ValueError, TypeError) as exc:  # unknown name, or XOF needing a length
            raise ValueError(f"unsupported hash algorithm: {name!r}") from exc
        if not empty:
            raise ValueError(f"unsupported hash algorithm: {name!r}")
        self.name = name
        self.digest_size = len(empty)
        self.empty_root = empty
        self._new = new

    def __repr__(self) -> str:
        return f"Hasher({self.name!r})"

    def leaf(self, entry: bytes) -> bytes:
        """Return ``H(0x00 || entry)``, the RFC 6962 leaf hash of ``entry``."""
        return self._new(_LEAF_PREFIX + entry).digest()

    def node(self, left: bytes, right: bytes) -> bytes:
        """Return ``H(0x01 || left || right)``, the RFC 6962 interior node hash."""
        return self._new(_NODE_PREFIX + left + right).digest()


@functools.lru_cache(maxsize=16)
def _cached_hasher(name: str) -> Hasher:
    return Hasher(name)


def get_hasher(alg: str | Hasher = "sha256") -> Hasher:
    """Return a (cached) :class:`Hasher` for ``alg``; a ``Hasher`` is returned as is.

    Raises ``ValueError`` for an unsupported algorithm name.
    """
    if isinstance(alg, Hasher):
        return alg
    return _cached_hasher(alg.lower())


def leaf_hash(entry: bytes, alg: str | Hasher = "sha256") -> bytes:
    """Return the RFC 6962 leaf hash ``H(0x00 || entry)``."""
    return get_hasher(alg).leaf(entry)


def node_hash(left: bytes, right: bytes, alg: str | Hasher = "sha256") -> bytes:
    """Return the RFC 6962 interior node hash ``H(0x01 || left || right)``."""
    return get_hasher(alg).node(left, right)


def empty_root(alg: str | Hasher = "sha256") -> bytes:
    """Return the root of the empty tree, ``H(b"")``."""
    return get_hasher(alg).empty_root


def root_of(entries: Iterable[bytes], alg: str | Hasher = "sha256") -> bytes:
    """Return the root over leaf *entries*, read once in order, in O(log n) memory.

    Guarantees ``root_of(e, alg) == MerkleTree(e, alg).root()``: complete subtrees are
    merged as a binary counter merges carries, and the remaining ones, largest first, are
    exactly the RFC's left-leaning split.
    """
    hasher = get_hasher(alg)
    stack: list[tuple[int, bytes]] = []  # (leaves, hash) of complete subtrees, largest first
    for entry in entries:
        size, node = 1, hasher.leaf(entry)
        while stack and stack[-1][0] == size:
            size, node = 2 * size, hasher.node(stack.pop()[1], node)
        stack.append((size, node))
    if not stack:
        return hasher.empty_root
    node = stack.pop()[1]
    while stack:
        node = hasher.node(stack.pop()[1], node)
    return node


def _largest_pow2_below(n: int) -> int:
    """Largest power of two strictly less than ``n`` (``n >= 2``): the RFC split point."""
    return 1 << ((n - 1).bit_length() - 1)


class MerkleTree:
    """An immutable RFC 6962 Merkle tree with O(log n) historical roots and proofs.

    All levels are built bottom-up once. Each level is stored as one ``bytes``
    object of concatenated digests (about 2 * n * digest_size bytes in total,
    i.e. ~64 MB for 1,000,000 SHA-256 leaves) rather than millions of small
    objects. At every level an unpaired last node is carried up unchanged; the
    node at level ``k``, index ``i`` is then exactly ``MTH(D[i*2^k : min((i+1)*2^k, n)])``,
    which makes the root equal to RFC 6962's recursive definition.

    Any subtree hash the RFC proof algorithms need for a historical size
    ``m <= n`` is assembled from stored nodes in O(log n) (see ``_subtree``), so
    ``root(m)``, ``inclusion_proof(i, m)`` and ``consistency_proof(m1, m2)``
    never rebuild the tree.
    """

    __slots__ = ("_d", "_hasher", "_levels", "_size")

    _hasher: Hasher
    _d: int
    _size: int
    _levels: list[bytes]

    def __init__(self, entries: Iterable[bytes] = (), alg: str | Hasher = "sha256") -> None:
        """Build the tree over leaf *entries* (each is hashed as ``H(0x00 || entry)``)."""
        hasher = get_hasher(alg)
        new = hasher._new
        prefix = _LEAF_PREFIX
        level0 = b"".join([new(prefix + entry).digest() for entry in entries])
        self._init(hasher, level0)

    @classmethod
    def from_leaf_hashes(
        cls, leaf_hashes: Iterable[bytes], alg: str | Hasher = "sha256"
    ) -> MerkleTree:
        """Build the tree from precomputed leaf hashes (``H(0x00 || entry)`` values).

        Raises ``ValueError`` if any hash is not exactly ``digest_size`` bytes.
        """
        hasher = get_hasher(alg)
        hashes = list(leaf_hashes)
        d = hasher.digest_size
        if any(len(h) != d for h in hashes):
            raise ValueError(f"every leaf hash must be {d} bytes")
        tree = cls.__new__(cls)
        tree._init(hasher, b"".join(hashes))
        return tree

    def _init(self, hasher: Hasher, level0: bytes) -> None:
        d = hasher.digest_size
        self._hasher = hasher
        self._d = d
        self._size = len(level0) // d
        levels = [level0]
        new = hasher._new
        prefix = _NODE_PREFIX
        cur = level0
        count = self._size
        pair = 2 * d
        while count > 1:
            view = memoryview(cur)
            end = (count // 2) * pair
            # One hash per adjacent pair; a memoryview slice avoids copying the pair twice.
            nxt = b"".join([new(prefix + view[i : i + pair]).digest() for i in range(0, end, pair)])
            if count & 1:
                nxt += cur[end:]  # odd node is carried up unchanged
            levels.append(nxt)
            cur = nxt
            count = (count + 1) // 2
        self._levels = levels

    # ------------------------------------------------------------------ accessors

    @property
    def size(self) -> int:
        """Number of leaves."""
        return self._size

    @property
    def hasher(self) -> Hasher:
        """The hash function this tree was built with."""
        return self._hasher

    @property
    def digest_size(self) -> int:
        """Size in bytes of every hash in this tree and its proofs."""
        return self._d

    def __len__(self) -> int:
        return self._size

    def __repr__(self) -> str:
        return f"MerkleTree(size={self._size}, alg={self._hasher.name!r})"

    def leaf_hash_at(self, index: int) -> bytes:
        """Return the stored leaf hash of leaf ``index`` (``0 <= index < size``)."""
        if not 0 <= index < self._size:
            raise IndexError(f"leaf index {index} out of range for size {self._size}")
        d = self._d
        return self._levels[0][index * d : (index + 1) * d]

    def _node(self, level: int, index: int) -> bytes:
        d = self._d
        return self._levels[level][index * d : (index + 1) * d]

    def _subtree(self, lo: int, hi: int) -> bytes:
        """``MTH(D[lo:hi])`` for ``0 <= lo < hi <= size``, in O(log n).

        Precondition (always true for the ranges the RFC algorithms visit):
        ``lo`` is a multiple of the smallest power of two ``>= hi - lo``.
        """
        n = self._size
        lefts: list[bytes] = []
        while True:
            k = (hi - lo - 1).bit_length()  # 2^k is the smallest power of two >= hi - lo
            assert lo % (1 << k) == 0, "unaligned subtree range"
            # The stored node (k, lo >> k) covers D[lo : min(lo + 2^k, n)].
            if hi == lo + (1 << k) or hi == n:
                acc = self._node(k, lo >> k)
                break
            # Otherwise split as the RFC does: a complete left half of 2^(k-1)
            # leaves (stored) and a smaller, still aligned, right remainder.
            lefts.append(self._node(k - 1, lo >> (k - 1)))
            lo += 1 << (k - 1)
        node = self._hasher.node
        for left in reversed(lefts):
            acc = node(left, acc)
        return acc

    def _check_size(self, size: int | None) -> int:
        if size is None:
            return self._size
        if not 0 <= size <= self._size:
            raise ValueError(f"size {size} out of range 0..{self._size}")
        return size

    # ------------------------------------------------------------------ roots and proofs

    def root(self, size: int | None = None) -> bytes:
        """Return ``MTH(D[0:size])`` (default: the whole tree), in O(log n).

        ``root(0)`` is ``H(b"")``. Raises ``ValueError`` unless ``0 <= size <= self.size``.
        """
        m = self._check_size(size)
        if m == 0:
            return self._hasher.empty_root
        return self._subtree(0, m)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """Return the RFC 9162 2.1.3.1 audit path ``PATH(index, D[0:size])``.

        The list is ordered from the leaf's sibling up to the root's child, as
        :func:`verify_inclusion` expects. Raises ``ValueError`` unless
        ``0 <= index < size <= self.size``.
        """
        n = self._check_size(size)
        if not 0 <= index < n:
            raise ValueError(f"leaf index {index} out of range for size {n}")
        path: list[bytes] = []
        lo, hi = 0, n
        # Walk the RFC recursion top-down, collecting the sibling of each step.
        # Only the first "right sibling" can end at a non-stored boundary, so
        # this is O(log n) hashes even for historical sizes.
        while hi - lo > 1:
            mid = lo + _largest_pow2_below(hi - lo)
            if index < mid:
                path.append(self._subtree(mid, hi))
                hi = mid
            else:
                path.append(self._subtree(lo, mid))
                lo = mid
        path.reverse()
        return path

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """Return the RFC 9162 2.1.4.1 consistency proof ``PROOF(old_size, D[0:new_size])``.

        The proof is empty when ``old_size == 0`` or ``old_size == new_size``
        (nothing to prove; see :func:`verify_consistency`). Raises
        ``ValueError`` unless ``0 <= old_size <= new_size <= self.size``.
        """
        n = self._check_size(new_size)
        if not 0 <= old_size <= n:
            raise ValueError(f"old_size {old_size} out of range 0..{n}")
        if old_size in (0, n):
            return []
        proof: list[bytes] = []
        m = old_size  # relative to lo
        lo, hi = 0, n
        complete = True  # the RFC's "b": is D[lo:lo+m] the whole old tree?
        while True:
            if m == hi - lo:
                if not complete:
                    proof.append(self._subtree(lo, hi))
                break
            k = _largest_pow2_below(hi - lo)
            if m <= k:
                proof.append(self._subtree(lo + k, hi))
                hi = lo + k
            else:
                proof.append(self._subtree(lo, lo + k))
                lo += k
                m -= k
                complete = False
        proof.reverse()
        return proof


# ---------------------------------------------------------------------- verification


def _resolve(alg: object) -> Hasher | None:
    if isinstance(alg, Hasher):
        return alg
    if not isinstance(alg, str):
        return None
    try:
        return get_hasher(alg)
    except ValueError:
        return None


def _is_uint(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_digest(value: object, d: int) -> bool:
    return isinstance(value, bytes | bytearray) and len(value) == d


def _is_proof(proof: object, d: int) -> bool:
    return isinstance(proof, list | tuple) and all(_is_digest(p, d) for p in proof)


def _consistency_proof_len(m: int, n: int) -> int:
    """Exact length of ``PROOF(m, D[0:n])`` for ``0 < m < n`` (mirrors the generator)."""
    length = 0
    complete = True
    while m != n:
        k = _largest_pow2_below(n)
        if m <= k:
            n = k
        else:
            m -= k
            n -= k
            complete = False
        length += 1
    return length if complete else length + 1


def verify_inclusion(
    leaf_hash: bytes,
    index: int,
    size: int,
    proof: Sequence[bytes],
    root: bytes,
    alg: str | Hasher = "sha256",
) -> bool:
    """Check that ``leaf_hash`` is leaf ``index`` of the ``size``-leaf tree with ``root``.

    Implements RFC 9162 2.1.3.2. ``leaf_hash`` is the *leaf hash*
    (``H(0x00 || entry)``), not the raw entry. Returns ``True`` only for a
    valid proof; returns ``False`` -- never raises -- for any malformed input:
    ``index >= size``, negative or non-integer sizes, a proof of the wrong
    length, hashes that are not ``bytes`` of the digest size, or an unknown
    algorithm name.
    """
    hasher = _resolve(alg)
    if hasher is None:
        return False
    d = hasher.digest_size
    if not (_is_uint(index) and _is_uint(size) and index < size):
        return False
    if not (_is_digest(leaf_hash, d) and _is_digest(root, d) and _is_proof(proof, d)):
        return False
    # Cheap exact length check before hashing: len = inner path + right border.
    inner = (index ^ (size - 1)).bit_length()
    if len(proof) != inner + (index >> inner).bit_count():
        return False

    node = hasher.node
    fn, sn = index, size - 1
    r = bytes(leaf_hash)
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            if not fn & 1:
                # Skip levels where this node is a right-border node with no sibling.
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and hmac.compare_digest(r, bytes(root))


def verify_consistency(
    old_size: int,
    new_size: int,
    old_root: bytes,
    new_root: bytes,
    proof: Sequence[bytes],
    alg: str | Hasher = "sha256",
) -> bool:
    """Check that the ``new_size`` tree with ``new_root`` extends the ``old_size`` one.

    Implements RFC 9162 2.1.4.2 for ``0 < old_size < new_size``. Edge cases,
    which the RFC leaves to the caller:

    * ``old_size == 0``: the proof must be empty and ``old_root`` must be the
      empty-tree hash ``H(b"")`` (every tree extends the empty tree); if
      ``new_size`` is also 0, ``new_root`` must be ``H(b"")`` too.
    * ``old_size == new_size``: the proof must be empty and the roots equal.

    Returns ``False`` -- never raises -- for any malformed input:
    ``old_size > new_size``, negative or non-integer sizes, a proof of the
    wrong length, hashes that are not ``bytes`` of the digest size, or an
    unknown algorithm name.
    """
    hasher = _resolve(alg)
    if hasher is None:
        return False
    d = hasher.digest_size
    if not (_is_uint(old_size) and _is_uint(new_size) and old_size <= new_size):
        return False
    if not (_is_digest(old_root, d) and _is_digest(new_root, d) and _is_proof(proof, d)):
        return False
    old_root, new_root = bytes(old_root), bytes(new_root)
    if old_size == 0:
        empty = hasher.empty_root
        return (
            len(proof) == 0
            and hmac.compare_digest(old_root, empty)
            and (new_size > 0 or hmac.compare_digest(new_root, empty))
        )
    if old_size == new_size:
        return len(proof) == 0 and hmac.compare_digest(old_root, new_root)
    if not proof:  # RFC 9162 2.1.4.2 step 1
        return False
    if len(proof) != _consistency_proof_len(old_size, new_size):
        return False

    node = hasher.node
    path = [bytes(p) for p in proof]
    # A power-of-two old tree is a complete subtree of the new one, so the
    # generator omits its hash; the verifier supplies it.
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node(c, fr)
            sr = node(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and hmac.compare_digest(fr, old_root) and hmac.compare_digest(sr, new_root)


# ---------------------------------------------------------------------- serialization


def encode_proof(proof: Sequence[bytes]) -> str:
    """Encode a proof as standard base64 of the concatenated hashes.

    A 20-hash SHA-256 proof (a 1,000,000-leaf tree) encodes to 856 characters.
    ``encode_proof([]) == ""``. Raises ``ValueError`` if the hashes differ in
    length (the encoding could not be split back unambiguously).
    """
    if len({len(p) for p in proof}) > 1:
        raise ValueError("all proof hashes must have the same length")
    return base64.b64encode(b"".join(proof)).decode("ascii")


def decode_proof(text: str, digest_size: int = 32) -> list[bytes]:
    """Decode :func:`encode_proof` output back into a list of ``digest_size``-byte hashes.

    Guarantees ``decode_proof(encode_proof(p), len(p[0])) == list(p)``. Raises
    ``ValueError`` for non-base64 input or a length that is not a multiple of
    ``digest_size``; pass the result to a ``verify_*`` function, which checks
    the rest.
    """
    if digest_size <= 0:
        raise ValueError("digest_size must be positive")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("proof is not valid base64") from exc
    if len(raw) % digest_size:
        raise ValueError(f"proof length {len(raw)} is not a multiple of {digest_size}")
    return [raw[i : i + digest_size] for i in range(0, len(raw), digest_size)]
