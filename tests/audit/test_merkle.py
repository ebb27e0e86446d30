"""Tests for baomi.audit.merkle against RFC 6962 / RFC 9162 and published CT test vectors."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from baomi.audit.merkle import (
    Hasher,
    MerkleTree,
    decode_proof,
    empty_root,
    encode_proof,
    get_hasher,
    leaf_hash,
    node_hash,
    verify_consistency,
    verify_inclusion,
)

# ---------------------------------------------------------------------- naive RFC reference


def _split(n: int) -> int:
    """Largest power of two strictly less than n (n > 1), computed the slow, obvious way."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(entries: list[bytes], alg: str = "sha256") -> bytes:
    """MTH(D[n]) exactly as RFC 6962 2.1 defines it, recursively."""

    def h(data: bytes) -> bytes:
        return hashlib.new(alg, data).digest()

    if not entries:
        return h(b"")
    if len(entries) == 1:
        return h(b"\x00" + entries[0])
    k = _split(len(entries))
    return h(b"\x01" + ref_mth(entries[:k], alg) + ref_mth(entries[k:], alg))


def ref_path(m: int, entries: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) from RFC 6962 2.1.1."""
    n = len(entries)
    if n == 1:
        return []
    k = _split(n)
    if m < k:
        return [*ref_path(m, entries[:k]), ref_mth(entries[k:])]
    return [*ref_path(m - k, entries[k:]), ref_mth(entries[:k])]


def ref_subproof(m: int, entries: list[bytes], b: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b) from RFC 6962 2.1.2."""
    n = len(entries)
    if m == n:
        return [] if b else [ref_mth(entries)]
    k = _split(n)
    if m <= k:
        return [*ref_subproof(m, entries[:k], b), ref_mth(entries[k:])]
    return [*ref_subproof(m - k, entries[k:], False), ref_mth(entries[:k])]


def ref_proof(m: int, entries: list[bytes]) -> list[bytes]:
    """PROOF(m, D[n]) for 0 < m < n."""
    return ref_subproof(m, entries, True)


def entries_for(n: int, tag: bytes = b"e") -> list[bytes]:
    """n distinct 32-byte entries, like Baomi's event chain hashes."""
    return [hashlib.sha256(tag + i.to_bytes(4, "big")).digest() for i in range(n)]


# ---------------------------------------------------------------------- published vectors
# Certificate Transparency test corpus (certificate-transparency C++/Go test suites,
# transparency-dev/merkle testonly/constants.go and proof/verify_test.go).

