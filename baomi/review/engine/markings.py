"""Step 4: markings a classified text carries: 密级 markings (机密★5年), 密级 labels, copy
numbers (份号), and, through the term matcher, document numbers of registered classified
documents and notices of internal material ("内部资料").

The patterns read a folded copy of the input of the same length (full-width, traditional and
invisible characters folded, see `fold_in_place`) and allow spaces between the characters, so
"機 密 ＊ 5 年" is read as a marking and its position is the author's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .normalize import fold_in_place

GAP = r"\s*"


def _spaced(word: str) -> str:
    return GAP.join(re.escape(ch) for ch in word)


LEVELS = "|".join(_spaced(w) for w in ("绝密", "机密", "秘密"))
PATTERNS = {
    # 机密★5年, 秘密★6个月, 绝密★长期, 机密★2027年6月30日, 机密★会议开始前
    "marking": re.compile(
        rf"(?:{LEVELS}){GAP}[★☆*]{GAP}(?:长{GAP}期"
        rf"|\d{{4}}{GAP}年{GAP}\d{{1,2}}{GAP}月{GAP}\d{{1,2}}{GAP}日|\d+{GAP}(?:年|个{GAP}月)"
        rf"|[^\s,.;:!?，。；：！？、]{{1,20}})"
    ),
    # 密级：机密
    "level_label": re.compile(rf"{_spaced('密级')}{GAP}:?{GAP}(?:{LEVELS})"),
    # 份号 000123, or six digits alone on a line (GB/T 9704 puts the copy number there)
    "copy_number": re.compile(
        rf"{_spaced('份号')}{GAP}:?{GAP}\d{{1,6}}|(?m:^[ \t]*\d{{6}}[ \t]*$)"
    ),
}


@dataclass(frozen=True, slots=True)
class MarkingHit:
    """A marking found in the input: its kind and input span."""

    kind: str
    start: int
    end: int
    text: str


def find_markings(text: str) -> list[MarkingHit]:
    """Every 密级 marking, level label and copy number in `text`, in order."""
    folded = fold_in_place(text)
    hits = [
        MarkingHit(kind, m.start(), m.end(), text[m.start() : m.end()])
        for kind, pattern in PATTERNS.items()
        for m in pattern.finditer(folded)
    ]
    return sorted(hits, key=lambda h: (h.start, h.end))
