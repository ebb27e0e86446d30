"""What markings and periods share: the statutory limits, the forms a period's text takes, and the
error both raise."""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

from django.utils.translation import gettext

from baomi.core.levels import MARKED_LEVELS, Level

#: 法第二十条 (LEGAL-PARAMETERS row 2). Read-only because it is used as a default argument.
STATUTORY_MAX_YEARS: Mapping[Level, int] = MappingProxyType(
    {Level.TOP_SECRET: 30, Level.SECRET: 20, Level.CONFIDENTIAL: 10}
)


#: An unmarked period counts as the level's maximum (LEGAL-PARAMETERS row 6).
STATUTORY_UNMARKED_YEARS: Mapping[Level, int] = MappingProxyType(dict(STATUTORY_MAX_YEARS))


#: Longest declassification condition accepted, in characters (after normalization).
EVENT_MAX_LENGTH = 40


def gettext_noop(message: str) -> str:
    """Mark a msgid for makemessages without translating it.

    Django's own gettext_noop reads settings on first use, which would make importing this
    module (it marks msgids at module level) require configured settings.
    """
    return message


STAR = "★"


# ＊ is folded to * by NFKC, so it needs no entry of its own.
_STARS = frozenset("★☆*")


_LONG_TERM = "长期"


_LEVEL_CHOICES = "/".join(level.zh for level in MARKED_LEVELS)


# Dates are written with four-digit years, so only those years can round-trip.
_MIN_DATE_YEAR = 1000


# Chinese punctuation that NFKC would fold to ASCII; kept so that a condition such as
# `会议开始前（内部）` stays as the clerk wrote it.
_KEEP_PUNCTUATION = "，：；（）！？"


_KEEP_SPLIT = re.compile(f"([{re.escape(_KEEP_PUNCTUATION)}])")


# \s misses the zero-width characters that copy-paste from word processors brings along.
_BLANKS = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")


# Messages raised from more than one place (msgids; rendered by MarkingError.message).
_NOT_MARKED_LEVEL = gettext_noop(
    "A %(level)s item is not a classified secret and never carries a marking; only "
    "%(levels)s are marked."
)


_YEAR_OUT_OF_RANGE = gettext_noop(
    "“%(date)s” is not a valid date: the year must be between %(min_year)s and %(max_year)s."
)


# Canonical and lenient period forms. Digit runs are bounded so int() stays cheap.
_YEARS = re.compile(r"([0-9]{1,100})年")


_MONTHS = re.compile(r"([0-9]{1,100})(?:个月|月)")


_DATE_ZH = re.compile(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日")


_DATE_SEP = re.compile(r"([0-9]{4})([-./])([0-9]{1,2})\2([0-9]{1,2})")


# A tail made only of numerals, units and date separators was meant as a period or a date; if it
# matched none of the forms above it is a typing error, not a condition.
_NUMERIC_LOOKING = re.compile(r"[\d〇零一二两三四五六七八九十百千万半.\-/+年个月日号天周]+")


_HAS_NUMERAL = re.compile(r"[\d〇零一二两三四五六七八九十百千万半]")


class PeriodKind(enum.Enum):
    """The form a confidentiality period is written in."""

    YEARS = "years"
    MONTHS = "months"
    UNTIL_DATE = "until_date"
    UNTIL_EVENT = "until_event"
    LONG_TERM = "long_term"


class MarkingError(ValueError):
    """A marking or period that is not acceptable.

    `code` is stable (see the module's callers and tests); `params` holds the values the message
    mentions; `message` is rendered in the active language each time it is read, so an error
    raised in one request can be shown in another language.
    """

    code: str
    params: dict[str, object]
    template: str

    def __init__(self, code: str, template: str, params: Mapping[str, object] | None = None):
        # Passing everything to ValueError keeps the exception picklable (args replay __init__).
        params = dict(params or {})
        super().__init__(code, template, params)
        self.code = code
        self.template = template
        self.params = params

    @property
    def message(self) -> str:
        """The human sentence, translated into the active language."""
        return gettext(self.template) % self.params

    def __str__(self) -> str:
        return self.message


def _normalize(text: str) -> str:
    """NFKC (full-width digits/letters/symbols to ASCII) and no whitespace at all.

    Repeated to a fixed point because removing a space can let NFKC compose neighbours anew;
    the result is therefore stable under `_normalize` itself.
    """
    while True:
        parts = _KEEP_SPLIT.split(text)
        # Odd indices are the kept punctuation marks themselves.
        folded = "".join(
            part if i % 2 else unicodedata.normalize("NFKC", part) for i, part in enumerate(parts)
        )
        folded = _BLANKS.sub("", folded)
        if folded == text:
            return folded
        text = folded


_TailForm = Literal["long_term", "years", "months", "date_zh", "date_sep", "numeric", "event"]


_TAIL_FORMS: tuple[tuple[_TailForm, re.Pattern[str]], ...] = (
    ("years", _YEARS),
    ("months", _MONTHS),
    ("date_zh", _DATE_ZH),
    ("date_sep", _DATE_SEP),
)


def _classify_tail(tail: str) -> tuple[_TailForm, re.Match[str] | None]:
    """Which period form a normalized tail is written in (no validation of the values)."""
    if tail == _LONG_TERM:
        return "long_term", None
    for form, pattern in _TAIL_FORMS:
        match = pattern.fullmatch(tail)
        if match:
            return form, match
    if _NUMERIC_LOOKING.fullmatch(tail) and _HAS_NUMERAL.search(tail):
        return "numeric", None
    return "event", None