CT_LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
]
CT_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# (leaf index, tree size, audit path)
CT_INCLUSION = [
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
# (old size, new size, consistency proof)
CT_CONSISTENCY = [
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]

CT_TREE = MerkleTree(CT_LEAVES)


def _hexes(hashes: list[bytes]) -> list[str]:
    return [h.hex() for h in hashes]


# ---------------------------------------------------------------------- known answers


def test_empty_tree_root_is_hash_of_empty_string() -> None:
    expected = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert MerkleTree([]).root().hex() == expected
    assert MerkleTree([]).size == 0
    assert empty_root().hex() == expected
    assert CT_TREE.root(0).hex() == expected


def test_leaf_and_node_hash_domain_separation() -> None:
    assert leaf_hash(b"abc") == hashlib.sha256(b"\x00abc").digest()
    assert (
        node_hash(b"L" * 32, b"R" * 32) == hashlib.sha256(b"\x01" + b"L" * 32 + b"R" * 32).digest()
    )
    # A leaf can never collide with an interior node over the same bytes.
    assert leaf_hash(b"L" * 32 + b"R" * 32) != node_hash(b"L" * 32, b"R" * 32)


@pytest.mark.parametrize("size", range(len(CT_LEAVES) + 1))
def test_ct_vector_roots(size: int) -> None:
    assert MerkleTree(CT_LEAVES[:size]).root().hex() == CT_ROOTS[size]
    assert CT_TREE.root(size).hex() == CT_ROOTS[size]
    assert ref_mth(CT_LEAVES[:size]).hex() == CT_ROOTS[size]


@pytest.mark.parametrize(("index", "size", "path"), CT_INCLUSION)
def test_ct_vector_inclusion_proofs(index: int, size: int, path: list[str]) -> None:
    assert _hexes(CT_TREE.inclusion_proof(index, size)) == path
    root = bytes.fromhex(CT_ROOTS[size])
    proof = [bytes.fromhex(p) for p in path]
    assert verify_inclusion(leaf_hash(CT_LEAVES[index]), index, size, proof, root)


@pytest.mark.parametrize(("old", "new", "path"), CT_CONSISTENCY)
def test_ct_vector_consistency_proofs(old: int, new: int, path: list[str]) -> None:
    assert _hexes(CT_TREE.consistency_proof(old, new)) == path
    proof = [bytes.fromhex(p) for p in path]
    old_root, new_root = bytes.fromhex(CT_ROOTS[old]), bytes.fromhex(CT_ROOTS[new])
    assert verify_consistency(old, new, old_root, new_root, proof)


def test_ct_vector_stored_nodes_match_published_node_hashes() -> None:
    # Level 1 of the 8-leaf tree (testonly.NodeHashes()[1]).
    level1 = [CT_TREE._subtree(2 * i, 2 * i + 2).hex() for i in range(4)]
    assert level1 == [
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    ]


@pytest.mark.parametrize("n", [*range(1, 70), 127, 128, 129, 255, 256, 257, 1000, 1025])
def test_root_matches_recursive_reference(n: int) -> None:
    # The carry-up-the-odd-node build must agree with RFC 6962's split at the
    # largest power of two, for every shape of the right border.
    entries = entries_for(n)
    assert MerkleTree(entries).root() == ref_mth(entries)


def test_exhaustive_small_trees_against_reference() -> None:
    # Every (index, size) and (old, new) pair up to 33 leaves, including all the
    # historical sizes of one stored tree.
    entries = entries_for(33)
    tree = MerkleTree(entries)
    for size in range(1, 34):
        prefix = entries[:size]
        root = ref_mth(prefix)
        assert tree.root(size) == root
        for index in range(size):
            path = tree.inclusion_proof(index, size)
            assert path == ref_path(index, prefix)
            assert verify_inclusion(leaf_hash(entries[index]), index, size, path, root)
        for old in range(1, size):
            proof = tree.consistency_proof(old, size)
            assert proof == ref_proof(old, prefix)
            assert verify_consistency(old, size, ref_mth(entries[:old]), root, proof)


def test_from_leaf_hashes_equals_from_entries() -> None:
    entries = entries_for(77)
    a = MerkleTree(entries)
    b = MerkleTree.from_leaf_hashes([leaf_hash(e) for e in entries])
    assert a.root() == b.root()
    assert a.inclusion_proof(40) == b.inclusion_proof(40)
    assert b.leaf_hash_at(5) == leaf_hash(entries[5])
    with pytest.raises(ValueError):
        MerkleTree.from_leaf_hashes([b"short"])


def test_argument_errors_from_tree() -> None:
    tree = MerkleTree(entries_for(5))
    with pytest.raises(ValueError):
        tree.root(6)
    with pytest.raises(ValueError):
        tree.root(-1)
    with pytest.raises(ValueError):
        tree.inclusion_proof(5)
    with pytest.raises(ValueError):
        tree.inclusion_proof(3, 3)
    with pytest.raises(ValueError):
        tree.consistency_proof(4, 3)
    with pytest.raises(ValueError):
        tree.consistency_proof(1, 6)
    with pytest.raises(IndexError):
        tree.leaf_hash_at(5)
    with pytest.raises(ValueError):
        MerkleTree([], alg="no-such-hash")
    with pytest.raises(ValueError):
        Hasher("shake_128")  # XOF: no fixed digest size
    assert tree.consistency_proof(0) == []
    assert tree.consistency_proof(5) == []
    assert len(tree) == tree.size == 5


# ---------------------------------------------------------------------- property tests

sizes = st.integers(min_value=1, max_value=300)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), n=sizes)
def test_inclusion_proofs_verify_for_historical_sizes(data: st.DataObject, n: int) -> None:
    entries = entries_for(n)
    tree = MerkleTree(entries)
    size = data.draw(st.integers(min_value=1, max_value=n), label="size")
    index = data.draw(st.integers(min_value=0, max_value=size - 1), label="index")
    proof = tree.inclusion_proof(index, size)
    assert verify_inclusion(leaf_hash(entries[index]), index, size, proof, tree.root(size))
    # The proof for the historical size is the one a tree of that size would give.
    assert proof == MerkleTree(entries[:size]).inclusion_proof(index)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), n=sizes)
