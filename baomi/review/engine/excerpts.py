"""Step 3c: from shared grams to excerpts.

A planted excerpt shows up as a run of hits in one source document whose offset (source
position − manuscript position) stays nearly constant: an inserted or deleted character moves
it by one. Hits are grouped by document and offset (neighbours in offset order at most `drift`
apart), then split where the manuscript positions leave a gap wider than `gap`; a group with at
least `min_hits` hits is an excerpt. Chance hits have unrelated offsets and stay alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .index import Hits


@dataclass(frozen=True, slots=True)
class Grouping:
    """How hits become excerpts."""

    drift: int = 12
    #: 40 split long excerpts where a boilerplate phrase in the source left no hit
    gap: int = 60
    #: 3 (and 4) let chance runs of 7-9 characters shared with unrelated text through
    min_hits: int = 5


@dataclass(frozen=True, slots=True)
class Excerpt:
    """A span of the manuscript (normalized positions) found in a source document's span
    (normalized positions of the source), with the share of its characters covered by shared
    grams (1.0 for a verbatim copy)."""

    start: int
    end: int
    document: int
    source_start: int
    source_end: int
    hits: int
    similarity: float


def group(hits: Hits, k: int, rules: Grouping | None = None) -> list[Excerpt]:
    """The excerpts among `hits`, strongest first; of two excerpts covering mostly the same
    manuscript span the weaker is dropped unless it is nearly as strong."""
    rules = rules or Grouping()
    if len(hits) < rules.min_hits:
        return []
    offset = hits.source_at - hits.at
    order = np.lexsort((offset, hits.document))
    doc, off = hits.document[order], offset[order]
    split = np.r_[True, (doc[1:] != doc[:-1]) | (np.diff(off) > rules.drift)]
    band = np.cumsum(split)
    at = hits.at[order]
    source = hits.source_at[order]
    second = np.lexsort((at, band))
    band, at, source, doc = band[second], at[second], source[second], doc[second]
    split = np.r_[True, (band[1:] != band[:-1]) | (np.diff(at) > rules.gap)]
    cluster = np.cumsum(split) - 1
    sizes = np.bincount(cluster)
    found = []
    for c in np.flatnonzero(sizes >= rules.min_hits):
        members = cluster == c
        positions = np.unique(at[members])
        if len(positions) < rules.min_hits:
            continue
        start, end = int(positions[0]), int(positions[-1]) + k
        found.append(
            Excerpt(
                start=start,
                end=end,
                document=int(doc[members][0]),
                source_start=int(source[members].min()),
                source_end=int(source[members].max()) + k,
                hits=len(positions),
                similarity=_covered(positions, k) / (end - start),
            )
        )
    return _strongest(found)


def _covered(positions: np.ndarray, k: int) -> int:
    """Characters covered by grams of length k starting at the sorted `positions`."""
    return int(np.minimum(np.diff(positions), k).sum()) + k


def _strongest(found: list[Excerpt]) -> list[Excerpt]:
    kept: list[Excerpt] = []
    for e in sorted(found, key=lambda e: (-e.hits, e.start, e.document)):
        shadowed = any(
            min(e.end, s.end) - max(e.start, s.start) > (e.end - e.start) / 2
            and e.hits * 2 < s.hits
            for s in kept
        )
        if not shadowed:
            kept.append(e)
    return kept
