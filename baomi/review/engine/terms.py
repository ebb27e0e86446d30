"""Step 2: term matching with one Aho-Corasick automaton over the UTF-8 bytes.

Terms (the secret-item catalog's, the organization's sensitive terms, the numbers of registered
classified documents, the notices of internal material) are normalized like the manuscript, so
"機密", "机 密" and "ｊｉ ｍｉ" forms all meet. Matching runs on bytes (ahocorasick_rs, the Rust
aho-corasick crate): UTF-8 is self-synchronizing, so a match starts and ends on character
boundaries, and byte offsets are turned back into characters with one search over the
characters' byte starts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import ahocorasick_rs
import numpy as np
import numpy.typing as npt

from .normalize import Normalized, normalize

#: a term shorter than this, once normalized, would match nearly everywhere
SHORTEST = 2


@dataclass(frozen=True, slots=True)
class Term:
    """A term to look for: its text, what kind it is, and what it refers to (an id)."""

    text: str
    kind: str
    ref: int | str | None = None


@dataclass(frozen=True, slots=True)
class TermHit:
    """Where a term was found: normalized and input positions, and every term it stands for."""

    start: int
    end: int
    source_start: int
    source_end: int
    terms: tuple[Term, ...] = field(default=())


def byte_starts(codes: npt.NDArray[np.uint32]) -> npt.NDArray[np.int64]:
    """The UTF-8 byte offset at which each character starts."""
    width = (
        1
        + (codes >= 0x80).astype(np.int64)
        + (codes >= 0x800).astype(np.int64)
        + (codes >= 0x10000).astype(np.int64)
    )
    return np.cumsum(width) - width


class TermMatcher:
    """Finds every term in a normalized text, leftmost-longest and without overlaps."""

    def __init__(self, terms: Iterable[Term]) -> None:
        by_pattern: dict[str, list[Term]] = {}
        for term in terms:
            pattern = normalize(term.text).text
            if len(pattern) >= SHORTEST:
                by_pattern.setdefault(pattern, []).append(term)
        self.patterns = list(by_pattern)
        self.terms = [tuple(by_pattern[p]) for p in self.patterns]
        self._automaton = (
            ahocorasick_rs.BytesAhoCorasick(
                [p.encode() for p in self.patterns],
                matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
            )
            if self.patterns
            else None
        )

    def __len__(self) -> int:
        return len(self.patterns)

    def find_bytes(self, haystack: bytes) -> list[tuple[int, int, int]]:
        """(pattern, start byte, end byte) of each match: the matcher alone."""
        if self._automaton is None:
            return []
        return self._automaton.find_matches_as_indexes(haystack)

    def find(self, text: Normalized) -> list[TermHit]:
        matches = self.find_bytes(text.text.encode())
        if not matches:
            return []
        found = np.array(matches, dtype=np.int64)
        starts = byte_starts(text.codes)
        first = np.searchsorted(starts, found[:, 1])
        after = np.searchsorted(starts, found[:, 2])
        return [
            TermHit(int(a), int(b), *text.source_span(int(a), int(b)), terms=self.terms[int(p)])
            for p, a, b in zip(found[:, 0], first, after, strict=True)
        ]
