"""The marking composed on the registration page from its parts: a level, the form its period is
written in, and the period's value. The result is the marking's text, which the registration
service parses like one typed whole, so a composed and a typed marking are judged the same way."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from baomi.core.levels import Level
from baomi.core.marking import Marking, MarkingError, Period, PeriodKind

#: the period form of a marking that names its level only (`机密`)
UNMARKED = "unmarked"

MISSING = {
    PeriodKind.YEARS.value: gettext_noop("Give the number of years."),
    PeriodKind.MONTHS.value: gettext_noop("Give the number of months."),
    PeriodKind.UNTIL_DATE.value: gettext_noop(
        "Give the declassification date, such as 2027-06-30."
    ),
    PeriodKind.UNTIL_EVENT.value: gettext_noop("Give the declassification condition."),
}


def _count(value: str) -> int:
    digits = unicodedata.normalize("NFKC", value).strip()
    if not digits.isdigit() or len(digits) > 4:
        raise ValidationError(_("Give a whole number."), code="not_a_number")
    return int(digits)


def _date(level: Level, value: str) -> Period:
    # the marking's own reader knows every way a date is written (2027.6.30, 2027年06月30日)
    try:
        read = Marking.parse(f"{level.zh}★{value}").period
    except MarkingError as exc:
        if exc.code in ("invalid_date", "date_not_after_issue", "date_beyond_max"):
            raise
        read = None
    if read is None or read.kind is not PeriodKind.UNTIL_DATE:
        raise ValidationError(
            _("“%(value)s” is not a date; write it as 2027-06-30 or 2027年6月30日.")
            % {"value": value},
            code="not_a_date",
        )
    return read


def compose_marking(level: Level, form: str, value: str, *, required: bool = True) -> str:
    """The canonical text of the marking `level` + period of `form` with `value` (`机密★10年`),
    "" when `form` is empty, or its value is and not `required`; a ValidationError naming
    what is wrong with the value otherwise. The limits in force (CLS.PERIOD.MAX) are the
    service's to check, on this text as on one typed."""
    value = value.strip()
    if form == UNMARKED:
        return Marking(level).format()
    if not form:
        return ""
    if form != PeriodKind.LONG_TERM.value and not value:
        if not required:
            return ""
        raise ValidationError(_(MISSING[form]) if form in MISSING else _("Give the period."))
    try:
        if form == PeriodKind.YEARS.value:
            period = Period.of_years(_count(value))
        elif form == PeriodKind.MONTHS.value:
            period = Period.of_months(_count(value))
        elif form == PeriodKind.UNTIL_EVENT.value:
            period = Period.until_event(value)
        elif form == PeriodKind.LONG_TERM.value:
            period = Period.long_term()
        elif form == PeriodKind.UNTIL_DATE.value:
            period = _date(level, value)
        else:
            raise ValidationError(_("Choose how the period is written."), code="invalid")
        return Marking(level, period).format()
    except MarkingError as exc:
        raise ValidationError(exc.message, code=exc.code) from exc


def same_marking(one: str, other: str) -> bool:
    """Whether two texts are the same marking however typed (`机密*10年`, `机密★10年`); a text
    that is no marking at all is left for the service to refuse, and counts as the same."""
    try:
        return Marking.parse(one) == Marking.parse(other)
    except MarkingError:
        return True
