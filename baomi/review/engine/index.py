"""Step 3b: the fingerprint index of registered documents, on disk, memory-mapped.

The index is a set of immutable segments, each three sorted arrays over its distinct
fingerprint hashes (hash, number of documents holding it, first posting) and two posting
arrays (document, position), all `.npy` files opened with mmap. Adding documents writes a new
segment; removing one records the document as dead and, for each of its hashes, one document
less. A search therefore sees exactly the live documents: the number of documents holding a
hash, which decides whether it is boilerplate, is the sum over the segments less the dead, the
same number a rebuild from the live documents computes. Compaction merges the segments and
drops the dead postings; a rebuild and an incrementally grown index give identical results.

About 8 bytes per posting plus 20 per distinct hash: under 32 bytes per fingerprint.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .fingerprints import Shape, fingerprints, gram_hashes
from .normalize import normalize

FORMAT = 1
#: merge the small segments once there are more than this many
MAX_SEGMENTS = 8

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Hits:
    """Shared grams: manuscript gram position, source document and its fingerprint position."""

    at: I64
    document: I64
    source_at: I64

    def __len__(self) -> int:
        return len(self.at)


class Segment:
    """One immutable run of the index, memory-mapped from its folder."""

    ARRAYS = ("hashes", "df", "starts", "documents", "positions")

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.hashes: U64 = np.load(folder / "hashes.npy", mmap_mode="r")
        self.df: npt.NDArray[np.uint32] = np.load(folder / "df.npy", mmap_mode="r")
        self.starts: npt.NDArray[np.uint64] = np.load(folder / "starts.npy", mmap_mode="r")
        self.documents: npt.NDArray[np.uint32] = np.load(folder / "documents.npy", mmap_mode="r")
        self.positions: npt.NDArray[np.uint32] = np.load(folder / "positions.npy", mmap_mode="r")

    @property
    def postings(self) -> int:
        return len(self.documents)

    @property
    def nbytes(self) -> int:
        return sum(getattr(self, name).nbytes for name in self.ARRAYS)

    @staticmethod
    def write(folder: Path, hashes: U64, documents: I64, positions: I64) -> Segment:
        """Write postings (in any order) as a segment: sorted by hash, then document, then
        position, with the distinct hashes, their document counts and first postings."""
        order = np.lexsort((positions, documents, hashes))
        hashes, documents, positions = hashes[order], documents[order], positions[order]
        if len(hashes):
            new_hash = np.r_[True, hashes[1:] != hashes[:-1]]
            new_pair = new_hash | np.r_[True, documents[1:] != documents[:-1]]
        else:
            new_hash = new_pair = np.zeros(0, dtype=bool)
        firsts = np.flatnonzero(new_hash)
        # documents per hash: distinct (hash, document) pairs counted per hash
        pair_owner = np.cumsum(new_hash)[new_pair] - 1
        df = np.bincount(pair_owner, minlength=len(firsts)).astype(np.uint32)
        folder.mkdir(parents=True)
        arrays = {
            "hashes": hashes[firsts].astype(np.uint64),
            "df": df,
            "starts": np.r_[firsts, len(hashes)].astype(np.uint64),
            "documents": documents.astype(np.uint32),
            "positions": positions.astype(np.uint32),
        }
        for name, array in arrays.items():
            np.save(folder / f"{name}.npy", array)
        return Segment(folder)

    def lookup(self, hashes: U64) -> tuple[I64, npt.NDArray[np.bool_]]:
        """For each (sorted, distinct) query hash: its row here and whether it is present."""
        rows = np.searchsorted(self.hashes, hashes)
        present = rows < len(self.hashes)
        present[present] = self.hashes[rows[present]] == hashes[present]
        return rows, present

    def document_hashes(self, document: int) -> U64:
        """The distinct hashes the document contributed to this segment."""
        at = np.flatnonzero(self.documents == document)
        rows = np.searchsorted(self.starts, at, side="right") - 1
        return np.unique(self.hashes[rows])


class FingerprintIndex:
    """The fingerprints of every registered document whose text Baomi may hold."""

    def __init__(self, folder: str | os.PathLike[str], shape: Shape | None = None) -> None:
        self.folder = Path(folder)
        self.shape = shape or Shape()
        if not (self.folder / "manifest.json").exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            self._next = 1
            self.segments: list[Segment] = []
            self._save_manifest()
        self._read_state()
        if shape is not None and shape != self.shape:
            raise ValueError(f"the index at {folder} was built with {self.shape}")

    # -- persistence --------------------------------------------------------------------------

    def _read_state(self) -> None:
        state = json.loads((self.folder / "manifest.json").read_text())
        if state["format"] != FORMAT:
            raise ValueError(f"index format {state['format']} is not {FORMAT}: rebuild it")
        self.shape = Shape(state["k"], state["w"])
        self._next = int(state["next"])
        self.segments = [Segment(self.folder / name) for name in state["segments"]]
        self.live: I64 = self._load("live")
        self.dead: I64 = self._load("dead")
        self.removed_hashes: U64 = self._load("removed_hashes", np.uint64)
        self.removed_counts: I64 = self._load("removed_counts")

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """One writer at a time, across processes, each starting from the state on disk."""
        with open(self.folder / "lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                self._read_state()
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _load(self, name: str, dtype: type = np.int64) -> Any:
        path = self.folder / f"{name}.npy"
        return np.load(path) if path.exists() else np.empty(0, dtype=dtype)

    def _save_manifest(self) -> None:
        state = {
            "format": FORMAT,
            "k": self.shape.k,
            "w": self.shape.w,
            "next": self._next,
            "segments": [s.folder.name for s in self.segments],
        }
        tmp = self.folder / "manifest.json.tmp"
        tmp.write_text(json.dumps(state))
        tmp.replace(self.folder / "manifest.json")  # atomic: a reader sees one state or the other

    def _save_state(self) -> None:
        for name in ("live", "dead", "removed_hashes", "removed_counts"):
            np.save(self.folder / f"{name}.npy", getattr(self, name))
        self._save_manifest()

    def _new_folder(self) -> Path:
        folder = self.folder / f"s{self._next:08d}"
        self._next += 1
        return folder

    # -- changes ------------------------------------------------------------------------------

    def add(self, documents: Iterable[tuple[int, str]]) -> int:
        """Index documents (id, text) as one new segment; a document already indexed is
        replaced. Returns how many were added."""
        batch = list(documents)
        if not batch:
            return 0
        with self._writing():
            added = self._add(batch)
        return added

    def _add(self, batch: list[tuple[int, str]]) -> int:
        ids = np.array([d for d, _ in batch], dtype=np.int64)
        if len(np.unique(ids)) != len(ids):
            raise ValueError("a document appears twice in one batch")
        again = ids[np.isin(ids, self.live)]
        if len(again):
            self._remove(again)
        if np.isin(ids, self.dead).any():
            self._compact()  # the dead postings of a re-added document must go first
        parts = [self._postings(d, text) for d, text in batch]
        hashes = np.concatenate([p[0] for p in parts])
        docs = np.concatenate([p[1] for p in parts])
        positions = np.concatenate([p[2] for p in parts])
        self.segments.append(Segment.write(self._new_folder(), hashes, docs, positions))
        self.live = np.union1d(self.live, ids)
        self._save_state()
        if len(self.segments) > MAX_SEGMENTS:
            self._merge_small()
        return len(batch)

    def _postings(self, document: int, text: str) -> tuple[U64, I64, I64]:
        hashes, positions = fingerprints(normalize(text).codes, self.shape)
        return hashes, np.full(len(hashes), document, dtype=np.int64), positions

    def remove(self, documents: Iterable[int]) -> int:
        """Drop documents (declassified, destroyed, content withdrawn); unknown ids are
        ignored. Returns how many were removed."""
        with self._writing():
            ids = np.intersect1d(np.fromiter(documents, dtype=np.int64), self.live)
            return self._remove(ids) if len(ids) else 0

    def _remove(self, ids: I64) -> int:
        lost = np.concatenate([s.document_hashes(int(d)) for d in ids for s in self.segments])
        # one document less for each hash a removed document held, added to the earlier tally
        hashes = np.concatenate([self.removed_hashes, lost]).astype(np.uint64)
        weights = np.concatenate([self.removed_counts, np.ones(len(lost), dtype=np.int64)])
        self.removed_hashes, inverse = np.unique(hashes, return_inverse=True)
        self.removed_counts = np.bincount(inverse, weights=weights).astype(np.int64)
        self.live = np.setdiff1d(self.live, ids)
        self.dead = np.union1d(self.dead, ids)
        self._save_state()
        return len(ids)

    def compact(self) -> None:
        """Merge every segment into one without the dead documents."""
        with self._writing():
            self._compact()

    def _compact(self) -> None:
        self._merge(self.segments, drop_dead=True)
        self.dead = np.empty(0, dtype=np.int64)
        self.removed_hashes = np.empty(0, dtype=np.uint64)
        self.removed_counts = np.empty(0, dtype=np.int64)
        self._save_state()

    def _merge_small(self) -> None:
        """Merge all segments but the largest (dead postings stay until `compact`)."""
        if len(self.segments) < 3:
            return
        largest = max(self.segments, key=lambda s: s.postings)
        self._merge([s for s in self.segments if s is not largest], drop_dead=False)
        self._save_state()

    def _merge(self, chosen: list[Segment], *, drop_dead: bool) -> None:
        if not chosen:
            return
        hashes, docs, positions = [], [], []
        for s in chosen:
            owners = np.repeat(np.asarray(s.hashes), np.diff(np.asarray(s.starts)).astype(np.int64))
            keep = ~np.isin(s.documents, self.dead) if drop_dead else slice(None)
            hashes.append(owners[keep])
            docs.append(np.asarray(s.documents, dtype=np.int64)[keep])
            positions.append(np.asarray(s.positions, dtype=np.int64)[keep])
        merged = Segment.write(
            self._new_folder(),
            np.concatenate(hashes),
            np.concatenate(docs),
            np.concatenate(positions),
        )
        rest = [s for s in self.segments if s not in chosen]
        self.segments = [*rest, merged]
        self._save_manifest()
        for s in chosen:
            shutil.rmtree(s.folder)

    @classmethod
    def rebuild(
        cls,
        folder: str | os.PathLike[str],
        documents: Iterable[tuple[int, str]],
        shape: Shape | None = None,
        batch: int = 2_000,
    ) -> FingerprintIndex:
        """A fresh index of `documents`, replacing whatever is at `folder`, as one segment."""
        target = Path(folder)
        fresh = target.with_name(target.name + ".rebuilding")
        shutil.rmtree(fresh, ignore_errors=True)
        index = cls(fresh, shape)
        chunk: list[tuple[int, str]] = []
        for document in documents:
            chunk.append(document)
            if len(chunk) >= batch:
                index.add(chunk)
                chunk = []
        index.add(chunk)
        index._merge(index.segments, drop_dead=True)
        shutil.rmtree(target, ignore_errors=True)
        fresh.rename(target)
        return cls(target)

    # -- reading ------------------------------------------------------------------------------

    @property
    def fingerprints(self) -> int:
        return sum(s.postings for s in self.segments)

    @property
    def nbytes(self) -> int:
        return sum(s.nbytes for s in self.segments)

    def document_counts(self, hashes: U64) -> I64:
        """How many live documents hold each of the sorted, distinct `hashes`."""
        df = np.zeros(len(hashes), dtype=np.int64)
        for s in self.segments:
            rows, present = s.lookup(hashes)
            df[present] += s.df[rows[present]]
        if len(self.removed_hashes):
            rows = np.searchsorted(self.removed_hashes, hashes)
            ok = rows < len(self.removed_hashes)
            ok[ok] = self.removed_hashes[rows[ok]] == hashes[ok]
            df[ok] -= self.removed_counts[rows[ok]]
        return df

    def hits(self, codes: npt.NDArray[np.uint32], max_documents: int) -> Hits:
        """Every gram of the normalized manuscript `codes` that is a fingerprint of a live
        document, unless more than `max_documents` documents hold it (boilerplate)."""
        grams = gram_hashes(codes, self.shape.k)
        if not len(grams) or not self.segments:
            empty = np.empty(0, dtype=np.int64)
            return Hits(empty, empty, empty)
        distinct, inverse = np.unique(grams, return_inverse=True)
        df = self.document_counts(distinct)
        wanted = np.flatnonzero((df >= 1) & (df <= max_documents))
        if not len(wanted):
            empty = np.empty(0, dtype=np.int64)
            return Hits(empty, empty, empty)
        # postings of the wanted hashes, from every segment, with the hash they belong to
        owners, docs, positions = [], [], []
        for s in self.segments:
            rows, present = s.lookup(distinct[wanted])
            got = wanted[present]
            rows = rows[present]
            first = np.asarray(s.starts[rows], dtype=np.int64)
            count = np.asarray(s.starts[rows + 1], dtype=np.int64) - first
            at = _ranges(first, count)
            owners.append(np.repeat(got, count))
            docs.append(np.asarray(s.documents[at], dtype=np.int64))
            positions.append(np.asarray(s.positions[at], dtype=np.int64))
        owner = np.concatenate(owners)
        doc = np.concatenate(docs)
        position = np.concatenate(positions)
        if len(self.dead):
            alive = ~np.isin(doc, self.dead)
            owner, doc, position = owner[alive], doc[alive], position[alive]
        # pair each posting with every manuscript position of its gram
        order = np.argsort(inverse, kind="stable")
        per_gram = np.bincount(inverse, minlength=len(distinct))
        first_at = np.r_[0, np.cumsum(per_gram)[:-1]]
        repeat = per_gram[owner]
        posting = np.repeat(np.arange(len(owner)), repeat)
        within = np.arange(len(posting)) - np.repeat(np.cumsum(repeat) - repeat, repeat)
        at = order[first_at[owner[posting]] + within]
        return Hits(at.astype(np.int64), doc[posting], position[posting])


def _ranges(first: I64, count: I64) -> I64:
    """The indices first[i] .. first[i] + count[i] − 1 of every i, concatenated."""
    total = int(count.sum())
    if not total:
        return np.empty(0, dtype=np.int64)
    shift = np.repeat(first - (np.cumsum(count) - count), count)
    return shift + np.arange(total)
