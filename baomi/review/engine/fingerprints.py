"""Step 3a: k-gram hashes and winnowing (Schleimer, Wilkerson and Aiken, SIGMOD 2003).

Every run of k normalized characters gets a 64-bit hash; in each window of w consecutive
hashes the smallest is a fingerprint (the rightmost on ties, so a run of equal minima counts
once). The paper's guarantee: two texts sharing a run of at least w + k − 1 characters share a
fingerprint, whatever surrounds the run; below k characters nothing is found.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

#: the default shape: k = 6 characters per gram, w = 4 grams per window, so any shared run of
#: 9 characters is found; an excerpt lightly edited (one change in ten) still keeps such runs.
#: Against k = 5, w = 5 (bench.review_scan, 20,000 documents): 6-grams are rarer, so fewer are
#: cut as boilerplate, and the denser fingerprints give an excerpt more hits, which lets
#: Grouping.min_hits rise to 5 (no chance finding in unrelated text) at 99.5 % recall of
#: 50-character excerpts with one edit in ten; 20 % more fingerprints.
K = 6
W = 4

_BASE = np.uint64(0x100000001B3)  # an odd multiplier (FNV's prime)
_MIX1 = np.uint64(0xFF51AFD7ED558CCD)
_MIX2 = np.uint64(0xC4CEB9FE1A85EC53)
_S33 = np.uint64(33)


@dataclass(frozen=True, slots=True)
class Shape:
    """How texts are cut into fingerprints: gram length k and window w."""

    k: int = K
    w: int = W

    @property
    def guaranteed(self) -> int:
        """The shortest shared run always detected."""
        return self.w + self.k - 1


def gram_hashes(codes: npt.NDArray[np.uint32], k: int) -> npt.NDArray[np.uint64]:
    """The hash of every k-gram of `codes` (len(codes) − k + 1 of them), mixed so that the
    minimum of a window is a fair sample."""
    n = len(codes) - k + 1
    if n <= 0:
        return np.empty(0, dtype=np.uint64)
    wide = codes.astype(np.uint64)
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            h = h * _BASE + wide[j : j + n]
        # murmur3's finalizer: neighbouring grams get unrelated hashes
        h ^= h >> _S33
        h *= _MIX1
        h ^= h >> _S33
        h *= _MIX2
        h ^= h >> _S33
    return h


def winnow(
    hashes: npt.NDArray[np.uint64], w: int
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
    """The fingerprints of a text: (hash, gram position) of each window's rightmost minimum,
    each position once, in position order."""
    n = len(hashes)
    if n == 0:
        return hashes, np.empty(0, dtype=np.int64)
    if n <= w:
        at = np.array([n - 1 - int(np.argmin(hashes[::-1]))], dtype=np.int64)
        return hashes[at], at
    windows = np.lib.stride_tricks.sliding_window_view(hashes, w)
    rightmost = (w - 1) - np.argmin(windows[:, ::-1], axis=1)
    positions = np.unique(rightmost + np.arange(len(rightmost)))
    return hashes[positions], positions


def fingerprints(
    codes: npt.NDArray[np.uint32], shape: Shape = Shape()
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
    """Winnowed (hash, position) pairs of a normalized text."""
    return winnow(gram_hashes(codes, shape.k), shape.w)
