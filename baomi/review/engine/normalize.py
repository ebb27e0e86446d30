"""Step 1: normalization that defeats the usual evasions and keeps a map back to the original.

Each character of the input becomes at most one character of the normalized text: NFKC
(full-width to half-width, compatibility forms), case folding, traditional to simplified
Chinese (OpenCC's character table), and removal of whitespace, punctuation, symbols and format
characters (zero-width spaces and joiners among them). A lookup table over the code points
does it for the whole text at once; `origin[i]` is the input position of normalized character
i, so every finding points back into the manuscript as the author wrote it.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from importlib import resources

import numpy as np
import numpy.typing as npt

#: code points below this go through the table; the few above are kept as they are
TABLE_SIZE = 0x30000
#: categories removed: punctuation, symbols, separators, control and format characters
REMOVED = frozenset(
    {"Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So"}
    | {"Zs", "Zl", "Zp", "Cc", "Cf", "Cs"}
)


@dataclass(frozen=True, slots=True)
class Normalized:
    """The normalized text, its code points, and for each of them the input position."""

    text: str
    codes: npt.NDArray[np.uint32]
    origin: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.text)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The input span covering normalized characters start..end (end exclusive)."""
        return int(self.origin[start]), int(self.origin[end - 1]) + 1


@functools.cache
def _simplified() -> dict[str, str]:
    """Traditional → simplified, one character each (OpenCC's TSCharacters, first choice)."""
    table = resources.files("opencc").joinpath("dictionary/TSCharacters.txt").read_text("utf-8")
    pairs = {}
    for line in table.splitlines():
        traditional, _, simplified = line.partition("\t")
        first = simplified.split(" ")[0]
        if len(traditional) == 1 and len(first) == 1:
            pairs[traditional] = first
    return pairs


def _fold(ch: str, simplified: dict[str, str]) -> str:
    out = []
    for c in unicodedata.normalize("NFKC", ch).casefold():
        if unicodedata.category(c) in REMOVED or c.isspace():
            continue
        out.append(simplified.get(c, c))
    return "".join(out)


@functools.cache
def _tables() -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]:
    """Two lookup tables over the code points.

    For matching: code point → normalized code point, 0 when removed. A character whose
    normalized form is several characters (ﬃ → ffi) keeps its first: both sides of a match
    are folded alike. For reading markings: the same folding, but every character stays (one
    removed becomes a space), so positions in the folded text are positions in the input.
    """
    simplified = _simplified()
    matching = np.zeros(TABLE_SIZE, dtype=np.uint32)
    reading = np.arange(TABLE_SIZE, dtype=np.uint32)
    for cp in range(TABLE_SIZE):
        ch = chr(cp)
        folded = _fold(ch, simplified)
        if folded:
            matching[cp] = ord(folded[0])
        if unicodedata.category(ch) in ("Cf", "Cc", "Cs") and not ch.isspace():
            reading[cp] = ord(" ")  # line breaks stay: a copy number stands on a line alone
            continue
        nfkc = unicodedata.normalize("NFKC", ch)
        if len(nfkc) == 1:
            reading[cp] = ord(simplified.get(nfkc, nfkc))
    return matching, reading


def _codes(text: str) -> npt.NDArray[np.uint32]:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _apply(table: npt.NDArray[np.uint32], codes: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    mapped = table[np.minimum(codes, TABLE_SIZE - 1)]
    high = codes >= TABLE_SIZE
    return np.where(high, codes, mapped) if high.any() else mapped


def fold_in_place(text: str) -> str:
    """`text` with full-width, compatibility and traditional forms folded and invisible
    characters turned into spaces, character for character: same length, same positions."""
    folded = _apply(_tables()[1], _codes(text))
    return np.ascontiguousarray(folded, dtype=np.uint32).tobytes().decode("utf-32-le")


def normalize(text: str) -> Normalized:
    """Normalize `text` for matching (see the module docstring)."""
    mapped = _apply(_tables()[0], _codes(text))
    keep = mapped != 0
    origin = np.flatnonzero(keep)
    kept = np.ascontiguousarray(mapped[keep], dtype=np.uint32)
    return Normalized(kept.tobytes().decode("utf-32-le"), kept, origin)