def test_consistency_proofs_verify(data: st.DataObject, n: int) -> None:
    entries = entries_for(n)
    tree = MerkleTree(entries)
    new = data.draw(st.integers(min_value=0, max_value=n), label="new")
    old = data.draw(st.integers(min_value=0, max_value=new), label="old")
    proof = tree.consistency_proof(old, new)
    assert verify_consistency(old, new, tree.root(old), tree.root(new), proof)
    if 0 < old < new:
        assert proof == ref_proof(old, entries[:new])


@settings(max_examples=100, deadline=None)
@given(data=st.data(), n=sizes)
def test_historical_root_equals_fresh_tree(data: st.DataObject, n: int) -> None:
    entries = entries_for(n)
    tree = MerkleTree(entries)
    size = data.draw(st.integers(min_value=0, max_value=n), label="size")
    assert tree.root(size) == MerkleTree(entries[:size]).root()


@settings(max_examples=100, deadline=None)
@given(proof=st.lists(st.binary(min_size=32, max_size=32), max_size=25))
def test_encode_decode_round_trip(proof: list[bytes]) -> None:
    text = encode_proof(proof)
    assert decode_proof(text) == proof
    assert text.isascii()


# ---------------------------------------------------------------------- failure cases


def _flip(h: bytes, bit: int = 0) -> bytes:
    return bytes([h[0] ^ (1 << bit)]) + h[1:]


@pytest.fixture(scope="module")
def tree37() -> tuple[list[bytes], MerkleTree]:
    entries = entries_for(37)
    return entries, MerkleTree(entries)


