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

import calendar
import datetime as dt
import enum
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from django.utils.translation import gettext

from baomi.core.levels import MARKED_LEVELS, Level

__all__ = [
    "EVENT_MAX_LENGTH",
    "STATUTORY_MAX_YEARS",
    "STATUTORY_UNMARKED_YEARS",
    "Marking",
    "MarkingError",
    "Period",
    "PeriodKind",
]

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


def _format_date(day: dt.date) -> str:
    # No zero padding: 2027年6月30日, as written in markings.
    return f"{day.year}年{day.month}月{day.day}日"


def _add_months(start: dt.date, months: int) -> dt.date:
    """Calendar addition; a day that does not exist in the target month becomes its last day."""
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise OverflowError(f"{start.isoformat()} + {months} months is out of the date range")
    last_day = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(start.day, last_day))


def _add_years(start: dt.date, years: int) -> dt.date:
    # 29 Feb + 1 year → 28 Feb, by the same clamping as months.
    return _add_months(start, 12 * years)


def _limit(mapping: Mapping[Level, int], default: Mapping[Level, int], level: Level) -> int:
    # A policy that leaves a level out falls back to the statute rather than to "no limit".
    value = mapping.get(level)
    return default[level] if value is None else value


@dataclass(frozen=True, slots=True)
class Period:
    """保密期限: one of the five forms; exactly the field of its kind is set.

    Construction enforces the rules that hold whatever the policy (positive counts, months below
    a year, a real four-digit-year date, a condition of 1–40 characters that cannot be mistaken
    for another form), so `format()` of any Period parses back to an equal Period. The maximum
    length depends on the level and the policy and is checked by `Marking.validate`.
    """

    kind: PeriodKind
    years: int | None = None
    months: int | None = None
    until: dt.date | None = None
    event: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.kind, PeriodKind):
            raise TypeError(f"kind must be a PeriodKind, not {type(self.kind).__name__}")
        expected = {
            PeriodKind.YEARS: "years",
            PeriodKind.MONTHS: "months",
            PeriodKind.UNTIL_DATE: "until",
            PeriodKind.UNTIL_EVENT: "event",
            PeriodKind.LONG_TERM: None,
        }[self.kind]
        for name in ("years", "months", "until", "event"):
            is_set = getattr(self, name) is not None
            if is_set != (name == expected):
                state = "requires" if name == expected else "does not take"
                raise TypeError(f"a {self.kind.value} period {state} {name!r}")
        if self.kind is PeriodKind.YEARS:
            self._check_count(self.years, "年")
        elif self.kind is PeriodKind.MONTHS:
            self._check_count(self.months, "个月")
            assert self.months is not None
            if self.months >= 12:
                raise MarkingError(
                    "months_not_below_year",
                    gettext_noop(
                        "A period of 12 months or more must be written in years; "
                        "%(months)s months were given."
                    ),
                    {"months": self.months},
                )
        elif self.kind is PeriodKind.UNTIL_DATE:
            self._check_date(self.until)
        elif self.kind is PeriodKind.UNTIL_EVENT:
            self._check_event(self.event)

    @staticmethod
    def _check_count(value: object, unit: str) -> None:
        # bool is an int subclass; True years is a bug, not one year.
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"a period count must be an int, not {type(value).__name__}")
        if value <= 0:
            raise MarkingError(
                "zero_period",
                gettext_noop(
                    "A confidentiality period must be at least 1 month; %(period)s was given."
                ),
                {"period": f"{value}{unit}", "value": value},
            )

    @staticmethod
    def _check_date(value: object) -> None:
        # datetime is a date subclass but would format and compare differently.
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise TypeError(f"a declassification date must be a date, not {type(value).__name__}")
        if value.year < _MIN_DATE_YEAR:
            raise MarkingError(
                "invalid_date",
                _YEAR_OUT_OF_RANGE,
                {"date": value.isoformat(), "min_year": _MIN_DATE_YEAR, "max_year": dt.MAXYEAR},
            )

    @staticmethod
    def _check_event(value: object) -> None:
        if not isinstance(value, str):
            raise TypeError(f"a declassification condition must be a str, not {type(value)}")
        if not value:
            raise MarkingError(
                "missing_period",
                gettext_noop("A declassification condition may not be empty."),
            )
        if len(value) > EVENT_MAX_LENGTH:
            raise MarkingError(
                "event_too_long",
                gettext_noop(
                    "A declassification condition may be at most %(max_length)s characters "
                    "long; %(length)s were given."
                ),
                {"max_length": EVENT_MAX_LENGTH, "length": len(value), "event": value},
            )
        if value != _normalize(value) or not value.isprintable() or _STARS & set(value):
            raise MarkingError(
                "malformed",
                gettext_noop(
                    "The declassification condition “%(event)s” may not contain spaces, "
                    "stars or invisible characters."
                ),
                {"event": value},
            )
        form, _match = _classify_tail(value)
        if form != "event":
            # Otherwise it would format as, and parse back into, a different kind of period.
            raise MarkingError(
                "malformed",
                gettext_noop(
                    "“%(event)s” is written like a period or a date, not a declassification "
                    "condition."
                ),
                {"event": value},
            )

    # -- constructors ------------------------------------------------------------------------

    @classmethod
    def of_years(cls, years: int) -> Period:
        """N years (`5年`), N ≥ 1."""
        return cls(PeriodKind.YEARS, years=years)

    @classmethod
    def of_months(cls, months: int) -> Period:
        """N months (`6个月`), 1 ≤ N ≤ 11: a year or more is written in years."""
        return cls(PeriodKind.MONTHS, months=months)

    @classmethod
    def until_date(cls, until: dt.date) -> Period:
        """Until a declassification date (`2027年6月30日`)."""
        return cls(PeriodKind.UNTIL_DATE, until=until)

    @classmethod
    def until_event(cls, text: str) -> Period:
        """Until a declassification condition (`会议开始前`); the text is normalized first."""
        return cls(PeriodKind.UNTIL_EVENT, event=_normalize(text))

    @classmethod
    def long_term(cls) -> Period:
        """长期."""
        return cls(PeriodKind.LONG_TERM)

    # -- behaviour ---------------------------------------------------------------------------

    def format(self) -> str:
        """The canonical text: `5年`, `6个月`, `2027年6月30日`, the condition, or `长期`."""
        if self.kind is PeriodKind.YEARS:
            return f"{self.years}年"
        if self.kind is PeriodKind.MONTHS:
            return f"{self.months}个月"
        if self.kind is PeriodKind.UNTIL_DATE:
            assert self.until is not None
            return _format_date(self.until)
        if self.kind is PeriodKind.UNTIL_EVENT:
            assert self.event is not None
            return self.event
        return _LONG_TERM

    def __str__(self) -> str:
        return self.format()

    def end_date(self, start: dt.date) -> dt.date | None:
        """The day the period ends when it runs from `start` (the marked issue date).

        Calendar arithmetic: start + N years or months, a day missing from the target month
        becoming that month's last day (29 Feb + 1 year → 28 Feb; 31 Jan + 1 month → 28/29 Feb).
        The until-date itself for a date; None for a condition or long term, which have no date.
        Raises OverflowError past year 9999.
        """
        if self.kind is PeriodKind.YEARS:
            assert self.years is not None
            return _add_years(start, self.years)
        if self.kind is PeriodKind.MONTHS:
            assert self.months is not None
            return _add_months(start, self.months)
        if self.kind is PeriodKind.UNTIL_DATE:
            return self.until
        return None


