"""The manuscript scanner, plain Python without Django: normalization (`normalize`), term
matching (`terms`), excerpt matching against a fingerprint index (`fingerprints`, `index`,
`excerpts`) and marking detection (`markings`), put together by `pipeline.Scanner`."""

from .excerpts import Excerpt, Grouping
from .fingerprints import Shape
from .index import FingerprintIndex, Hits
from .markings import MarkingHit, find_markings
from .normalize import Normalized, fold_in_place, normalize
from .pipeline import MAX_DOCUMENTS, ExcerptFinding, Scanner, ScanResult
from .terms import Term, TermHit, TermMatcher

__all__ = [
    "MAX_DOCUMENTS",
    "Excerpt",
    "ExcerptFinding",
    "FingerprintIndex",
    "Grouping",
    "Hits",
    "MarkingHit",
    "Normalized",
    "ScanResult",
    "Scanner",
    "Shape",
    "Term",
    "TermHit",
    "TermMatcher",
    "find_markings",
    "fold_in_place",
    "normalize",
]
