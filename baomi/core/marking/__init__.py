"""密级标志: the marking a classified item carries, e.g. `机密★5年` (SPEC §2, GB/T 9704).

A marking is a level (秘密, 机密 or 绝密) and, usually, a confidentiality period (保密期限) after a
star. The period takes one of the national forms (LEGAL-PARAMETERS rows 2–7):

- N years (`5年`), used for one year or more;
- N months (`6个月`), used only below one year;
- a declassification date (解密时间, `2027年6月30日`);
- a declassification condition (解密条件, an event such as `会议开始前`);
- long term (`长期`).

A level on its own (`机密`) is a marking without a period; the law then applies the level's
default, see `Marking.effective_period`.

Guarantees:

- `Marking.parse` is lenient about typing (full-width characters, spaces, `☆`/`*`/`＊` for the
  star, zero-padded or ISO-style dates) and strict about meaning: anything that looks like a
  number of years or months or a date but is not a valid one is refused with a `MarkingError`,
  never silently taken as a condition.
- Every `Period` and `Marking` that can be constructed formats to a canonical string that parses
  back to an equal object, and `Marking.parse(s).format() == s` for every canonical string `s`.
- `MarkingError.code` is a stable machine code; `MarkingError.message` is a translated sentence
  naming what was wrong and the limit that applies.

No database access: policy values (maximum and default periods) are passed in by the caller.
"""

from __future__ import annotations

from ._text import (
    EVENT_MAX_LENGTH,
    STATUTORY_MAX_YEARS,
    STATUTORY_UNMARKED_YEARS,
    MarkingError,
    PeriodKind,
)
from .marking import Marking
from .period import Period

__all__ = [
    "EVENT_MAX_LENGTH",
    "STATUTORY_MAX_YEARS",
    "STATUTORY_UNMARKED_YEARS",
    "Marking",
    "MarkingError",
    "Period",
    "PeriodKind",
]