def _parse_date(text: str, year: str, month: str, day: str) -> dt.date:
    y, m, d = int(year), int(month), int(day)
    params: dict[str, object] = {"date": text, "year": y, "month": m, "day": d}
    if y < _MIN_DATE_YEAR:
        params |= {"min_year": _MIN_DATE_YEAR, "max_year": dt.MAXYEAR}
        raise MarkingError(
            "invalid_date",
            _YEAR_OUT_OF_RANGE,
            params,
        )
    if not 1 <= m <= 12:
        raise MarkingError(
            "invalid_date",
            gettext_noop("“%(date)s” is not a valid date: the month must be between 1 and 12."),
            params,
        )
    days = calendar.monthrange(y, m)[1]
    if not 1 <= d <= days:
        raise MarkingError(
            "invalid_date",
            gettext_noop(
                "“%(date)s” is not a valid date: month %(month)s of %(year)s has %(days)s days."
            ),
            params | {"days": days},
        )
    return dt.date(y, m, d)


def _parse_period(tail: str) -> Period:
    """The Period a normalized, non-empty tail (the text after the star) denotes."""
    form, match = _classify_tail(tail)
    if form == "long_term":
        return Period.long_term()
    if form == "years":
        assert match is not None
        return Period.of_years(int(match[1]))
    if form == "months":
        assert match is not None
        return Period.of_months(int(match[1]))
    if form == "date_zh":
        assert match is not None
        return Period.until_date(_parse_date(tail, match[1], match[2], match[3]))
    if form == "date_sep":
        assert match is not None
        return Period.until_date(_parse_date(tail, match[1], match[3], match[4]))
    if form == "numeric":
        raise MarkingError(
            "malformed",
            gettext_noop(
                "“%(period)s” is not a valid period: write whole years (5年), months below a "
                "year (6个月), a date (2027年6月30日), a condition, or 长期."
            ),
            {"period": tail},
        )
    return Period.until_event(tail)


