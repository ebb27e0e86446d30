"""保密期限: a confidentiality period in one of the national forms, and its arithmetic."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from baomi.core.levels import Level

from ._text import (
    _LONG_TERM,
    _MIN_DATE_YEAR,
    _STARS,
    _YEAR_OUT_OF_RANGE,
    EVENT_MAX_LENGTH,
    MarkingError,
    PeriodKind,
    _classify_tail,
    _normalize,
    gettext_noop,
)


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
