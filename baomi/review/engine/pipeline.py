"""The scanner: the four steps over one manuscript, with typed findings in input positions."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from .excerpts import Grouping, group
from .index import FingerprintIndex
from .markings import MarkingHit, find_markings
from .normalize import normalize
from .terms import TermHit, TermMatcher

#: a gram held by more documents than this is boilerplate ("现将有关事项通知如下"), not evidence
MAX_DOCUMENTS = 8


@dataclass(frozen=True, slots=True)
class ExcerptFinding:
    """A manuscript span (input positions) repeating a registered document's span
    (normalized positions of that document's text)."""

    start: int
    end: int
    document: int
    source_start: int
    source_end: int
    hits: int
    similarity: float


@dataclass(frozen=True, slots=True)
class ScanResult:
    """Everything the scanner found in one manuscript, and how long each step took."""

    terms: list[TermHit]
    excerpts: list[ExcerptFinding]
    markings: list[MarkingHit]
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return not (self.terms or self.excerpts or self.markings)


class Scanner:
    """Scans manuscripts against a term list and a fingerprint index (either may be absent:
    the register profile holds no document text, so it has no index)."""

    def __init__(
        self,
        terms: TermMatcher | None = None,
        index: FingerprintIndex | None = None,
        *,
        max_documents: int = MAX_DOCUMENTS,
        grouping: Grouping | None = None,
    ) -> None:
        self.terms = terms
        self.index = index
        self.max_documents = max_documents
        self.grouping = grouping or Grouping()

    def scan(self, text: str) -> ScanResult:
        clock = time.perf_counter
        seconds = {}
        started = clock()
        normalized = normalize(text)
        seconds["normalize"] = clock() - started

        started = clock()
        terms = self.terms.find(normalized) if self.terms else []
        seconds["terms"] = clock() - started

        started = clock()
        excerpts = []
        if self.index is not None:
            hits = self.index.hits(normalized.codes, self.max_documents)
            for e in group(hits, self.index.shape.k, self.grouping):
                excerpts.append(
                    ExcerptFinding(
                        *normalized.source_span(e.start, e.end),
                        document=e.document,
                        source_start=e.source_start,
                        source_end=e.source_end,
                        hits=e.hits,
                        similarity=round(e.similarity, 3),
                    )
                )
        seconds["excerpts"] = clock() - started

        started = clock()
        markings = find_markings(text)
        seconds["markings"] = clock() - started
        return ScanResult(terms, sorted(excerpts, key=lambda e: e.start), markings, seconds)