@dataclass(frozen=True, slots=True)
class Marking:
    """密级标志: a marked level and its period (None when no period is marked, e.g. `机密`).

    Construction guarantees the level is one of MARKED_LEVELS (公开 and 内部 never carry a
    marking); an int level (as read from the database) is accepted and converted to Level.
    Policy limits (maximum period, dates relative to the issue date) are checked by `validate`,
    which `parse` always calls.
    """

    level: Level
    period: Period | None = None

    def __post_init__(self) -> None:
        level: object = self.level
        if isinstance(level, bool) or not isinstance(level, int):
            raise TypeError(f"level must be a Level, not {type(level).__name__}")
        if not isinstance(level, Level):
            # Frozen dataclass: object.__setattr__ is the sanctioned way to normalize a field.
            object.__setattr__(self, "level", Level(level))
        if self.level not in MARKED_LEVELS:
            raise MarkingError(
                "not_marked_level",
                _NOT_MARKED_LEVEL,
                {"level": self.level.zh, "levels": _LEVEL_CHOICES},
            )
        if self.period is not None and not isinstance(self.period, Period):
            raise TypeError(f"period must be a Period or None, not {type(self.period).__name__}")

    @classmethod
    def parse(
        cls,
        text: str,
        *,
        max_years: Mapping[Level, int] = STATUTORY_MAX_YEARS,
        issued: dt.date | None = None,
    ) -> Marking:
        """Read a marking as typed and validate it against the policy.

        Accepts full-width characters, whitespace anywhere, `★`/`☆`/`*`/`＊` as the star,
        `6月` for `6个月`, and dates as `2027年06月30日`, `2027-06-30` or `2027.6.30`. Raises
        MarkingError (with a stable `code`) for anything that is not a valid marking; a tail that
        looks like a period or a date is never read as a condition.
        """
        normal = _normalize(text)
        if not normal:
            raise MarkingError(
                "empty",
                gettext_noop(
                    "The marking is empty; it must name a level (%(levels)s), optionally "
                    "followed by ★ and a period, e.g. %(example)s."
                ),
                {"levels": _LEVEL_CHOICES, "example": "机密★5年"},
            )
        star_count = sum(1 for char in normal if char in _STARS)
        if star_count > 1:
            raise MarkingError(
                "malformed",
                gettext_noop(
                    "“%(text)s” has %(count)s stars; a marking has exactly one star between "
                    "the level and the period."
                ),
                {"text": normal, "count": star_count},
            )
        if star_count == 0:
            head, tail = normal, None
        else:
            star_at = next(i for i, char in enumerate(normal) if char in _STARS)
            head, tail = normal[:star_at], normal[star_at + 1 :]

        level = cls._parse_level(head, normal, has_star=tail is not None)
        if tail is None:
            marking = cls(level)
        elif not tail:
            raise MarkingError(
                "missing_period",
                gettext_noop(
                    "The %(level)s marking ends in a star but gives no period; write the "
                    "period after the star (e.g. %(example)s) or leave out the star."
                ),
                {"level": level.zh, "example": f"{level.zh}★5年"},
            )
        else:
            marking = cls(level, _parse_period(tail))
        marking.validate(max_years=max_years, issued=issued)
        return marking

    @staticmethod
    def _parse_level(head: str, text: str, *, has_star: bool) -> Level:
        try:
            level = Level.from_zh(head)
        except ValueError:
            level = None
        if level is not None:
            if level not in MARKED_LEVELS:
                raise MarkingError(
                    "not_marked_level",
                    _NOT_MARKED_LEVEL,
                    {"level": level.zh, "levels": _LEVEL_CHOICES},
                )
            return level
        if not has_star:
            # `机密5年`: a level run into its period, the star forgotten.
            for marked in MARKED_LEVELS:
                if head.startswith(marked.zh):
                    raise MarkingError(
                        "malformed",
                        gettext_noop(
                            "“%(text)s” is not a valid marking: the level must be followed by "
                            "★ and the period, e.g. %(example)s."
                        ),
                        {"text": text, "example": f"{marked.zh}★5年"},
                    )
        if not head:
            raise MarkingError(
                "unknown_level",
                gettext_noop(
                    "The marking has no level before the star; it must begin with one of "
                    "%(levels)s."
                ),
                {"level": "", "levels": _LEVEL_CHOICES},
            )
        raise MarkingError(
            "unknown_level",
            gettext_noop("“%(level)s” is not a level; a marking begins with one of %(levels)s."),
            {"level": head, "levels": _LEVEL_CHOICES},
        )

    def validate(self, *, max_years: Mapping[Level, int], issued: dt.date | None = None) -> None:
        """Check the policy limits; raise MarkingError if one is broken.

        `max_years` is the organization's maximum period per level (a level it leaves out gets
        the statutory maximum). With `issued` (the marked issue date, from which the period runs)
        a declassification date must fall after it and no later than issued + the maximum.
        Conditions, long term and an unmarked period have no length to check.
        """
        limit = _limit(max_years, STATUTORY_MAX_YEARS, self.level)
        period = self.period
        if period is None:
            return
        base: dict[str, object] = {"level": self.level.zh, "max_years": limit}
        if period.kind is PeriodKind.YEARS:
            assert period.years is not None
            if period.years > limit:
                raise MarkingError(
                    "beyond_max",
                    gettext_noop(
                        "The period of a %(level)s marking may not exceed %(max_years)s years; "
                        "%(years)s years were given."
                    ),
                    base | {"years": period.years},
                )
        elif period.kind is PeriodKind.MONTHS:
            assert period.months is not None
            # Only reachable with a policy maximum below one year.
            if period.months > 12 * limit:
                raise MarkingError(
                    "beyond_max",
                    gettext_noop(
                        "The period of a %(level)s marking may not exceed %(max_years)s years; "
                        "%(months)s months were given."
                    ),
                    base | {"months": period.months},
                )
        elif period.kind is PeriodKind.UNTIL_DATE and issued is not None:
            assert period.until is not None
            params = base | {"date": period.until.isoformat(), "issued": issued.isoformat()}
            if period.until <= issued:
                raise MarkingError(
                    "date_not_after_issue",
                    gettext_noop(
                        "The declassification date %(date)s must be after the issue date "
                        "%(issued)s."
                    ),
                    params,
                )
            try:
                latest = _add_years(issued, limit)
            except OverflowError:
                return  # the limit lies beyond any representable date
            if period.until > latest:
                raise MarkingError(
                    "date_beyond_max",
                    gettext_noop(
                        "The declassification date %(date)s is more than %(max_years)s years "
                        "after the issue date %(issued)s, the maximum for a %(level)s marking; "
                        "the latest allowed date is %(latest)s."
                    ),
                    params | {"latest": latest.isoformat()},
                )

    def effective_period(
        self, unmarked_years: Mapping[Level, int] = STATUTORY_UNMARKED_YEARS
    ) -> Period:
        """The marked period, or — when none is marked — the level's default in years.

        `unmarked_years` is the organization's policy (a level it leaves out gets the statutory
        default: 绝密 30, 机密 20, 秘密 10 years).
        """
        if self.period is not None:
            return self.period
        return Period.of_years(_limit(unmarked_years, STATUTORY_UNMARKED_YEARS, self.level))

    def format(self) -> str:
        """The canonical text: `机密★5年`, `绝密★长期`, or just `机密` without a period."""
        if self.period is None:
            return self.level.zh
        return f"{self.level.zh}{STAR}{self.period.format()}"

    def __str__(self) -> str:
        return self.format()