@pytest.mark.parametrize(("index", "size"), [(0, 37), (13, 37), (36, 37), (20, 21), (7, 16)])
def test_inclusion_rejects_tampering(
    tree37: tuple[list[bytes], MerkleTree], index: int, size: int
) -> None:
    entries, tree = tree37
    root = tree.root(size)
    leaf = leaf_hash(entries[index])
    proof = tree.inclusion_proof(index, size)
    assert verify_inclusion(leaf, index, size, proof, root)

    # Tampered leaf: a changed entry, the raw entry instead of its leaf hash.
    assert not verify_inclusion(leaf_hash(_flip(entries[index])), index, size, proof, root)
    assert not verify_inclusion(entries[index], index, size, proof, root)
    # Wrong index (and wrong size).
    for wrong in {index - 1, index + 1, index ^ 1, index ^ 2} - {index}:
        if 0 <= wrong < size:
            assert not verify_inclusion(leaf, wrong, size, proof, root), wrong
    # Wrong tree height (size + 1 is not a failure case in general: see
    # test_proofs_do_not_bind_the_tree_size).
    assert not verify_inclusion(leaf, index, 2 * size, proof, root)
    assert not verify_inclusion(leaf, index, size // 2, proof, root)
    # Truncated, extended, reordered proofs.
    assert not verify_inclusion(leaf, index, size, proof[:-1], root)
    assert not verify_inclusion(leaf, index, size, proof[1:], root)
    assert not verify_inclusion(leaf, index, size, [*proof, root], root)
    assert not verify_inclusion(leaf, index, size, [root, *proof], root)
    if len(proof) > 1:
        assert not verify_inclusion(leaf, index, size, proof[::-1], root)
    # Any single flipped bit in any proof element.
    for i in range(len(proof)):
        for bit in (0, 3, 7):
            bad = list(proof)
            bad[i] = _flip(bad[i], bit)
            assert not verify_inclusion(leaf, index, size, bad, root), (i, bit)
    # Against a different root: another size's, the empty tree's, a bit-flipped one.
    assert not verify_inclusion(leaf, index, size, proof, tree.root(37 if size != 37 else 36))
    assert not verify_inclusion(leaf, index, size, proof, empty_root())
    assert not verify_inclusion(leaf, index, size, proof, _flip(root))


@pytest.mark.parametrize(("old", "new"), [(1, 37), (5, 37), (16, 37), (36, 37), (7, 8), (3, 21)])
def test_consistency_rejects_tampering(
    tree37: tuple[list[bytes], MerkleTree], old: int, new: int
) -> None:
    _, tree = tree37
    r1, r2 = tree.root(old), tree.root(new)
    proof = tree.consistency_proof(old, new)
    assert verify_consistency(old, new, r1, r2, proof)

    for wrong_old in {old - 1, old + 1, old ^ 2} - {old}:
        if 0 < wrong_old < new:
            assert not verify_consistency(wrong_old, new, r1, r2, proof), wrong_old
    assert not verify_consistency(old, 2 * new, r1, r2, proof)
    assert not verify_consistency(old, new // 2, r1, r2, proof)
    assert not verify_consistency(old, new, r2, r1, proof)  # swapped roots
    assert not verify_consistency(old, new, _flip(r1), r2, proof)
    assert not verify_consistency(old, new, r1, _flip(r2), proof)
    assert not verify_consistency(old, new, r1, r2, [])
    assert not verify_consistency(old, new, r1, r2, proof[:-1])
    assert not verify_consistency(old, new, r1, r2, proof[1:])
    assert not verify_consistency(old, new, r1, r2, [*proof, r2])
    assert not verify_consistency(old, new, r1, r2, [r1, *proof])
    assert not verify_consistency(old, new, r1, r2, [proof[0], *proof])
    for i in range(len(proof)):
        for bit in (0, 4, 7):
            bad = list(proof)
            bad[i] = _flip(bad[i], bit)
            assert not verify_consistency(old, new, r1, r2, bad), (i, bit)


@pytest.mark.parametrize(("shared", "total"), [(1, 2), (4, 9), (7, 8), (13, 40), (32, 33)])
def test_forked_log_fails_consistency(shared: int, total: int) -> None:
    # Two logs agree on the first `shared` events, then diverge.
    common = entries_for(shared)
    log_a = MerkleTree(common + entries_for(total - shared, b"a"))
    log_b = MerkleTree(common + entries_for(total - shared, b"b"))
    old_root = log_a.root(shared)
    assert old_root == log_b.root(shared)
    assert log_a.root() != log_b.root()

    proof_a = log_a.consistency_proof(shared)
    proof_b = log_b.consistency_proof(shared)
    assert verify_consistency(shared, total, old_root, log_a.root(), proof_a)
    assert verify_consistency(shared, total, old_root, log_b.root(), proof_b)
    # A's proof does not carry B's root, and vice versa.
    assert not verify_consistency(shared, total, old_root, log_b.root(), proof_a)
    assert not verify_consistency(shared, total, old_root, log_a.root(), proof_b)
    # And B cannot pass itself off as an extension of a point where A had already diverged.
    if shared + 1 < total:
        fork_point = shared + 1
        proof = log_b.consistency_proof(fork_point)
        assert not verify_consistency(
            fork_point, total, log_a.root(fork_point), log_b.root(), proof
        )


def test_proofs_do_not_bind_the_tree_size() -> None:
    # Inherent to RFC 6962/9162, not a bug: proof elements are opaque hashes, so a
    # proof can also check out for a neighbouring size whose path has the same
    # shape (here the top sibling MTH(D[32:37]) is read as if it were
    # MTH(D[32:38])). The size must therefore come from the signed checkpoint,
    # never from the prover.
    entries = entries_for(37)
    tree = MerkleTree(entries)
    proof = tree.inclusion_proof(0)
    assert verify_inclusion(leaf_hash(entries[0]), 0, 38, proof, tree.root())
    cproof = tree.consistency_proof(3, 21)
    assert verify_consistency(3, 22, tree.root(3), tree.root(21), cproof)


def test_verify_inclusion_never_raises_on_malformed_input() -> None:
    tree = MerkleTree(entries_for(8))
    leaf, root = tree.leaf_hash_at(3), tree.root()
    proof = tree.inclusion_proof(3)
    assert verify_inclusion(leaf, 3, 8, proof, root)
    bad_calls: list[tuple[object, ...]] = [
        (leaf, 8, 8, proof, root),  # index == size
        (leaf, 9, 8, proof, root),  # index > size
        (leaf, -1, 8, proof, root),
        (leaf, 0, 0, [], root),  # empty tree has no leaves
        (leaf, 3, -8, proof, root),
        (leaf, 3.0, 8, proof, root),
        (leaf, True, 8, proof, root),
        (leaf, "3", 8, proof, root),
        (leaf, None, None, proof, root),
        (leaf[:31], 3, 8, proof, root),  # non-32-byte leaf
        (leaf + b"\x00", 3, 8, proof, root),
        (leaf, 3, 8, proof, root[:31]),
        (leaf.hex(), 3, 8, proof, root),
        (leaf, 3, 8, [p[:31] for p in proof], root),
        (leaf, 3, 8, [*proof[:-1], b""], root),
        (leaf, 3, 8, [*proof[:-1], None], root),
        (leaf, 3, 8, None, root),
        (leaf, 3, 8, "not a proof", root),
        (leaf, 3, 8, b"".join(proof), root),
        (leaf, 3, 8, proof * 40, root),
    ]
    for args in bad_calls:
        assert verify_inclusion(*args) is False, args  # type: ignore[arg-type]
    assert verify_inclusion(leaf, 3, 8, proof, root, alg="no-such-hash") is False
    assert verify_inclusion(leaf, 3, 8, proof, root, alg=None) is False  # type: ignore[arg-type]


def test_verify_consistency_edge_cases_and_malformed_input() -> None:
    tree = MerkleTree(entries_for(8))
    empty = empty_root()
    r3, r8 = tree.root(3), tree.root(8)
    proof = tree.consistency_proof(3, 8)
    assert verify_consistency(3, 8, r3, r8, proof)

    # old_size == new_size: empty proof and equal roots.
    assert verify_consistency(8, 8, r8, r8, [])
    assert not verify_consistency(8, 8, r8, r3, [])
    assert not verify_consistency(8, 8, r8, r8, [r8])
    # old_size == 0: everything extends the empty tree, whose root is H("").
    assert verify_consistency(0, 8, empty, r8, [])
    assert verify_consistency(0, 0, empty, empty, [])
    assert not verify_consistency(0, 8, r3, r8, [])
    assert not verify_consistency(0, 8, empty, r8, [empty])
    assert not verify_consistency(0, 0, empty, r8, [])

    bad_calls: list[tuple[object, ...]] = [
        (8, 3, r8, r3, proof),  # old_size > new_size
        (-1, 8, r3, r8, proof),
        (3, -8, r3, r8, proof),
        (3.0, 8, r3, r8, proof),
        (None, 8, r3, r8, proof),
        (3, 8, r3[:31], r8, proof),
        (3, 8, r3, r8 + b"\x00", proof),
        (3, 8, r3.hex(), r8, proof),
        (3, 8, r3, r8, [p[:31] for p in proof]),
        (3, 8, r3, r8, [*proof[:-1], None]),
        (3, 8, r3, r8, None),
        (3, 8, r3, r8, encode_proof(proof)),
        (3, 8, r3, r8, proof * 40),
    ]
    for args in bad_calls:
        assert verify_consistency(*args) is False, args  # type: ignore[arg-type]
    assert verify_consistency(3, 8, r3, r8, proof, alg="no-such-hash") is False


def test_decode_rejects_malformed_text() -> None:
    proof = MerkleTree(entries_for(8)).inclusion_proof(2)
    text = encode_proof(proof)
    assert decode_proof(text) == proof
    assert decode_proof("") == []
    with pytest.raises(ValueError):
        decode_proof(text[:-4])  # 93 bytes: not a multiple of 32
    with pytest.raises(ValueError):
        decode_proof("not base64!")
    with pytest.raises(ValueError):
        decode_proof("ü")
    with pytest.raises(ValueError):
        encode_proof([proof[0], proof[1][:31]])


def test_encoded_proof_is_compact() -> None:
    # 20 hashes is the audit path length for a 1,000,000-leaf tree (2^19 < 10^6 <= 2^20).
    text = encode_proof([bytes(32)] * 20)
    assert len(text) == 856
    assert len(text) < 2048


# ---------------------------------------------------------------------- other hashes


def _has_sm3() -> bool:
    try:
        hashlib.new("sm3")
    except ValueError:
        return False
    return True


@pytest.mark.skipif(not _has_sm3(), reason="this OpenSSL build provides no SM3 via hashlib.new")
def test_sm3_variant() -> None:
    # Known answer: GB/T 32905-2016 appendix A, SM3("abc").
    assert hashlib.new("sm3", b"abc").hexdigest() == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )
    sm3 = get_hasher("sm3")
    assert sm3.digest_size == 32
    entries = entries_for(45)
    tree = MerkleTree(entries, alg="sm3")
    assert tree.root() == ref_mth(entries, "sm3")
    assert tree.root() != MerkleTree(entries).root()
    assert tree.root(0) == hashlib.new("sm3", b"").digest()
    assert leaf_hash(b"x", alg="sm3") == hashlib.new("sm3", b"\x00x").digest()

    proof = tree.inclusion_proof(17, 30)
    leaf = leaf_hash(entries[17], alg="sm3")
    assert verify_inclusion(leaf, 17, 30, proof, tree.root(30), alg="sm3")
    assert verify_inclusion(leaf, 17, 30, proof, tree.root(30), alg=sm3)
    assert not verify_inclusion(leaf, 17, 30, proof, tree.root(30))  # checked as SHA-256

    cproof = tree.consistency_proof(11, 45)
    assert verify_consistency(11, 45, tree.root(11), tree.root(), cproof, alg="sm3")
    assert not verify_consistency(11, 45, tree.root(11), tree.root(), cproof)


def test_non_32_byte_hash() -> None:
    # The tree is not tied to 32-byte digests: SHA-512 works end to end.
    entries = entries_for(19)
    tree = MerkleTree(entries, alg="sha512")
    assert tree.digest_size == 64
    assert tree.root() == ref_mth(entries, "sha512")
    proof = tree.inclusion_proof(9)
    leaf = leaf_hash(entries[9], alg="sha512")
    assert verify_inclusion(leaf, 9, 19, proof, tree.root(), alg="sha512")
    assert decode_proof(encode_proof(proof), digest_size=64) == proof
    assert not verify_inclusion(leaf[:32], 9, 19, [p[:32] for p in proof], tree.root()[:32])
