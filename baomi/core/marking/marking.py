"""密级标志: a marked level and its period, parsed, validated and formatted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from baomi.core.levels import MARKED_LEVELS, Level

from ._text import (
    _LEVEL_CHOICES,
    _NOT_MARKED_LEVEL,
    _STARS,
    STAR,
    STATUTORY_MAX_YEARS,
    STATUTORY_UNMARKED_YEARS,
    MarkingError,
    PeriodKind,
    _normalize,
    gettext_noop,
)
from .period import (
    Period,
    _add_years,
    _limit,
    _parse_period,
)


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
