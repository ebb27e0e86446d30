"""The stocktake's schedule (DOC.STOCKTAKE): every few months, and before each of the four
holidays (四大节假日)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from baomi.policy import applying

# 春节 moves with the lunar calendar; the other three holidays are fixed
SPRING_FESTIVAL = {
    2025: dt.date(2025, 1, 29),
    2026: dt.date(2026, 2, 17),
    2027: dt.date(2027, 2, 6),
    2028: dt.date(2028, 1, 26),
    2029: dt.date(2029, 2, 13),
    2030: dt.date(2030, 2, 3),
    2031: dt.date(2031, 1, 23),
    2032: dt.date(2032, 2, 11),
    2033: dt.date(2033, 1, 31),
    2034: dt.date(2034, 2, 19),
    2035: dt.date(2035, 2, 8),
}


def holiday_dates(year: int) -> dict[str, dt.date]:
    dates = {
        "元旦": dt.date(year, 1, 1),
        "五一": dt.date(year, 5, 1),
        "国庆": dt.date(year, 10, 1),
    }
    if year in SPRING_FESTIVAL:
        dates["春节"] = SPRING_FESTIVAL[year]
    return dates


@dataclass(frozen=True)
class StocktakeDue:
    """Why a stocktake is due (DOC.STOCKTAKE), with the values and parameters it was judged by;
    `due` is false when the last stocktake still covers today."""

    due: bool
    values: Mapping[str, Any]
    params: Mapping[str, Any]
    message: Any = None


def stocktake_due_on(today: dt.date, last: dt.date | None) -> StocktakeDue:
    """A stocktake is due every few months, and before each of the four holidays unless a
    recent one counts as the holiday's check (DOC.STOCKTAKE). The rule reminds; it refuses
    nothing, so it is applied, not enforced."""
    p = applying("DOC.STOCKTAKE")
    months = int(p["interval_months"])
    if last is None or (today - last).days > months * 366 // 12:
        return StocktakeDue(
            True,
            {"last": str(last) if last else None, "interval_months": months},
            p,
            lambda: (
                _("No stocktake has been closed in the last %(months)s months.")
                % {"months": months}
            ),
        )
    coming = [
        (day, name)
        for year in (today.year, today.year + 1)
        for name, day in holiday_dates(year).items()
        if name in p["holidays"] and 0 <= (day - today).days <= int(p["holiday_notice_days"])
    ]
    recent = int(p["holiday_recent_days"])
    due = next(((d, n) for d, n in sorted(coming) if (d - last).days > recent), None)
    if due is None:
        return StocktakeDue(False, {"last": str(last)}, p)
    day, name = due
    return StocktakeDue(
        True,
        {"holiday": name, "on": str(day), "last": str(last)},
        p,
        lambda: _("A stocktake is due before %(holiday)s.") % {"holiday": name},
    )
