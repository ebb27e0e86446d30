"""Times as people read them: in the organization's time zone, to the minute, in the date style of
the active language. Pages, exports, PDFs and printed sheets all format through here."""

from __future__ import annotations

import datetime as dt

from django.utils import formats, timezone, translation


def _moment(value: object) -> dt.datetime | dt.date | None:
    if isinstance(value, dt.datetime | dt.date):
        return value
    if isinstance(value, str) and value[:4].isdigit():
        # audit details keep ISO text; a date alone stays a date
        try:
            return (
                dt.date.fromisoformat(value)
                if len(value) == 10
                else dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            )
        except ValueError:
            return None
    return None


def when(value: object) -> str:
    """`value` (a datetime, a date or ISO text) as local date and minute; other values unchanged."""
    moment = _moment(value)
    if moment is None:
        return "" if value is None else str(value)
    if isinstance(moment, dt.datetime):
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment, timezone.get_default_timezone())
        return formats.date_format(moment, "DATETIME_FORMAT")
    return formats.date_format(moment, "DATE_FORMAT")


def day(value: object) -> str:
    """`value` as the local date alone."""
    moment = _moment(value)
    if moment is None:
        return "" if value is None else str(value)
    if isinstance(moment, dt.datetime) and timezone.is_aware(moment):
        moment = timezone.localtime(moment, timezone.get_default_timezone())
    return formats.date_format(moment, "DATE_FORMAT")


def instant(value: object) -> str | None:
    """`value` as ISO 8601 for a machine (a <time> element's datetime), or None if it is no time."""
    moment = _moment(value)
    if moment is None:
        return None
    if isinstance(moment, dt.datetime) and timezone.is_aware(moment):
        moment = timezone.localtime(moment, timezone.get_default_timezone())
        return moment.isoformat(timespec="minutes")
    return moment.isoformat()


class Whole(str):
    """Text a printout keeps on one line: a PDF register draws it unwrapped in a column wide
    enough, where reportlab's CJK wrapping would split 2026年12月2日 between any two characters."""

    __slots__ = ()


def printed_when(value: object) -> str:
    """`value` as local date and minute in Chinese style whatever the active language, kept
    whole: for the registers and certificates, printed forms whose column names are Chinese in
    both languages. Nothing (None) prints as empty."""
    if value is None:
        return ""
    with translation.override("zh-hans"):
        return Whole(when(value))


def printed_day(value: object) -> str:
    """`value` as the local date alone, in Chinese style, kept whole (see `printed_when`)."""
    if value is None:
        return ""
    with translation.override("zh-hans"):
        return Whole(day(value))
